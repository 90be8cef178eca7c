#!/bin/bash
# bench/sieve.sh - what a user's Sieve script costs lda ("make bench", last)
#
# usage: bench/sieve.sh [LDA]        (LDA defaults to build/lda)
#
# Delivers a 4 KB message (bench/lib.sh's make_msg) BENCH_SIEVE_N times
# (default 500, after BENCH_WARMUP=3 unrecorded rounds) with two lda
# configurations, interleaved round by round through bench/runner.c,
# quota = 10G and create_folders = yes in both:
#   none      sieve = a file that does not exist: the user has no script
#             (what every delivery pays for looking)
#   sieve-50  sieve = bench/sieve-50.sieve: 50 rules as a webmail's
#             filter editor writes them (header :contains / :is,
#             address :domain, fileinto, a few :matches with variables,
#             one :regex); only rule 48 matches, and files the message
#             into the folder Bench
# and reports wall and CPU time per delivery, peak RSS, and the ratio
# sieve-50 / none of the mean CPU (target <= 1.2) and of the wall time.
#
# lda reads the script afresh on every delivery (there is no compiled
# form to cache), so the ratio is parsing plus running 50 rules.
# After the run the script's effect is checked: every sieve-50 message
# must be in .Bench/new/ and every none message in new/.  An lda that
# does not know the sieve setting yet (a tree without filtering) is
# measured too, without it: the report then says "no script applied"
# and both columns are the same configuration.
#
# As root the agents run as BENCH_USER (default ldabench).  Prints plain
# text and (BENCH_MD=FILE) Markdown.  Exit 0 when every message was
# delivered where it belongs, whether or not the target is met; 1 when
# not; 2 on a setup problem.  BENCH_TMPDIR, BENCH_KEEP, CC, CFLAGS as in
# run.sh.

if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u -o pipefail
exec </dev/null

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
die() { echo "bench-sieve: $*" >&2; exit 2; }
. "$BENCH_DIR/lib.sh"
fail() { echo "bench-sieve: FAILED: $*" >&2; exit 1; }

LDA_ARG=${1:-${LDA:-$(dirname "$BENCH_DIR")/build/lda}}
LDA_BIN=$(cd "$(dirname "$LDA_ARG")" 2>/dev/null && pwd)/$(basename "$LDA_ARG")
[ -x "$LDA_BIN" ] || die "no lda at $LDA_ARG (make build/lda)"
N=${BENCH_SIEVE_N:-500}
WARM=${BENCH_WARMUP:-3}
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2}
SENDER=sender@example.org
RCPT=bob@example.com
SCRIPT=$BENCH_DIR/sieve-50.sieve
case $N in ''|*[!0-9]*|0) die "BENCH_SIEVE_N must be a positive integer" ;; esac
case $WARM in ''|*[!0-9]*) die "BENCH_WARMUP must be an integer" ;; esac
[ -r "$SCRIPT" ] || die "no $SCRIPT"

BASE=${BENCH_TMPDIR:-${TMPDIR:-/var/tmp}}
S=$(mktemp -d "$BASE/lda-sieve.XXXXXX") || die "cannot create a directory in $BASE"
trap '[ -n "${BENCH_KEEP:-}" ] && echo "bench-sieve: scratch directory kept: $S" >&2 || rm -rf "$S"' EXIT
chmod 755 "$S"

bench_user
mkdir -p "$S/bin" "$S/log" "$S/home" "$S/none" "$S/sieve" "$S/probe" ||
    die "cannot populate $S"
# shellcheck disable=SC2086
$CC $CFLAGS -o "$S/bin/runner" "$BENCH_DIR/runner.c" || die "cannot build runner"
# shellcheck disable=SC2015
cp "$LDA_BIN" "$S/bin/lda" && chmod 755 "$S/bin/lda" || die "cannot copy lda"
# shellcheck disable=SC2015
cp "$SCRIPT" "$S/sieve-50.sieve" && chmod 644 "$S/sieve-50.sieve" ||
    die "cannot copy $SCRIPT"
MSG=$S/msg.eml
make_msg 4096 "$MSG"
chmod 644 "$MSG"
if [ -n "$USER_OPT" ]; then chown -R "$RUN_USER:" "$S/home" "$S/none" "$S/sieve" "$S/probe"; fi

# in_env CMD... - CMD in the agents' small, fixed environment
in_env() {
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$S/home" \
        USER="$RUN_USER" LOGNAME="$RUN_USER" LANG=C "$@"
}
# as_agent CMD... - CMD as the agents run: in_env, as their user
as_agent() {
    if [ -n "$USER_OPT" ]; then
        set -- setpriv --reuid="$RUN_USER" --regid="$(id -g "$RUN_USER")" \
            --clear-groups -- "$@"
    fi
    in_env "$@"
}

# Does this lda know the sieve setting?  One delivery into a probe
# Maildir with it; a configuration error (4.3.5, exit 75) says no.
SIEVE_LINE="sieve = $S/sieve-50.sieve"
printf 'maildir = %s/probe/Maildir\ncreate_folders = yes\n%s\n' "$S" "$SIEVE_LINE" \
    > "$S/probe.conf"
if as_agent "$S/bin/lda" -V -c "$S/probe.conf" -f "$SENDER" -d "$RCPT" \
    < "$MSG" > "$S/log/probe.log" 2>&1; then
    APPLIED=yes
else
    grep -q '^4\.3\.5' "$S/log/probe.log" ||
        fail "lda failed to deliver: $(head -n 1 "$S/log/probe.log")"
    APPLIED=no
    echo "bench-sieve: note: this lda has no sieve setting ($(head -n 1 "$S/log/probe.log")): both runs are without a script" >&2
