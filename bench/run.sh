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
# Then, as root, the NFS part (BENCH_NFS=0 skips it): a private
# nfs-ganesha serves a scratch directory over NFSv4 on 127.0.0.1, and
# messages of 4 KB and 64 KB go BENCH_NFS_N times each (default 200,
# after the same warm-up rounds) through libnfs, interleaved:
#   lda          maildir = nfs://127.0.0.1/export/SIZE/lda/Maildir?version=4
#                &nfsport=PORT, no quota
#   nfsfloor     bench/nfsfloor.c: mount, OPEN tmp/ exclusively, WRITE,
#                COMMIT, CLOSE, LINK into new/, REMOVE tmp/, unmount
# reporting wall time, deliveries per second and lda/nfsfloor (target
# <= 1.3).  Then one more delivery per size and agent, under strace when
# it is installed, against a second ganesha that logs every NFSv4
# COMPOUND: the NFS requests per delivery and lda's requests in order.
#
# Last (BENCH_EVENTS=0 skips it), bench/events.sh with LDA and the
# lda-notifyd next to it (or NOTIFYD): lda with events on and off, and
# lda-notifyd's webhook throughput, latency and memory while draining a
# backlog (see that file).  Its Markdown is appended to BENCH_MD, and a
# non-zero exit status of it is this script's.
#
# Then (BENCH_USERDB=0 skips it) bench/userdb.sh: lda with userdb =
# static against a lookup in a passwd-file of 100,000 users.
#
# Last (BENCH_LMTP=0 skips it), as root, bench/lmtp.sh: lda-lmtpd behind a
# private Postfix against virtual(8), Dovecot LMTP and pipe(8) -> lda, and
# lda-lmtpd alone against lda's delivery core in one process.  Its
# Markdown is appended to BENCH_MD like the events part's.
#
# Then (BENCH_SIEVE=0 skips it) bench/sieve.sh: lda without a Sieve
# script against lda running a 50-rule script (bench/sieve-50.sieve);
# its Markdown is appended to BENCH_MD as well.
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
# MAILDROP, MAILDIRMAKE, DOVECOT_LDA for the other agents' paths;
# BENCH_NFS (default 1), BENCH_NFS_N, BENCH_NFS_SIZES (default
# "4096 65536"), GANESHA (default /usr/bin/ganesha.nfsd) for the NFS part;
# BENCH_EVENTS (default 1), NOTIFYD and those of bench/events.sh for the
# events part.

if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u -o pipefail
exec </dev/null

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(dirname "$BENCH_DIR")
# ns_write_conf: the same nfs-ganesha configuration as the tests'
. "$TOP/tests/services/ganesha.sh"

die() { echo "bench: $*" >&2; exit 2; }
. "$BENCH_DIR/lib.sh"
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
NFS=${BENCH_NFS:-1}
NFS_N=${BENCH_NFS_N:-200}
NFS_SIZES=${BENCH_NFS_SIZES:-"4096 65536"}
GANESHA=${GANESHA:-/usr/bin/ganesha.nfsd}
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
case $NFS in 0|1) ;; *) die "BENCH_NFS must be 0 or 1" ;; esac
if [ "$NFS" = 1 ]; then
    case $NFS_N in ''|*[!0-9]*|0) die "BENCH_NFS_N must be a positive integer" ;; esac
    seen=
    for size in $NFS_SIZES; do
        case $size in ''|*[!0-9]*) die "BENCH_NFS_SIZES: '$size' is not a size in bytes" ;; esac
        case " $seen " in *" $size "*) die "BENCH_NFS_SIZES: $size given twice" ;; esac
        seen="$seen $size"
    done
    if [ "$(id -u)" != 0 ]; then
        echo "bench: NFS part skipped: nfs-ganesha must run as root (BENCH_NFS=0 hides this note)" >&2
        NFS=0
    else
        [ -x "$GANESHA" ] || die "ganesha.nfsd not found at $GANESHA (apt-get install nfs-ganesha nfs-ganesha-vfs; or BENCH_NFS=0)"
        command -v python3 >/dev/null || die "the NFS part needs python3 to find a free port (or BENCH_NFS=0)"
    fi
