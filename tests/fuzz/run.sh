#!/bin/sh
# run.sh SECONDS NAME... - run build/fuzz/fuzz_NAME for SECONDS each
#
# Each harness starts from a scratch copy of tests/fuzz/corpus/NAME in
# build/fuzz/run/NAME (what it finds stays there: the seeds in the tree
# change only by hand), with tests/fuzz/NAME.dict when there is one (the
# tokens its parser looks for), bounded in time, per input and memory.  Any
# crash, leak, undefined behaviour, timeout or excess memory fails the
# run; the input that did it is left in build/fuzz/run/NAME/.
secs=$1
shift
fail=0
passed=0
for n in "$@"; do
    dir=build/fuzz/run/$n
    rm -rf "$dir"
    mkdir -p "$dir/corpus"
    cp tests/fuzz/corpus/"$n"/* "$dir/corpus/" || exit 1
    dict=
    [ -f tests/fuzz/"$n".dict ] && dict=-dict=tests/fuzz/$n.dict
    # shellcheck disable=SC2086
    if UBSAN_OPTIONS=print_stacktrace=1 build/fuzz/fuzz_"$n" $dict \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
        -print_final_stats=1 -artifact_prefix="$dir/" "$dir/corpus" \
        >"$dir/log" 2>&1; then
        echo "fuzz $n: ok, $(sed -n 's/^stat::number_of_executed_units: *//p' \
            "$dir/log") runs in ${secs}s"
        passed=$((passed + 1))
    else
        echo "fuzz $n: FAILED, see $dir/log and the input in $dir/"
        grep -E 'ERROR|runtime error|SUMMARY|fuzz_.*\.c:' "$dir/log" | head -20
        fail=$((fail + 1))
    fi
done
echo "fuzz: $passed passed, $fail failed"
[ "$fail" -eq 0 ]
