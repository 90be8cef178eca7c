#!/bin/bash
# bench/run.sh - lda against maildrop, dovecot-lda and a floor ("make bench")
#
# usage: bench/run.sh [LDA]          (LDA defaults to build/lda)
#
# In one run, on one disk, delivers messages of 4 KB, 64 KB and 1 MB
# BENCH_N times each (default 200, after BENCH_WARMUP=3 unrecorded rounds)
# with four agents, interleaved round by round:
#   lda          LDA -c CONF -f sender -d bob@example.com, quota = 10G
#   maildrop     Debian's maildrop, manual mode, 'to "Maildir/"', with a
#                Maildir++ quota of 10 GiB (maildirmake -q)
#   dovecot-lda  /usr/lib/dovecot/dovecot-lda -c CONF -f sender with a
#                private config and the maildir quota plugin at 10 GiB
#   floor        bench/floor.c: tmp/ create, write, fsync, rename, fsync new/
# and reports per-delivery wall time (mean, median, p90), CPU time and peak
# RSS, the ratios lda/floor, lda/maildrop, maildrop/floor and
# dovecot-lda/maildrop against their targets, and one 20 MB delivery per
# agent (lda's peak RSS target: 8 MiB), as plain text and as Markdown.
#
# Timing and RSS come from bench/runner.c (fork, execve, wait4), not from
# a shell.  As root the agents run as the system user BENCH_USER (default
# ldabench, created with useradd -r when missing); otherwise as the caller.
#
# Exit status: 0 when every agent delivered every message, whether or not
# the targets are met (this reports; it is not a test); 1 when an agent
# failed or a Maildir holds the wrong number of messages; 2 on a setup
# problem.
#
# Environment: BENCH_N, BENCH_WARMUP, BENCH_SIZES (bytes, default
# "4096 65536 1048576"), BENCH_BIG (default 20971520, 0 to skip),
# BENCH_TMPDIR (default $TMPDIR or /var/tmp), BENCH_USER, BENCH_KEEP=1 to
# keep the scratch directory, BENCH_MD=FILE to also write the Markdown
# tables there, CC and CFLAGS (default cc, -O2) for floor and runner,
# MAILDROP, MAILDIRMAKE, DOVECOT_LDA for the other agents' paths.

if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u -o pipefail
exec </dev/null

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(dirname "$BENCH_DIR")

die() { echo "bench: $*" >&2; exit 2; }
fail() { echo "bench: FAILED: $*" >&2; FAILED=1; exit 1; }