fi

# --- scratch directory, user -------------------------------------------------
BASE=${BENCH_TMPDIR:-${TMPDIR:-/var/tmp}}
S=$(mktemp -d "$BASE/lda-bench.XXXXXX") || die "cannot create a directory in $BASE"
FAILED=0
# shellcheck disable=SC2317  # (run by the EXIT trap)
cleanup() {
    nfs_stop
    if [ "$FAILED" != 0 ] && [ -d "$S/log" ]; then
        for f in "$S"/log/*.log "$S"/log/nfs/*.log; do
            [ -s "$f" ] || continue
            echo "--- last lines of ${f#"$S"/log/}" >&2
            tail -n 15 "$f" >&2
        done
    fi
    if [ -n "${BENCH_KEEP:-}" ]; then
        echo "bench: scratch directory kept: $S" >&2
    else
        rm -rf "$S"
    fi
}
# nfs_stop - stop the NFS server this script started, by the pid it wrote
NFS_PIDFILE=
nfs_stop() {
    local pid
    [ -n "$NFS_PIDFILE" ] && [ -s "$NFS_PIDFILE" ] || return 0
    pid=$(cat "$NFS_PIDFILE")
    case $pid in ''|*[!0-9]*) return 0 ;; esac
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "bench: nfs-ganesha (pid $pid) ignored SIGTERM; SIGKILL" >&2
        kill -KILL "$pid" 2>/dev/null
    fi
    rm -f "$NFS_PIDFILE"
}
trap 'cleanup' EXIT
trap 'FAILED=1; exit 1' INT TERM HUP

bench_user

mkdir -p "$S/bin" "$S/log" "$S/home" "$S/msg" || die "cannot populate $S"

# --- binaries ----------------------------------------------------------------
# A private copy of lda, so that the agent user can run it whatever the
# permissions of the source tree.
# shellcheck disable=SC2015
cp "$LDA_BIN" "$S/bin/lda" && chmod 755 "$S/bin/lda" || die "cannot copy $LDA_BIN"
# shellcheck disable=SC2086
$CC $CFLAGS -o "$S/bin/floor" "$BENCH_DIR/floor.c" || die "cannot build floor"
# shellcheck disable=SC2086
$CC $CFLAGS -o "$S/bin/runner" "$BENCH_DIR/runner.c" || die "cannot build runner"
if [ "$NFS" = 1 ]; then
    # shellcheck disable=SC2086,SC2046
    $CC $CFLAGS $(pkg-config --cflags libnfs 2>/dev/null) -o "$S/bin/nfsfloor" \
        "$BENCH_DIR/nfsfloor.c" $(pkg-config --libs libnfs 2>/dev/null || echo -lnfs) ||
        die "cannot build nfsfloor (apt-get install libnfs-dev; or BENCH_NFS=0)"
fi

# --- messages ----------------------------------------------------------------
label() {
    local b=$1
    if [ $((b % 1048576)) = 0 ]; then echo "$((b / 1048576)) MB"
    elif [ $((b % 1024)) = 0 ]; then echo "$((b / 1024)) KB"
    else echo "$b B"; fi
}

for size in $SIZES $( [ "$BIG" -gt 0 ] && echo "$BIG" ) $( [ "$NFS" = 1 ] && echo "$NFS_SIZES" ); do
    [ -f "$S/msg/$size.eml" ] || make_msg "$size" "$S/msg/$size.eml"
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

# run_rounds TAG MSG ROUNDS WARMUP [SPEC RESULTS LOGDIR] - the runner,
# by default on the local part's spec, results and logs
run_rounds() {
    # The agents see a small, fixed environment.
    # shellcheck disable=SC2086
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$S/home" \
        USER="$RUN_USER" LOGNAME="$RUN_USER" LANG=C \
        "$S/bin/runner" $USER_OPT -n "$3" -w "$4" -t "$1" -i "$2" \
        -o "${6:-$S/results.tsv}" -l "${7:-$S/log}" -T 300 "${5:-$S/spec}" ||
        fail "an agent failed while delivering $(label "${1/big/$BIG}") messages"
}

# check_maildir AGENT MAILDIR SIZE COUNT - new/ holds COUNT messages,
# none shorter than the original; tmp/ is empty
check_maildir() {
    local a=$1 md=$2 size=$3 want=$4 got short left
    got=$(find "$md/new" -maxdepth 1 -type f 2>/dev/null | wc -l)
    [ "$got" = "$want" ] ||
        fail "$a: $got messages in $md/new after $(label "$size") deliveries, want $want"
    short=$(find "$md/new" -maxdepth 1 -type f -size -"${size}"c | wc -l)
    [ "$short" = 0 ] ||
        fail "$a: $short messages in new/ shorter than the $size bytes sent"
    left=$(find "$md/tmp" -maxdepth 1 -type f 2>/dev/null | wc -l)
    [ "$left" = 0 ] || echo "bench: note: $a left $left file(s) in tmp/" >&2
}

# check_delivered SIZE COUNT - check_maildir for every local agent
check_delivered() {
    local a
    for a in $AGENTS; do
        check_maildir "$a" "$(maildir_of "$a")" "$1" "$2"
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
# summarize RESULTS STATS - per size and agent, one line of STATS:
# SIZE AGENT N MEAN MEDIAN P90 CPU_MEAN MAXRSS
summarize() {
    sort -t "$(printf '\t')" -k1,1 -k2,2 -k4,4g "$1" | awk -F '\t' '
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
END { flush() }' > "$2"
}
summarize "$S/results.tsv" "$S/stats.tsv"

# get SIZE AGENT FIELD [STATS] (4 mean, 5 median, 6 p90, 7 cpu, 8 rss)
get() { awk -F '\t' -v s="$1" -v a="$2" -v f="$3" '$1 == s && $2 == a { print $f }' "${4:-$S/stats.tsv}"; }
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

# --- NFS part ------------------------------------------------------------------
# A private nfs-ganesha (the configuration of tests/services/ganesha.sh)
# exports $S/nfs/export as /export over NFSv4, TCP, on 127.0.0.1.  Every
# size has its own directories below it, so nothing is removed under a
# running server (its cache would keep the old handles).
NFS_EXPORT=$S/nfs/export

# free_port - a TCP port on 127.0.0.1 nobody listens on now
free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# nfs_start NAME [TRACE] - a ganesha in $S/nfs/NAME on a free port
# (NFS_PORT, NFS_ARGS, NFS_LOG, NFS_PIDFILE); with TRACE it logs the
# operations of every COMPOUND it receives.  It is up when the floor
# can deliver through it (into export/probe, as root).
nfs_start() {
    local d=$S/nfs/$1 comp=''
    [ -n "${2:-}" ] && comp='COMPONENTS { NFS4 = FULL_DEBUG; }'
    NFS_PORT=$(free_port) || die "cannot find a free port"
    NFS_ARGS="version=4&nfsport=$NFS_PORT"
    NFS_LOG=$d/ganesha.log
    mkdir -p "$d/recovery" || die "cannot create $d"
    ns_write_conf "$d/ganesha.conf" "$NFS_EXPORT" "$NFS_PORT" "$d/recovery" \
        "$comp"
    NFS_PIDFILE=$d/ganesha.pid
    # ganesha daemonizes and changes to /: every path given is absolute.
    "$GANESHA" -f "$d/ganesha.conf" -L "$NFS_LOG" -p "$NFS_PIDFILE" -N NIV_EVENT ||
        die "cannot start $GANESHA"
    for _ in $(seq 100); do
        if [ -s "$NFS_PIDFILE" ] && "$S/bin/nfsfloor" \
            "nfs://127.0.0.1/export/probe?$NFS_ARGS" Maildir >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.1
    done
    echo "bench: the end of $NFS_LOG:" >&2
    tail -n 20 "$NFS_LOG" >&2
    die "nfs-ganesha did not come up on 127.0.0.1:$NFS_PORT"
}

# nfs_setup SIZE - lda.conf and the runner spec for SIZE on the current
# server, and (once) the directories: lda makes its Maildir below
# SIZE/lda itself, the floor gets SIZE/floor/Maildir ready made
nfs_setup() {
    local size=$1 c=$S/nfs/conf/$1 d=$NFS_EXPORT/$1
    if [ ! -d "$d" ]; then
        mkdir -p "$d/lda" "$d/floor/Maildir/tmp" "$d/floor/Maildir/new" \
            "$d/floor/Maildir/cur" || die "cannot populate $d"
        chown -R "$RUN_USER:" "$d/lda" "$d/floor" || die "cannot chown $d"
    fi
    mkdir -p "$c" || die "cannot create $c"
    cat > "$c/lda.conf" <<EOF
# lda.conf for the NFS benchmark (no quota)
maildir = nfs://127.0.0.1/export/$size/lda/Maildir?$NFS_ARGS
EOF
    {
        printf 'lda\t%s\t-c\t%s\t-f\t%s\t-d\t%s\n' "$S/bin/lda" "$c/lda.conf" "$SENDER" "$RCPT"
        printf 'nfsfloor\t%s\t%s\t%s\n' "$S/bin/nfsfloor" \
            "nfs://127.0.0.1/export/$size/floor?$NFS_ARGS" Maildir
    } > "$c/spec"
    chmod 644 "$c/lda.conf" "$c/spec"
}

# nfs_check SIZE COUNT - both NFS Maildirs, as the server holds them
nfs_check() {
    check_maildir "lda (NFS)" "$NFS_EXPORT/$1/lda/Maildir" "$1" "$2"
    check_maildir nfsfloor "$NFS_EXPORT/$1/floor/Maildir" "$1" "$2"
}

# count_rpcs STRACE PORT - "CALLS NULL COMPOUND UNCHECKED": the RPC
# calls a traced process sent to 127.0.0.1:PORT.  A send counts as one
# call when it is exactly one whole RPC record (its record mark says so,
# RFC 5531 section 11); others are UNCHECKED.  The procedure number
# (bytes 24-27 of the record) tells NULL (0) from COMPOUND (1).
count_rpcs() {
    awk -v port="$2" '
    function hex(s,   i, v) {
        v = 0
        for (i = 1; i <= length(s); i++)
            v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
        return v
    }
    { pid = $1; split($2, f, /[(,)]/); fd = f[2] }
    f[1] == "connect" && index($0, "htons(" port ")") { sock[pid, fd] = 1; next }
    f[1] == "close" { delete sock[pid, fd]; next }
    f[1] !~ /^(write|writev|sendto|sendmsg)$/ || !((pid, fd) in sock) { next }
    {
        calls++
        if (!match($0, /"(\\x[0-9a-f][0-9a-f])+"/)) { bad++; next }
        s = substr($0, RSTART + 1, RLENGTH - 2)
        gsub(/\\x/, "", s)
        mark = hex(substr(s, 1, 8))
        if (length(s) < 56 || mark - 2147483648 + 4 != $NF || hex(substr(s, 17, 8)) != 0) {
            bad++
            next
        }
        proc = hex(substr(s, 49, 8))
        if (proc == 0) nul++; else if (proc == 1) cmp++; else bad++
    }
    END { printf "%d %d %d %d\n", calls, nul, cmp, bad }' "$1"
}

# nfs_trace SIZE AGENT - one more delivery by AGENT alone (under strace
# if there is one); keeps the COMPOUNDs the server logged meanwhile in
# trace/SIZE-AGENT.ops (one per line) and strace's count in .rpcs
nfs_trace() {
    local size=$1 a=$2 t=$S/nfs/trace/$1-$2 line from
    line=$(awk -F '\t' -v a="$a" '$1 == a' "$S/nfs/conf/$size/spec")
    if [ -n "$STRACE" ]; then
        line="$a	$STRACE	-f	-qq	-xx	-s	28	-e	trace=connect,close,write,writev,sendto,sendmsg	-o	$t.strace	--	${line#*	}"
    fi
    printf '%s\n' "$line" > "$t.spec"
    from=$(wc -l < "$NFS_LOG")
    run_rounds "$size" "$S/msg/$size.eml" 1 0 "$t.spec" "$S/nfs/trace.tsv" "$S/log/nfs"
    tail -n +"$((from + 1))" "$NFS_LOG" |
        sed -n 's/.*nfs4 operations {\(.*\)}.*/\1/p' > "$t.ops"
    if [ -n "$STRACE" ]; then
        count_rpcs "$t.strace" "$NFS_PORT" > "$t.rpcs"
    else
        echo "- - - -" > "$t.rpcs"
    fi
}