fi
if [ "$APPLIED" = yes ] && [ ! -d "$S/probe/Maildir/.Bench/new" ]; then
    APPLIED=ignored
    echo "bench-sieve: note: lda takes the sieve setting but did not file the message into Bench: no script applied; its log:" >&2
    sed 's/^/  /' "$S/log/probe.log" >&2
fi

for c in none sieve; do
    {
        echo "# lda.conf for the Sieve benchmark ($c)"
        echo "maildir = $S/$c/Maildir"
        echo "quota = 10G"
        echo "create_folders = yes"
        if [ "$APPLIED" != no ]; then
            if [ "$c" = none ]; then echo "sieve = $S/home/absent.sieve"
            else echo "$SIEVE_LINE"; fi
        fi
    } > "$S/$c.conf"
done
{
    printf 'none\t%s\t-c\t%s\t-f\t%s\t-d\t%s\n' "$S/bin/lda" "$S/none.conf" "$SENDER" "$RCPT"
    printf 'sieve-50\t%s\t-c\t%s\t-f\t%s\t-d\t%s\n' "$S/bin/lda" "$S/sieve.conf" "$SENDER" "$RCPT"
} > "$S/spec"
chmod 644 "$S"/*.conf "$S/spec"

echo "lda Sieve benchmark: $N deliveries of 4 KB per configuration (after $WARM warm-up rounds), interleaved; $(nproc) CPUs; $(uname -sr); scratch $S ($(df -PT "$S" | awk 'NR==2{print $2}')); script $(grep -c '^# rule:' "$SCRIPT") rules, $(wc -c < "$SCRIPT") bytes; load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
# shellcheck disable=SC2086
in_env "$S/bin/runner" $USER_OPT -n "$N" -w "$WARM" -t 4096 -i "$MSG" \
    -o "$S/results.tsv" -l "$S/log" -T 300 "$S/spec" ||
    fail "lda failed (see $S/log, BENCH_KEEP=1 keeps it)"

# count DIR - messages in DIR
count() { find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l; }
want=$((N + WARM))
got=$(count "$S/none/Maildir/new")
[ "$got" = "$want" ] || fail "none: $got messages in INBOX, want $want"
case $APPLIED in
yes) dir=$S/sieve/Maildir/.Bench/new; where=Bench ;;
*) dir=$S/sieve/Maildir/new; where=INBOX ;;
esac
got=$(count "$dir")
[ "$got" = "$want" ] || fail "sieve-50: $got messages in $where, want $want"
case $APPLIED in
yes) STATE="script applied: every message filed into Bench by rule 48" ;;
ignored) STATE="no script applied: lda takes the sieve setting but did not file into Bench" ;;
*) STATE="no script applied: this lda has no sieve setting" ;;
esac

# median NAME FIELD - the median of results.tsv's FIELD (4 wall, 5 CPU)
median() {
    awk -F '\t' -v a="$1" -v f="$2" '$2 == a { print $f }' "$S/results.tsv" |
        sort -g | awk '{ v[NR] = $1 }
        END { printf "%.3f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# stats NAME - "MEAN_WALL MEDIAN_WALL MEAN_CPU MEDIAN_CPU MAXRSS"
stats() {
    awk -F '\t' -v a="$1" -v mw="$(median "$1" 4)" -v mc="$(median "$1" 5)" '
        $2 == a { n++; w += $4; c += $5; if ($6 > rss) rss = $6 }
        END { printf "%.3f %s %.3f %s %d\n", w / n, mw, c / n, mc, rss }' "$S/results.tsv"
}
read -r nw nmw nc nmc nrss <<EOF
$(stats none)
EOF
read -r sw smw sc smc srss <<EOF
$(stats sieve-50)
EOF
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { if (y > 0) printf "%.2f", x / y; else print "-" }'; }
cr=$(ratio "$sc" "$nc")
cmr=$(ratio "$smc" "$nmc")
wr=$(ratio "$sw" "$nw")
v=$(awk -v x="$cr" 'BEGIN { print (x != "-" && x <= 1.2) ? "ok" : "MISSED" }')

printf '%-10s %9s %9s %9s %9s %13s\n' script "mean ms" "median ms" "CPU ms" "median CPU" "peak RSS KiB"
printf '%-10s %9.3f %9.3f %9.3f %9.3f %13d\n' none "$nw" "$nmw" "$nc" "$nmc" "$nrss"
printf '%-10s %9.3f %9.3f %9.3f %9.3f %13d\n' sieve-50 "$sw" "$smw" "$sc" "$smc" "$srss"
echo "sieve-50/none: CPU $cr (medians $cmr), wall $wr; target CPU <= 1.20: $v"
echo "$STATE"

MD=$S/report.md
{
    echo "| lda, 4 KB, $N each | mean ms | median ms | CPU ms | peak RSS KiB |"
    echo "|---|---:|---:|---:|---:|"
    printf '| no script | %.2f | %.2f | %.3f | %d |\n' "$nw" "$nmw" "$nc" "$nrss"
    printf '| 50-rule script | %.2f | %.2f | %.3f | %d |\n' "$sw" "$smw" "$sc" "$srss"
    printf '| 50-rule / none | %s | | %s (medians %s; target <= 1.20: %s) | %s |\n' \
        "$wr" "$cr" "$cmr" "$v" "$(ratio "$srss" "$nrss")"
    echo
    echo "($STATE.)"
} > "$MD"
if [ -n "${BENCH_MD:-}" ]; then cp "$MD" "$BENCH_MD"; fi
echo "bench-sieve: done; every message was delivered where it belongs (load average $(cut -d ' ' -f 1-3 /proc/loadavg) at the end)"