LDA_BIN=${1:-${LDA:-$TOP/build/lda}}
case $LDA_BIN in /*) ;; *) LDA_BIN=$PWD/$LDA_BIN ;; esac
N=${BENCH_N:-200}
WARM=${BENCH_WARMUP:-3}
SIZES=${BENCH_SIZES:-"4096 65536 1048576"}
BIG=${BENCH_BIG:-20971520}
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2}
MAILDROP=${MAILDROP:-/usr/bin/maildrop}
MAILDIRMAKE=${MAILDIRMAKE:-/usr/bin/maildirmake}
DOVECOT_LDA=${DOVECOT_LDA:-/usr/lib/dovecot/dovecot-lda}
QUOTA_BYTES=10737418240          # 10 GiB, lda's "10G"
SENDER=sender@example.org
RCPT=bob@example.com

case $N in ''|*[!0-9]*|0) die "BENCH_N must be a positive integer" ;; esac
case $WARM in ''|*[!0-9]*) die "BENCH_WARMUP must be an integer" ;; esac
[ -x "$LDA_BIN" ] || die "no lda binary at $LDA_BIN (run make first)"
[ -x "$MAILDROP" ] || die "maildrop not found at $MAILDROP (apt-get install maildrop)"
[ -x "$MAILDIRMAKE" ] || die "maildirmake not found at $MAILDIRMAKE (apt-get install maildrop)"
[ -x "$DOVECOT_LDA" ] || die "dovecot-lda not found at $DOVECOT_LDA (apt-get install dovecot-core)"
command -v "$CC" >/dev/null || die "no C compiler ($CC)"

# --- scratch directory, user -------------------------------------------------
BASE=${BENCH_TMPDIR:-${TMPDIR:-/var/tmp}}
S=$(mktemp -d "$BASE/lda-bench.XXXXXX") || die "cannot create a directory in $BASE"
FAILED=0
cleanup() {
    if [ "$FAILED" != 0 ] && [ -d "$S/log" ]; then
        for f in "$S"/log/*.log; do
            [ -s "$f" ] || continue
            echo "--- last lines of $(basename "$f")" >&2
            tail -n 15 "$f" >&2
        done
    fi
    if [ -n "${BENCH_KEEP:-}" ]; then
        echo "bench: scratch directory kept: $S" >&2
    else
        rm -rf "$S"
    fi
}
trap 'cleanup' EXIT
trap 'FAILED=1; exit 1' INT TERM HUP

if [ "$(id -u)" = 0 ]; then
    RUN_USER=${BENCH_USER:-ldabench}
    if ! id "$RUN_USER" >/dev/null 2>&1; then
        useradd -r -M -d /nonexistent -s /usr/sbin/nologin \
            -c "lda benchmark" "$RUN_USER" || die "cannot create user $RUN_USER"
    fi
    [ "$(id -u "$RUN_USER")" != 0 ] || die "BENCH_USER must not be root"
    USER_OPT="-u $RUN_USER"
else
    RUN_USER=$(id -un)
    USER_OPT=
fi

mkdir -p "$S/bin" "$S/log" "$S/home" "$S/msg" || die "cannot populate $S"

# --- binaries ----------------------------------------------------------------
# A private copy of lda, so that the agent user can run it whatever the
# permissions of the source tree.
cp "$LDA_BIN" "$S/bin/lda" && chmod 755 "$S/bin/lda" || die "cannot copy $LDA_BIN"
# shellcheck disable=SC2086
$CC $CFLAGS -o "$S/bin/floor" "$BENCH_DIR/floor.c" || die "cannot build floor"
# shellcheck disable=SC2086
$CC $CFLAGS -o "$S/bin/runner" "$BENCH_DIR/runner.c" || die "cannot build runner"

# --- messages ----------------------------------------------------------------
# make_msg SIZE FILE - a plain RFC 5322 message of exactly SIZE bytes,
# LF line ends, body of 76-column base64 lines
make_msg() {
    local size=$1 file=$2 hdr body
    hdr="Received: from mx.example.org (mx.example.org [192.0.2.1])
	by mail.example.com (Postfix) with ESMTPS id 4BENCH$size
	for <$RCPT>; Mon, 24 Nov 2025 03:00:00 +0000 (UTC)
From: Sender <$SENDER>
To: Bob <$RCPT>
Subject: benchmark message of $size bytes
Date: Mon, 24 Nov 2025 03:00:00 +0000
Message-ID: <bench-$size@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: base64
"
    body=$((size - ${#hdr} - 2))
    [ "$body" -gt 0 ] || die "message size $size too small"
    {
        printf '%s\n' "$hdr"
        head -c $((body * 3 / 4 + 1024)) /dev/urandom | base64 -w 76 |
            head -c "$body"
        printf '\n'
    } > "$file"
    [ "$(stat -c %s "$file")" = "$size" ] || die "cannot make a $size byte message"
}

label() {
    local b=$1
    if [ $((b % 1048576)) = 0 ]; then echo "$((b / 1048576)) MB"
    elif [ $((b % 1024)) = 0 ]; then echo "$((b / 1024)) KB"
    else echo "$b B"; fi
}

for size in $SIZES $( [ "$BIG" -gt 0 ] && echo "$BIG" ); do
    make_msg "$size" "$S/msg/$size.eml"
done

# --- agent configuration -----------------------------------------------------
cat > "$S/lda.conf" <<EOF
# lda.conf for the benchmark
maildir = $S/lda/Maildir
quota = 10G
EOF

printf 'to "%s/maildrop/Maildir/"\n' "$S" > "$S/maildrop.filter"
chmod 600 "$S/maildrop.filter"

mkdir -p "$S/dovecot/run" "$S/dovecot/home"
cat > "$S/dovecot/dovecot.conf" <<EOF
# minimal private dovecot config: deliver as the invoking user, no services
base_dir = $S/dovecot/run
state_dir = $S/dovecot/run
log_path = $S/log/dovecot.file.log
info_log_path = $S/log/dovecot.file.log
protocols =
ssl = no
mail_location = maildir:$S/dovecot/Maildir
mail_plugins = quota
protocol lda {
  mail_plugins = quota
  postmaster_address = postmaster@example.com
}
plugin {
  quota = maildir:User quota
  quota_rule = *:storage=${QUOTA_BYTES}B
}
userdb {
  driver = static
  args = uid=$RUN_USER home=$S/dovecot/home
}
passdb {
  driver = static
  args = nopassword=y
}
EOF

# runner spec: NAME<TAB>ARGV...; the order here is round 1's order.
{
    printf 'lda\t%s\t-c\t%s\t-f\t%s\t-d\t%s\n' "$S/bin/lda" "$S/lda.conf" "$SENDER" "$RCPT"
    printf 'maildrop\t%s\t-f\t%s\t%s\n' "$MAILDROP" "$SENDER" "$S/maildrop.filter"
    printf 'dovecot-lda\t%s\t-c\t%s\t-f\t%s\n' "$DOVECOT_LDA" "$S/dovecot/dovecot.conf" "$SENDER"
    printf 'floor\t%s\t%s\n' "$S/bin/floor" "$S/floor/Maildir"
} > "$S/spec"
AGENTS="lda maildrop dovecot-lda floor"
maildir_of() {
    case $1 in
        lda) echo "$S/lda/Maildir" ;; maildrop) echo "$S/maildrop/Maildir" ;;
        dovecot-lda) echo "$S/dovecot/Maildir" ;; floor) echo "$S/floor/Maildir" ;;
    esac
}

# fresh_maildirs - empty Maildirs for every agent; lda and dovecot-lda
# create theirs (and their quota files) on first delivery, maildrop
# needs maildirmake, the floor needs the three directories
fresh_maildirs() {
    rm -rf "$S/lda" "$S/maildrop" "$S/dovecot/Maildir" "$S/floor"
    mkdir -p "$S/lda" "$S/maildrop" "$S/floor/Maildir/tmp" \
        "$S/floor/Maildir/new" "$S/floor/Maildir/cur"
    "$MAILDIRMAKE" "$S/maildrop/Maildir" || die "maildirmake failed"
    # (maildirmake -q on a missing Maildir waits forever: create it first)
    "$MAILDIRMAKE" -q "${QUOTA_BYTES}S" "$S/maildrop/Maildir" ||
        die "maildirmake -q failed"
    if [ -n "$USER_OPT" ]; then chown -R "$RUN_USER:" "$S"; fi
}

# run_round_set TAG MSG ROUNDS WARMUP
run_rounds() {
    # The agents see a small, fixed environment.
    # shellcheck disable=SC2086
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$S/home" \
        USER="$RUN_USER" LOGNAME="$RUN_USER" LANG=C \
        "$S/bin/runner" $USER_OPT -n "$3" -w "$4" -t "$1" -i "$2" \
        -o "$S/results.tsv" -l "$S/log" -T 300 "$S/spec" ||
        fail "an agent failed while delivering $(label "${1/big/$BIG}") messages"
}

# check_delivered SIZE COUNT - each agent's new/ holds COUNT messages,
# none shorter than the original; tmp/ is empty
check_delivered() {
    local size=$1 want=$2 a md got short left
    for a in $AGENTS; do
        md=$(maildir_of "$a")
        got=$(find "$md/new" -maxdepth 1 -type f 2>/dev/null | wc -l)
        [ "$got" = "$want" ] ||
            fail "$a: $got messages in $md/new after $(label "$size") deliveries, want $want"
        short=$(find "$md/new" -maxdepth 1 -type f -size -"${size}"c | wc -l)
        [ "$short" = 0 ] ||
            fail "$a: $short messages in new/ shorter than the $size bytes sent"
        left=$(find "$md/tmp" -maxdepth 1 -type f 2>/dev/null | wc -l)
        [ "$left" = 0 ] || echo "bench: note: $a left $left file(s) in tmp/" >&2
    done
}

: > "$S/results.tsv"
T0=$(date +%s)
echo "lda benchmark: $N deliveries per size and agent (after $WARM warm-up rounds), agents interleaved"
echo "scratch: $S ($(df -PT "$S" | awk 'NR==2{print $2 " on " $1}')); $(nproc) CPUs; $(uname -sr); agents run as $RUN_USER; load average $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)"
ver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo "?"; }
echo "agents: lda ($LDA_BIN, quota 10G) | maildrop $(ver maildrop) (Maildir++ quota 10G) | dovecot-lda $(ver dovecot-core) (maildir quota 10G) | floor ($CC $CFLAGS)"
echo

for size in $SIZES; do
    fresh_maildirs
    printf 'bench: %s x %s ...' "$(label "$size")" "$N" >&2
    t=$(date +%s)
    run_rounds "$size" "$S/msg/$size.eml" "$N" "$WARM"
    check_delivered "$size" $((N + WARM))
    echo " $(( $(date +%s) - t )) s" >&2
done
if [ "$BIG" -gt 0 ]; then
    fresh_maildirs
    printf 'bench: %s x 1 ...' "$(label "$BIG")" >&2
    run_rounds big "$S/msg/$BIG.eml" 1 0
    check_delivered "$BIG" 1
    echo " done" >&2
fi
rm -rf "$S/lda" "$S/maildrop" "$S/dovecot/Maildir" "$S/floor"

# --- statistics ----------------------------------------------------------------
# stats.tsv: SIZE AGENT N MEAN MEDIAN P90 CPU_MEAN MAXRSS
sort -t "$(printf '\t')" -k1,1 -k2,2 -k4,4g "$S/results.tsv" | awk -F '\t' '
function flush() {
    if (n == 0) return
    med = (n % 2) ? w[(n + 1) / 2] : (w[n / 2] + w[n / 2 + 1]) / 2
    p90 = w[int(n * 0.9 + 0.999999)]
    printf "%s\t%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%d\n", sz, ag, n, sum / n, med, p90, cpu / n, rss
}
{
    if ($1 != sz || $2 != ag) { flush(); sz = $1; ag = $2; n = 0; sum = 0; cpu = 0; rss = 0 }
    w[++n] = $4; sum += $4; cpu += $5; if ($6 > rss) rss = $6
}
END { flush() }' > "$S/stats.tsv"

# get SIZE AGENT FIELD (4 mean, 5 median, 6 p90, 7 cpu, 8 rss)
get() { awk -F '\t' -v s="$1" -v a="$2" -v f="$3" '$1 == s && $2 == a { print $f }' "$S/stats.tsv"; }
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { if (y > 0) printf "%.2f", x / y; else print "-" }'; }
# verdict VALUE LIMIT - "ok" when VALUE <= LIMIT
verdict() { awk -v x="$1" -v y="$2" 'BEGIN { print (x != "-" && x <= y) ? "ok" : "MISSED" }'; }

MD=$S/report.md
{
    echo "| size | agent | mean ms | median ms | p90 ms | CPU ms | peak RSS KiB |"
    echo "|---|---|---:|---:|---:|---:|---:|"
} > "$MD"

echo "Per-delivery wall time (ms), CPU time (user+sys, ms) and peak RSS (KiB, max over runs):"
printf '%-7s %-12s %9s %9s %9s %8s %13s\n' size agent mean median p90 cpu "peak RSS KiB"
for size in $SIZES; do
    for a in $AGENTS; do
        IFS="$(printf '\t')" read -r _ _ n mean med p90 cpu rss <<EOF
$(awk -F '\t' -v s="$size" -v a="$a" '$1 == s && $2 == a' "$S/stats.tsv")
EOF
        [ "$n" = "$N" ] || fail "$a: $n timed runs for $(label "$size"), want $N"
        printf '%-7s %-12s %9.2f %9.2f %9.2f %8.2f %13d\n' "$(label "$size")" "$a" "$mean" "$med" "$p90" "$cpu" "$rss"
        printf '| %s | %s | %.2f | %.2f | %.2f | %.2f | %d |\n' "$(label "$size")" "$a" "$mean" "$med" "$p90" "$cpu" "$rss" >> "$MD"
    done
done
echo

{
    echo
    echo "| size | lda/floor | lda/maildrop | maildrop/floor | dovecot-lda/maildrop |"
    echo "|---|---:|---:|---:|---:|"
} >> "$MD"
echo "Ratios of mean wall time per delivery (ratio of medians in parentheses):"
printf '%-7s %-22s %-22s %-16s %-16s\n' size "lda/floor" "lda/maildrop" "maildrop/floor" "dovecot-lda/maildrop"
for size in $SIZES; do
    lf=$(ratio "$(get "$size" lda 4)" "$(get "$size" floor 4)")
    lfm=$(ratio "$(get "$size" lda 5)" "$(get "$size" floor 5)")
    lm=$(ratio "$(get "$size" lda 4)" "$(get "$size" maildrop 4)")
    lmm=$(ratio "$(get "$size" lda 5)" "$(get "$size" maildrop 5)")
    mf=$(ratio "$(get "$size" maildrop 4)" "$(get "$size" floor 4)")
    mfm=$(ratio "$(get "$size" maildrop 5)" "$(get "$size" floor 5)")
    dm=$(ratio "$(get "$size" dovecot-lda 4)" "$(get "$size" maildrop 4)")
    dmm=$(ratio "$(get "$size" dovecot-lda 5)" "$(get "$size" maildrop 5)")
    v1=$(verdict "$lf" 1.3)
    v2=$(verdict "$lm" 0.75)
    printf '%-7s %-22s %-22s %-16s %-16s\n' "$(label "$size")" \
        "$lf ($lfm) $v1" "$lm ($lmm) $v2" "$mf ($mfm)" "$dm ($dmm)"
    printf '| %s | %s (%s) %s | %s (%s) %s | %s (%s) | %s (%s) |\n' "$(label "$size")" \
        "$lf" "$lfm" "$v1" "$lm" "$lmm" "$v2" "$mf" "$mfm" "$dm" "$dmm" >> "$MD"
done
printf '%-7s %-22s %-22s %-16s %-16s\n' target "<= 1.30" "<= 0.75" "-" "-"
echo "| target | <= 1.30 | <= 0.75 | | |" >> "$MD"
echo

if [ "$BIG" -gt 0 ]; then
    {
        echo
        echo "| $(label "$BIG") message, one delivery | wall ms | peak RSS KiB |"
        echo "|---|---:|---:|"
    } >> "$MD"
    echo "One $(label "$BIG") delivery per agent:"
    printf '%-12s %9s %13s\n' agent "wall ms" "peak RSS KiB"
    for a in $AGENTS; do
        printf '%-12s %9.2f %13d\n' "$a" "$(get big "$a" 4)" "$(get big "$a" 8)"
        printf '| %s | %.2f | %d |\n' "$a" "$(get big "$a" 4)" "$(get big "$a" 8)" >> "$MD"
    done
    rss=$(get big lda 8)
    v=$(verdict "$rss" 8192)
    echo "lda $(label "$BIG") peak RSS: $rss KiB ($(awk -v r="$rss" 'BEGIN{printf "%.2f", r/1024}') MiB); target <= 8 MiB: $v"
    echo "| target (lda) | | <= 8192 ($v) |" >> "$MD"
    echo
fi

echo "Markdown:"
echo
cat "$MD"
if [ -n "${BENCH_MD:-}" ]; then cp "$MD" "$BENCH_MD"; fi
echo
echo "bench: done in $(( $(date +%s) - T0 )) s (load average $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null) at the end); every agent delivered every message"
exit 0