if [ "$NFS" = 1 ]; then
    mkdir -p "$NFS_EXPORT/probe/Maildir/tmp" "$NFS_EXPORT/probe/Maildir/new" \
        "$S/nfs/trace" "$S/log/nfs" || die "cannot populate $S/nfs"
    chmod 755 "$S/nfs" "$NFS_EXPORT"
    chown "$RUN_USER:" "$S/nfs/trace"
    : > "$S/nfs/results.tsv"
    : > "$S/nfs/trace.tsv"
    # strace counts every RPC call, NULL included; the agents' user must
    # be allowed to trace its own children.
    STRACE=$(command -v strace || true)
    if [ -n "$STRACE" ] && ! setpriv --reuid="$RUN_USER" --regid="$(id -g "$RUN_USER")" \
        --clear-groups -- "$STRACE" -f -qq -o /dev/null /bin/true >/dev/null 2>&1; then
        echo "bench: note: $STRACE does not work here; NFS requests counted from the server's log only" >&2
        STRACE=
    fi
    echo "NFS: $NFS_N deliveries per size and agent (after $WARM warm-up rounds), agents interleaved, over NFSv4 (TCP, 127.0.0.1) to nfs-ganesha $(ver nfs-ganesha) (VFS export on $(df -PT "$S" | awk 'NR==2{print $2}')); libnfs $(pkg-config --modversion libnfs 2>/dev/null || echo "?"); load average $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)"
    echo "agents: lda (maildir = nfs://127.0.0.1/export/SIZE/lda/Maildir?version=4&nfsport=PORT, no quota) | nfsfloor ($CC $CFLAGS; mount, OPEN, WRITE <= 3 KiB each, COMMIT, CLOSE, LINK, REMOVE)"
    echo
    nfs_start server
    for size in $NFS_SIZES; do
        nfs_setup "$size"
        printf 'bench: NFS %s x %s ...' "$(label "$size")" "$NFS_N" >&2
        t=$(date +%s)
        run_rounds "$size" "$S/msg/$size.eml" "$NFS_N" "$WARM" \
            "$S/nfs/conf/$size/spec" "$S/nfs/results.tsv" "$S/log/nfs"
        nfs_check "$size" $((NFS_N + WARM))
        echo " $(( $(date +%s) - t )) s" >&2
    done
    nfs_stop
    # Counting requests: a second server that logs each COMPOUND; the
    # Maildirs already exist, so these are ordinary deliveries.
    printf 'bench: NFS requests per delivery%s ...' \
        "$([ -n "$STRACE" ] && echo " (strace)")" >&2
    nfs_start traced trace
    for size in $NFS_SIZES; do
        nfs_setup "$size"
        nfs_trace "$size" lda
        nfs_trace "$size" nfsfloor
        nfs_check "$size" $((NFS_N + WARM + 1))
    done
    nfs_stop
    echo " done" >&2
    summarize "$S/nfs/results.tsv" "$S/nfs/stats.tsv"

    {
        echo
        echo "NFS: NFSv4 through libnfs $(pkg-config --modversion libnfs 2>/dev/null) to nfs-ganesha $(ver nfs-ganesha) on 127.0.0.1"
        echo
        echo "| size | agent | mean ms | median ms | p90 ms | CPU ms | peak RSS KiB | deliveries/s |"
        echo "|---|---|---:|---:|---:|---:|---:|---:|"
    } >> "$MD"
    echo "NFS: per-delivery wall time (ms), CPU time (user+sys, ms), peak RSS (KiB, max over runs), deliveries per second (1000 / mean, one at a time):"
    printf '%-7s %-12s %9s %9s %9s %8s %13s %13s\n' size agent mean median p90 cpu "peak RSS KiB" deliveries/s
    for size in $NFS_SIZES; do
        for a in lda nfsfloor; do
            IFS="$(printf '\t')" read -r _ _ n mean med p90 cpu rss <<EOF
