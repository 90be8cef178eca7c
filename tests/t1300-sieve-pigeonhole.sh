#!/bin/bash
# t1300-sieve-pigeonhole.sh - lda's Sieve interpreter against Pigeonhole's
#
# First lda-sieve's own behaviour (check, exit codes, the report); then
# every case under tests/sieve/cases/ (a script whose first comment lines
# name its messages, envelopes and settings) is run by Pigeonhole's
# sieve-test, the reference implementation, and by `lda-sieve test`; both
# reports are brought to lda-sieve's action format and must be equal.
# Where lda deliberately differs, tests/sieve/known-differences states
# lda's expected output and why; tests/sieve/todo lists the cases lda
# still gets wrong (TAP TODO).
#
# The runs come first, each report kept in a file; then
# tests/services/pigeonhole.py brings both to one form, compares, and
# prints the TAP lines.
#
# A case file starts with comment lines:
#   # msg: plain.eml folded.eml     messages (tests/sieve/msg/), one case each
#   # args: -f A -r B [-a C] [-m F] [-s before.sieve] [-D Folder]
#                                   an envelope; several lines: one case each
#   # conf: key=value               a setting for both (Pigeonhole's name;
#                                   sieve-test takes it as plugin/key)
# PH_DUMP=1 also prints every expected report.
# Defaults: -f alice@example.org -r bob@example.com; -a is -r when absent.
# -s names a script of tests/sieve/before/; include finds tests/sieve/
# personal/ and global/.  A case's id is NAME/MSG, NAME/MSG/K for the K-th
# args line after the first.

. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/services/pigeonhole.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root (sieve-test runs as nobody)"
command -v sieve-test >/dev/null 2>&1 || skip_all "sieve-test (dovecot-sieve) is not installed"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
: "${LDA_SIEVE:=$(dirname "$LDA")/lda-sieve}"
if [ ! -x "$LDA_SIEVE" ]; then
    echo "1..1"; not_ok "lda-sieve binary under test exists: $LDA_SIEVE"; exit 1
fi

S=$TESTS_DIR/sieve
W=$TEST_TMP/ph
R=$TEST_TMP/results
ph_init "$W" "$S/personal" "$S/global"
mkdir -p "$W/before" "$W/cases" "$W/msg" "$R"
cp "$S"/before/*.sieve "$W/before/"
cp "$S"/cases/*.sieve "$W/cases/"
cp "$S"/msg/*.eml "$W/msg/"
chmod -R a+rX "$W"
chown -R nobody "$W"
setpriv --reuid=nobody --regid=nogroup --clear-groups -- test -r "$W/msg/plain.eml" ||
    skip_all "nobody cannot reach $W (set TMPDIR to a world-searchable directory)"

# The same settings for lda-sieve (keys named as Pigeonhole's).
LCONF=$TEST_TMP/lda.conf
cat > "$LCONF" <<EOF
sieve_dir = $S/personal
sieve_global_dir = $S/global
sieve_max_actions = 32
sieve_max_redirects = 4
EOF
printf '%s\n' "$PH_SPAM_CONF" | sed 's/^ *//' >> "$LCONF"

# lda-sieve itself: check, exit codes, the report's format.
T=$TEST_TMP/tool
mkdir -p "$T"
printf 'require "fileinto";\nfileinto "Work";\n' > "$T/good.sieve"
printf 'require "fileinto";\nfileinto :bogus "Work";\n' > "$T/bad.sieve"
printf 'require "fileinto";\nfileinto "After";\n' > "$T/after.sieve"
printf '' > "$T/empty.sieve"
printf 'require "reject";\nreject text:\nline one\nline two\n.\n;\n' > "$T/reject.sieve"
printf 'require "envelope";\nif envelope :is "from" "eve@example.org" { discard; }\n' > "$T/from.sieve"
printf 'redirect "a@example.net"; redirect "b@example.net"; redirect "c@example.net";\nredirect "d@example.net"; redirect "e@example.net";\n' > "$T/limit.sieve"

OUT=$("$LDA_SIEVE" check "$T/good.sieve" 2>&1); RC=$?
is "$RC:$OUT" "0:" "check: a good script, exit 0 and silent"
OUT=$("$LDA_SIEVE" check "$T/good.sieve" "$T/bad.sieve" 2>&1); RC=$?
is "$RC" 1 "check: one bad script of two, exit 1"
like "$OUT" "^$T/bad.sieve:2:[0-9]+: error: " "check: FILE:LINE:COL: error: TEXT"
OUT=$("$LDA_SIEVE" check -c "$LCONF" "$S/cases/include-personal.sieve" 2>&1); RC=$?
is "$RC:$OUT" "0:" "check: includes found through lda.conf's sieve_dir"
"$LDA_SIEVE" >/dev/null 2>&1; is "$?" 64 "no command: usage, exit 64"
"$LDA_SIEVE" test -x "$T/good.sieve" "$S/msg/plain.eml" >/dev/null 2>&1
is "$?" 64 "test: an unknown option, exit 64"
"$LDA_SIEVE" test "$T/good.sieve" "$T/missing.eml" >/dev/null 2>&1
is "$?" 66 "test: a message that cannot be read, exit 66"
OUT=$("$LDA_SIEVE" test "$T/good.sieve" "$S/msg/plain.eml" 2>&1); RC=$?
is "$RC:$OUT" "0:store Work" "test: fileinto is 'store FOLDER'"
OUT=$("$LDA_SIEVE" test -m Lists "$T/empty.sieve" "$S/msg/plain.eml" 2>&1)
is "$OUT" "keep Lists" "test: the implicit keep goes to -m's folder"
OUT=$("$LDA_SIEVE" test -A "$T/after.sieve" "$T/empty.sieve" "$S/msg/plain.eml" 2>&1)
is "$OUT" "store After" "test: -A runs after the script while the implicit keep holds"
OUT=$("$LDA_SIEVE" test "$T/reject.sieve" "$S/msg/plain.eml" 2>/dev/null)
is "$OUT" 'reject line one\nline two\n' "test: a reason's line ends printed as \\n"
OUT=$("$LDA_SIEVE" test "$T/from.sieve" "$S/msg/mbox.eml" 2>/dev/null)
is "$OUT" "discard" "test: without -f, the sender of a leading 'From ' line"
OUT=$("$LDA_SIEVE" test "$T/from.sieve" "$S/msg/plain.eml" 2>/dev/null)
is "$OUT" "keep INBOX" "test: no 'From ' line, no sender"
OUT=$("$LDA_SIEVE" test "$T/limit.sieve" "$S/msg/plain.eml" 2>"$T/err"); RC=$?
is "$RC:$OUT" "1:keep INBOX" "test: a runtime error keeps, exit 1"
like "$(cat "$T/err")" "^$T/limit.sieve:2:[0-9]+: error: " "test: the runtime error's place"
OUT=$("$LDA_SIEVE" test "$T/bad.sieve" "$S/msg/plain.eml" 2>/dev/null); RC=$?
is "$RC:$OUT" "1:" "test: a script that does not compile: nothing done, exit 1"