$(awk -F '\t' -v s="$size" -v a="$a" '$1 == s && $2 == a' "$S/nfs/stats.tsv")
EOF
            [ "$n" = "$NFS_N" ] || fail "$a: $n timed NFS runs for $(label "$size"), want $NFS_N"
            rate=$(awk -v m="$mean" 'BEGIN { printf "%.0f", 1000 / m }')
            printf '%-7s %-12s %9.2f %9.2f %9.2f %8.2f %13d %13s\n' "$(label "$size")" "$a" "$mean" "$med" "$p90" "$cpu" "$rss" "$rate"
            printf '| %s | %s | %.2f | %.2f | %.2f | %.2f | %d | %s |\n' "$(label "$size")" "$a" "$mean" "$med" "$p90" "$cpu" "$rss" "$rate" >> "$MD"
        done
    done
    echo

    {
        echo
        echo "| size | lda/nfsfloor |"
        echo "|---|---:|"
    } >> "$MD"
    echo "NFS: ratio of mean wall time per delivery (ratio of medians in parentheses):"
    printf '%-7s %-22s\n' size "lda/nfsfloor"
    for size in $NFS_SIZES; do
        r=$(ratio "$(get "$size" lda 4 "$S/nfs/stats.tsv")" "$(get "$size" nfsfloor 4 "$S/nfs/stats.tsv")")
        rm_=$(ratio "$(get "$size" lda 5 "$S/nfs/stats.tsv")" "$(get "$size" nfsfloor 5 "$S/nfs/stats.tsv")")
        v=$(verdict "$r" 1.3)
        printf '%-7s %-22s\n' "$(label "$size")" "$r ($rm_) $v"
        printf '| %s | %s (%s) %s |\n' "$(label "$size")" "$r" "$rm_" "$v" >> "$MD"
    done
    printf '%-7s %-22s\n' target "<= 1.30"
    echo "| target | <= 1.30 |" >> "$MD"
    echo

    {
        echo
        echo "| size | agent | RPC calls | NULL | COMPOUND | operations | WRITE |"
        echo "|---|---|---:|---:|---:|---:|---:|"
    } >> "$MD"
    if [ -n "$STRACE" ]; then
        echo "NFS requests in one delivery: RPC calls sent (strace), COMPOUNDs and their operations (logged by the server):"
    else
        echo "NFS requests in one delivery: COMPOUNDs and their operations (logged by the server; no strace, so no count of all RPC calls):"
    fi
    printf '%-7s %-12s %9s %6s %9s %11s %6s\n' size agent "RPC calls" NULL COMPOUND operations WRITE
    for size in $NFS_SIZES; do
        for a in lda nfsfloor; do
            t=$S/nfs/trace/$size-$a
            read -r calls nul cmp bad < "$t.rpcs"
            ncmp=$(wc -l < "$t.ops")
            nops=$(awk -F ', ' '{ n += NF } END { print n + 0 }' "$t.ops")
            nwr=$(awk -F ', ' '{ for (i = 1; i <= NF; i++) n += $i == "WRITE" } END { print n + 0 }' "$t.ops")
            printf '%-7s %-12s %9s %6s %9s %11s %6s\n' "$(label "$size")" "$a" "$calls" "$nul" "$ncmp" "$nops" "$nwr"
            printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$(label "$size")" "$a" "$calls" "$nul" "$ncmp" "$nops" "$nwr" >> "$MD"
            if [ -n "$STRACE" ] && { [ "$bad" != 0 ] || [ "$cmp" != "$ncmp" ]; }; then
                echo "bench: note: $a $(label "$size"): strace saw $cmp COMPOUNDs and $bad unchecked sends, the server logged $ncmp" >&2
            fi
        done
    done
    echo
    for size in $NFS_SIZES; do
        for a in lda nfsfloor; do
            echo "$a, one $(label "$size") delivery: COMPOUNDs in order (as logged by the server)"
            awk '
            function flush() {
                if (n == 1) printf "  %7s  %s\n", first, prev
                else if (n > 1) printf "  %7s  %s  (%d times)\n", first "-" first + n - 1, prev, n
            }
            $0 == prev { n++; next }
            { flush(); prev = $0; first = NR; n = 1 }
            END { flush() }' "$S/nfs/trace/$size-$a.ops"
        done
    done
    echo
fi

echo "Markdown:"
echo
cat "$MD"
if [ -n "${BENCH_MD:-}" ]; then cp "$MD" "$BENCH_MD"; fi
echo
echo "bench: done in $(( $(date +%s) - T0 )) s (load average $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null) at the end); every agent delivered every message"

# --- events: bench/events.sh, its own scratch directory and report ------------
if [ "${BENCH_EVENTS:-1}" != 0 ]; then
    echo
    rc=0
    BENCH_MD=$S/events.md bash "$BENCH_DIR/events.sh" "$LDA_BIN" \
        "${NOTIFYD:-$(dirname "$LDA_BIN")/lda-notifyd}" || rc=$?
    if [ -n "${BENCH_MD:-}" ] && [ -s "$S/events.md" ]; then
        { echo; cat "$S/events.md"; } >> "$BENCH_MD"
    fi
    [ "$rc" = 0 ] || exit "$rc"
fi

# --- accounts: bench/userdb.sh, a lookup in a 100,000-user passwd-file ---------
if [ "${BENCH_USERDB:-1}" != 0 ]; then
    echo
    bash "$BENCH_DIR/userdb.sh" "$LDA_BIN" || exit $?
fi

# --- LMTP: bench/lmtp.sh, lda-lmtpd behind Postfix and alone ----------------------
if [ "${BENCH_LMTP:-1}" != 0 ]; then
    echo
    rc=0
    BENCH_MD=$S/lmtp.md bash "$BENCH_DIR/lmtp.sh" "$LDA_BIN" || rc=$?
    if [ -n "${BENCH_MD:-}" ] && [ -s "$S/lmtp.md" ]; then
        { echo; cat "$S/lmtp.md"; } >> "$BENCH_MD"
    fi
    [ "$rc" = 0 ] || exit "$rc"
fi

# --- Sieve: bench/sieve.sh, no script against a 50-rule one ----------------------
if [ "${BENCH_SIEVE:-1}" != 0 ]; then
    echo
    rc=0
    BENCH_MD=$S/sieve.md bash "$BENCH_DIR/sieve.sh" "$LDA_BIN" || rc=$?
    if [ -n "${BENCH_MD:-}" ] && [ -s "$S/sieve.md" ]; then
        { echo; cat "$S/sieve.md"; } >> "$BENCH_MD"
    fi
    [ "$rc" = 0 ] || exit "$rc"
fi
exit 0