# The cases lda-sieve is compared with a stated output, not sieve-test's.
declare -A KNOWN
while read -r _ id; do KNOWN[$id]=1; done < <(grep '^== ' "$S/known-differences")

# run_case FILE MSG K ARGS... - both runs of one case, their reports
# kept as $R/N.out, N.err, N.rc (lda-sieve) and N.ph (sieve-test)
run_case() {
    local file=$1 msg=$2 k=$3; shift 3
    local name id ph_args=() l_args=() sender="" folder=INBOX have_a=""
    local rcpt="" mailloc="" a rc
    name=${file##*/}; name=${name%.sieve}
    id=$name/$msg; [ "$k" -gt 1 ] && id=$id/$k
    n=$((n + 1))
    while [ $# -gt 0 ]; do
        case $1 in
        -s) ph_args+=(-s "$2"); l_args+=(-s "$S/before/$2"); shift 2; continue ;;
        -D) mailloc=$W/mail/$name.$k
            mkdir -p "$mailloc/.$2/cur" "$mailloc/.$2/new" "$mailloc/.$2/tmp" \
                "$mailloc/cur" "$mailloc/new" "$mailloc/tmp"
            chown -R nobody "$W/mail"
            l_args+=(-D "$2"); shift 2; continue ;;
        -f) sender=$2 ;;
        -r) rcpt=$2 ;;
        -a) have_a=1 ;;
        -m) folder=$2 ;;
        esac
        ph_args+=("$1" "$2"); l_args+=("$1" "$2"); shift 2
    done
    [ -z "$have_a" ] && { ph_args+=(-a "$rcpt"); l_args+=(-a "$rcpt"); }
    [ -n "$mailloc" ] && ph_args+=(-o "mail_location=maildir:$mailloc")
    for a in "${confs[@]}"; do
        ph_args+=(-o "plugin/$a"); l_args+=(-o "$a")
    done
    printf '%s\t%s\t%s\n' "$id" "$sender" "$folder" >> "$R/index"
    # Up to JOBS cases at a time: most of a case is starting processes.
    [ "$running" -lt "$JOBS" ] || { wait -n; running=$((running - 1)); }
    running=$((running + 1))
    {
        "$LDA_SIEVE" test -c "$LCONF" "${l_args[@]}" "$file" "$S/msg/$msg" \
            > "$R/$n.out" 2> "$R/$n.err"
        echo $? > "$R/$n.rc"
        [ -n "${KNOWN[$id]:-}" ] ||
            ph_run "$W/before" "${ph_args[@]}" "$W/cases/$name.sieve" \
                "$W/msg/$msg" > "$R/$n.ph"
    } &
}

n=0 running=0
JOBS=$(( $(nproc 2>/dev/null || echo 1) * 2 ))
: > "$R/index"
for file in "$S"/cases/*.sieve; do
    msgs=plain.eml argl=() confs=()
    while IFS= read -r line; do
        case $line in
        "# msg: "*) msgs=${line#"# msg: "} ;;
        "# args: "*) argl+=("${line#"# args: "}") ;;
        "# conf: "*) confs+=("${line#"# conf: "}") ;;
        "#"*) ;;
        *) break ;;
        esac
    done < "$file"
    [ ${#argl[@]} -gt 0 ] || argl=("")
    for msg in $msgs; do
        k=0
        for line in "${argl[@]}"; do
            k=$((k + 1))
            # shellcheck disable=SC2086  # the args line is split as written
            set -- $line
            case " $line " in *" -f "*) ;; *) set -- -f alice@example.org "$@" ;; esac
            case " $line " in *" -r "*) ;; *) set -- -r bob@example.com "$@" ;; esac
            run_case "$file" "$msg" "$k" "$@"
        done
    done
done
wait

# The TAP lines go on from tap.sh's count (its counters: SC2154).
# shellcheck disable=SC2154
python3 "$TESTS_DIR/services/pigeonhole.py" "$R" "$S/known-differences" \
    "$S/todo" "$_tap_n"
rc=$?
# shellcheck disable=SC2154
[ "$_tap_failed" -eq 0 ] || rc=1
exit $rc
