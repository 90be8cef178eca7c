#!/bin/bash
# bench/events.sh - what new-mail events cost: lda with and without an
# outbox, lda-notifyd's webhook throughput, latency and memory
#
# usage: bench/events.sh [LDA [NOTIFYD]]
#        (defaults build/lda and the lda-notifyd next to LDA)
#
# Four parts, in one run, on one disk, as plain text and Markdown:
#  1. lda per delivery with events on (an outbox) and off (none), 4 KB
#     messages, BENCH_N times each (default 200, after BENCH_WARMUP=3
#     unrecorded rounds), interleaved round by round through
#     bench/runner.c, quota = 10G in both; no daemon runs meanwhile, so
#     this is lda's own cost.  Target: mean on/off <= 1.10.
#  2. Throughput: BENCH_EVENTS_N (default 20000) events in an outbox,
#     copies of one event lda wrote, each with a fresh UUID, then
#     "lda-notifyd -c CONF --once" (through runner.c) sends them all as
#     signed webhooks, BENCH_CONCURRENCY (default 8) in flight, to
#     bench/sink.c on 127.0.0.1.  Target: >= 2000 webhooks/s.  The sink
#     must count every event once, new/ must be empty, and one request's
#     Standard Webhooks signature is checked with openssl(1).
#  3. Latency: lda-notifyd running, lda delivers BENCH_LAT_N messages
#     (default 200, after BENCH_WARMUP) one at a time, BENCH_LAT_PAUSE ms
#     apart (default 20); latency = the sink's arrival time of the event
#     (CLOCK_REALTIME after the read that completed the request) minus
#     the time lda exited (bash's $EPOCHREALTIME right after its wait).
#     Target: p50 <= 20 ms.
#  4. Memory: "lda-notifyd --once" drains a backlog of BENCH_BACKLOG_SMALL
#     (default 10000) and then BENCH_BACKLOG (default 100000) events while
#     its VmRSS is read every 100 ms: RSS after the first 1000 sent, at
#     25/50/75/100% drained, peak (ru_maxrss) and the drain rate.
#     Target: flat, peak(large) <= 1.10 x peak(small).
#
# Secrets: a fresh whsec_ key in a mode-600 secrets file.  As root, lda,
# lda-notifyd and the delivery loop run as BENCH_USER (default ldabench,
# created with useradd -r when missing), like bench/run.sh; otherwise as
# the caller.  With the defaults a run takes about two minutes on 2 cores.
#
# Exit status: 0 when every message and every event was delivered,
# whether or not the targets are met (this reports; it is not a test);
# 1 on a failed delivery or a count that does not add up; 2 on a setup
# problem.
#
# Environment: BENCH_N, BENCH_WARMUP, BENCH_EVENTS_N, BENCH_CONCURRENCY,
# BENCH_LAT_N, BENCH_LAT_PAUSE, BENCH_BACKLOG, BENCH_BACKLOG_SMALL,
# BENCH_TMPDIR (default $TMPDIR or /var/tmp), BENCH_USER, BENCH_KEEP=1 to
# keep the scratch directory, BENCH_MD=FILE to also write the Markdown
# tables there, CC and CFLAGS (default cc, -O2) for runner and sink.

if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u -o pipefail
exec </dev/null

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(dirname "$BENCH_DIR")

die() { echo "bench-events: $*" >&2; exit 2; }
. "$BENCH_DIR/lib.sh"
fail() { echo "bench-events: FAILED: $*" >&2; FAILED=1; exit 1; }

LDA_BIN=${1:-${LDA:-$TOP/build/lda}}
case $LDA_BIN in /*) ;; *) LDA_BIN=$PWD/$LDA_BIN ;; esac
NOTIFYD_BIN=${2:-${NOTIFYD:-$(dirname "$LDA_BIN")/lda-notifyd}}
case $NOTIFYD_BIN in /*) ;; *) NOTIFYD_BIN=$PWD/$NOTIFYD_BIN ;; esac
N=${BENCH_N:-200}
WARM=${BENCH_WARMUP:-3}
EV_N=${BENCH_EVENTS_N:-20000}
CONC=${BENCH_CONCURRENCY:-8}
LAT_N=${BENCH_LAT_N:-200}
LAT_PAUSE=${BENCH_LAT_PAUSE:-20}
BACKLOG=${BENCH_BACKLOG:-100000}
BACKLOG_SMALL=${BENCH_BACKLOG_SMALL:-10000}
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2}
SENDER=sender@example.org
RCPT=bob@example.com
SIZE=4096
# targets
T_ONOFF=1.10
T_RATE=2000
T_P50=20
T_FLAT=1.10

for v in N:BENCH_N EV_N:BENCH_EVENTS_N CONC:BENCH_CONCURRENCY \
    LAT_N:BENCH_LAT_N BACKLOG:BENCH_BACKLOG BACKLOG_SMALL:BENCH_BACKLOG_SMALL; do
    name=${v%%:*}
    case ${!name} in ''|*[!0-9]*|0) die "${v#*:} must be a positive integer" ;; esac
done
case $WARM in ''|*[!0-9]*) die "BENCH_WARMUP must be an integer" ;; esac
case $LAT_PAUSE in ''|*[!0-9]*) die "BENCH_LAT_PAUSE must be milliseconds" ;; esac
[ "$CONC" -le 256 ] || die "BENCH_CONCURRENCY must be at most 256"
[ "$BACKLOG" -ge 1000 ] || die "BENCH_BACKLOG must be at least 1000"
[ "$BACKLOG_SMALL" -ge 1000 ] ||
    die "BENCH_BACKLOG_SMALL must be at least 1000"
[ -x "$LDA_BIN" ] || die "no lda binary at $LDA_BIN (run make first)"
[ -x "$NOTIFYD_BIN" ] || die "no lda-notifyd binary at $NOTIFYD_BIN (run make first)"
command -v "$CC" >/dev/null || die "no C compiler ($CC)"
[ -n "${EPOCHREALTIME:-}" ] || die "bash 5 or later is needed (\$EPOCHREALTIME)"
OPENSSL=$(command -v openssl || true)

# --- scratch directory, user -------------------------------------------------
BASE=${BENCH_TMPDIR:-${TMPDIR:-/var/tmp}}
S=$(mktemp -d "$BASE/lda-events.XXXXXX") || die "cannot create a directory in $BASE"
FAILED=0
SINK_PID=
ND_PID=
DRAIN_RUNNER=
# shellcheck disable=SC2317  # (run by the EXIT trap)
cleanup() {
    [ -n "$DRAIN_RUNNER" ] && stop_pid "$DRAIN_RUNNER"
    [ -n "$ND_PID" ] && stop_pid "$ND_PID"
    [ -n "$SINK_PID" ] && stop_pid "$SINK_PID"
    if [ "$FAILED" != 0 ] && [ -d "$S/log" ]; then
        for f in "$S"/log/*.log "$S"/sink/*/out; do
            [ -s "$f" ] || continue
            echo "--- last lines of ${f#"$S"/}" >&2
            tail -n 15 "$f" >&2
        done
    fi
    if [ -n "${BENCH_KEEP:-}" ]; then
        echo "bench-events: scratch directory kept: $S" >&2
    else
        rm -rf "$S"
    fi
}
trap 'cleanup' EXIT
trap 'FAILED=1; exit 1' INT TERM HUP

# stop_pid PID - SIGTERM a child of this script, wait for it (SIGKILL
# after 20 s); a pid that is no longer our child is left alone
stop_pid() {
    local pid=$1
    [ "$(awk '{ print $4 }' "/proc/$pid/stat" 2>/dev/null)" = "$$" ] || {
        wait "$pid" 2>/dev/null; return 0; }
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 200); do
        case $(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) in ''|Z) break ;; esac
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}

bench_user

# Command prefixes, arrays so that "PREFIX... CMD &" leaves $! naming
# CMD itself (env and setpriv exec it):
# AS_USER: run as the agents' user; ENV: the small, fixed environment of
# the agents (no http_proxy: the webhooks go straight to 127.0.0.1).
AS_USER=()
if [ -n "$USER_OPT" ]; then
    AS_USER=(setpriv --reuid="$RUN_USER" --regid="$(id -g "$RUN_USER")" --clear-groups --)
fi
ENV=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$S/home"
     USER="$RUN_USER" LOGNAME="$RUN_USER" LANG=C)

mkdir -p "$S/bin" "$S/log" "$S/home" "$S/msg" "$S/sink" "$S/on" "$S/off" \
    "$S/p1/outbox" "$S/p2" "$S/p3/outbox" "$S/p4" || die "cannot populate $S"
mkfifo "$S/tick" || die "cannot make a fifo in $S"
chmod 600 "$S/tick"

# --- binaries ----------------------------------------------------------------
# shellcheck disable=SC2015
cp "$LDA_BIN" "$S/bin/lda" && cp "$NOTIFYD_BIN" "$S/bin/lda-notifyd" &&
    chmod 755 "$S/bin/lda" "$S/bin/lda-notifyd" || die "cannot copy the binaries"
# shellcheck disable=SC2086
$CC $CFLAGS -o "$S/bin/runner" "$BENCH_DIR/runner.c" || die "cannot build runner"
# shellcheck disable=SC2086
$CC $CFLAGS -o "$S/bin/sink" "$BENCH_DIR/sink.c" || die "cannot build sink"

# --- the message, configurations, secret ---------------------------------------
MSG=$S/msg/$SIZE.eml
make_msg "$SIZE" "$MSG"

# lda_conf FILE MAILDIR [OUTBOX]
lda_conf() {
    {
        echo "# lda.conf for the event benchmark"
        echo "maildir = $2"
        echo "quota = 10G"
        [ -n "${3:-}" ] && echo "outbox = $3"
    } > "$1"
}
lda_conf "$S/on.conf" "$S/on/Maildir" "$S/p1/outbox"
lda_conf "$S/off.conf" "$S/off/Maildir"
lda_conf "$S/p3/lda.conf" "$S/p3/Maildir" "$S/p3/outbox"

# 32 random bytes: the HMAC key, as hex for openssl and as whsec_ base64
head -c 32 /dev/urandom > "$S/key" || die "cannot read /dev/urandom"
KEY_HEX=$(od -An -v -tx1 < "$S/key" | tr -d ' \n')
SECRET=whsec_$(base64 -w 0 < "$S/key")
rm -f "$S/key"
[ ${#KEY_HEX} = 64 ] || die "cannot read /dev/urandom"
( umask 077; printf '# signing secret of the benchmark sink\nsink = %s\n' "$SECRET" \
    > "$S/notifyd.secrets" ) || die "cannot write the secrets file"

# nd_conf FILE OUTBOX PORT - lda-notifyd's configuration: one webhook
nd_conf() {
    cat > "$1" <<EOF
# lda-notifyd.conf for the event benchmark
outbox = $2
secrets = $S/notifyd.secrets

[endpoint sink]
notifier = webhook
url = http://127.0.0.1:$3/events
concurrency = $CONC
timeout = 15s
EOF
}

if [ -n "$USER_OPT" ]; then chown -R "$RUN_USER:" "$S"; fi
# The sink runs as the caller, in its own directory.
chown "$(id -u):$(id -g)" "$S/sink"
exec {TICK}<>"$S/tick"
# pause SECONDS - sleep without a process
pause() { read -r -t "$1" -u "$TICK" _; }

# --- the sink ------------------------------------------------------------------
# sink_start NAME [ARGS...] - a sink of its own for one part; sets
# SINK_PID, SINK_DIR, SINK_PORT
sink_start() {
    local name=$1; shift
    SINK_DIR=$S/sink/$name
    mkdir -p "$SINK_DIR"
    "$S/bin/sink" -p "$SINK_DIR/pid" -P "$SINK_DIR/port" -c "$SINK_DIR/count" \
        "$@" > "$SINK_DIR/out" 2>&1 &
    SINK_PID=$!
    for _ in $(seq 100); do
        [ -s "$SINK_DIR/port" ] && break
        kill -0 "$SINK_PID" 2>/dev/null || break
        pause 0.05
    done
    [ -s "$SINK_DIR/port" ] || die "the sink did not start: $(cat "$SINK_DIR/out")"
    read -r SINK_PORT < "$SINK_DIR/port"
    [ "$(cat "$SINK_DIR/pid")" = "$SINK_PID" ] || die "the sink's pidfile does not name it"
}
# sink_count - good requests so far
sink_count() {
    local c
    read -r c < "$SINK_DIR/count" || c=0
    echo $((10#$c))
}
# sink_stop - stop it; sets SINK_GOOD, SINK_BAD, SINK_CPU (ms) from its report
sink_stop() {
    stop_pid "$SINK_PID"
    SINK_PID=
    read -r _ SINK_GOOD _ SINK_BAD _ SINK_CPU < "$SINK_DIR/out" ||
        die "the sink did not report: $(cat "$SINK_DIR/out")"
}

# count_files DIR - regular files in DIR and below (0 when it is missing)
count_files() { find "$1" -type f 2>/dev/null | wc -l; }

# nd_check CONF - "lda-notifyd check" as the daemon's user
nd_check() {
    "${ENV[@]}" "${AS_USER[@]}" "$S/bin/lda-notifyd" -c "$1" check > "$S/log/check.log" 2>&1 ||
        die "lda-notifyd check: $(cat "$S/log/check.log")"
}

# outbox_done OUTBOX WHAT - nothing pending, nothing dead, nothing failed
outbox_done() {
    local n
    n=$(count_files "$1/new")
    [ "$n" = 0 ] || fail "$2: $n event(s) left in $1/new"
    n=$(count_files "$1/state")
    [ "$n" = 0 ] || fail "$2: $n state file(s) in $1/state (failed attempts)"
    n=$(count_files "$1/dead")
    [ "$n" = 0 ] || fail "$2: $n dead letter(s) in $1/dead"
}

# gen_events DIR COUNT - COUNT copies of the template event in DIR, each
# with a fresh UUID v4 as its id and file name, mode 0600, as the agents'
# user; one awk, no process per file
gen_events() {
    local dir=$1 n=$2 got
    [ "$(count_files "$dir")" = 0 ] || die "$dir is not empty"
    ( umask 077
      PRE=$T_PRE POST=$T_POST "${AS_USER[@]}" awk -v n="$n" -v dir="$dir" \
        -v seed="$RANDOM$RANDOM$$" '
        function r(m) { return int(rand() * m) }
        BEGIN {
            srand(seed)
            pre = ENVIRON["PRE"]; post = ENVIRON["POST"]
            for (i = 0; i < n; i++) {
                id = sprintf("%04x%04x-%04x-4%03x-%04x-%04x%04x%04x",
                             r(65536), r(65536), r(65536), r(4096),
                             32768 + r(16384), r(65536), r(65536), r(65536))
                f = dir "/" id ".json"
                printf "%s%s%s", pre, id, post > f
                close(f)
            }
        }' ) || die "cannot write events into $dir"
    got=$(count_files "$dir")
    [ "$got" = "$n" ] || die "$got events in $dir, want $n (an id drawn twice?)"
    # Their writeback is not the daemon's work: done before it starts.
    sync -f "$dir" 2>/dev/null || sync
}

# drain_spec FILE CONF NAME - runner spec: lda-notifyd --once
drain_spec() {
    printf '%s\t%s\t-c\t%s\t--once\n' "$3" "$S/bin/lda-notifyd" "$2" > "$1"
}

# result FILE NAME FIELD - a field of runner's line for NAME (4 wall ms,
# 5 CPU ms, 6 ru_maxrss KiB)
result() { awk -F '\t' -v a="$2" -v f="$3" '$2 == a { print $f }' "$1"; }
loadavg() { cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null; }

T0=$(date +%s)
echo "lda events benchmark: $(nproc) CPUs; $(uname -sr); scratch $S ($(df -PT "$S" | awk 'NR==2{print $2 " on " $1}')); lda and lda-notifyd run as $RUN_USER; load average $(loadavg)"
echo "lda: $LDA_BIN | lda-notifyd: $NOTIFYD_BIN ($(curl-config --version 2>/dev/null || echo libcurl); $("${OPENSSL:-false}" version 2>/dev/null | cut -d ' ' -f 1-2)) | runner, sink: $CC $CFLAGS"
awk '{ if ($1 >= 1) printf "bench-events: note: load average %s: something else is running; the figures may be off\n", $1 }' /proc/loadavg >&2
echo

# --- 1. lda: events on / off -----------------------------------------------------
printf 'bench-events: lda, events on/off, %s x %s ...' "$N" 2 >&2
t=$(date +%s)
{
    printf 'events-on\t%s\t-c\t%s\t-f\t%s\t-d\t%s\n' "$S/bin/lda" "$S/on.conf" "$SENDER" "$RCPT"
    printf 'events-off\t%s\t-c\t%s\t-f\t%s\t-d\t%s\n' "$S/bin/lda" "$S/off.conf" "$SENDER" "$RCPT"
} > "$S/p1/spec"
: > "$S/p1/results.tsv"
# shellcheck disable=SC2086
"${ENV[@]}" "$S/bin/runner" $USER_OPT -n "$N" -w "$WARM" -t 4096 -i "$MSG" \
    -o "$S/p1/results.tsv" -l "$S/log" -T 300 "$S/p1/spec" ||
    fail "lda failed while delivering (events on/off)"
for d in on off; do
    got=$(count_files "$S/$d/Maildir/new")
    [ "$got" = $((N + WARM)) ] || fail "events-$d: $got messages in new/, want $((N + WARM))"
done
got=$(count_files "$S/p1/outbox/new")
[ "$got" = $((N + WARM)) ] || fail "events-on: $got events in the outbox, want $((N + WARM))"
echo " $(( $(date +%s) - t )) s" >&2

# summary per contender: N MEAN MEDIAN P90 CPU_MEAN CPU_MEDIAN MAXRSS
sort -t "$(printf '\t')" -k2,2 -k4,4g "$S/p1/results.tsv" | awk -F '\t' '
function flush() {
    if (n == 0) return
    med = (n % 2) ? w[(n + 1) / 2] : (w[n / 2] + w[n / 2 + 1]) / 2
    p90 = w[int(n * 0.9 + 0.999999)]
    printf "%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%d\n", ag, n, sum / n, med, p90, cpu / n, rss
}
{
    if ($2 != ag) { flush(); ag = $2; n = 0; sum = 0; cpu = 0; rss = 0 }
    w[++n] = $4; sum += $4; cpu += $5; if ($6 > rss) rss = $6
}
END { flush() }' > "$S/p1/stats.tsv"
# stat AGENT FIELD (2 n, 3 mean, 4 median, 5 p90, 6 cpu, 7 rss)
stat1() { awk -F '\t' -v a="$1" -v f="$2" '$1 == a { print $f }' "$S/p1/stats.tsv"; }
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { if (y > 0) printf "%.2f", x / y; else print "-" }'; }
# verdict VALUE LIMIT [ge] - "ok" when VALUE <= LIMIT (>= with ge)
verdict() {
    awk -v x="$1" -v y="$2" -v ge="${3:-}" 'BEGIN {
        if (x == "-" || x == "") { print "MISSED"; exit }
        print ((ge ? x + 0 >= y + 0 : x + 0 <= y + 0) ? "ok" : "MISSED") }'
}

# --- 2. throughput -------------------------------------------------------------------
TEMPLATE=$(find "$S/p1/outbox/new" -name '*.json' -type f | head -n 1)
[ -n "$TEMPLATE" ] || die "no event from lda to copy"
T_ID=$(basename "$TEMPLATE" .json)
T_JSON=$(cat "$TEMPLATE")
T_PRE=${T_JSON%%"$T_ID"*}
T_POST=${T_JSON#*"$T_ID"}
if [ "$T_PRE$T_ID$T_POST" != "$T_JSON" ] || [ "${T_POST#*"$T_ID"}" != "$T_POST" ]; then
    die "the event's id is not in it exactly once: $TEMPLATE"
fi

printf 'bench-events: throughput, %s events ...' "$EV_N" >&2
t=$(date +%s)
OB2=$S/p2/outbox
"${AS_USER[@]}" mkdir -p "$OB2/new" || die "cannot make $OB2"
gen_events "$OB2/new" "$EV_N"
sink_start throughput -s "$S/sink/sample.http"
nd_conf "$S/p2/notifyd.conf" "$OB2" "$SINK_PORT"
nd_check "$S/p2/notifyd.conf"
drain_spec "$S/p2/spec" "$S/p2/notifyd.conf" notifyd-throughput
: > "$S/p2/results.tsv"
la2=$(loadavg)
# shellcheck disable=SC2086
"${ENV[@]}" "$S/bin/runner" $USER_OPT -n 1 -t "$EV_N" -i /dev/null \
    -o "$S/p2/results.tsv" -l "$S/log" -T 600 "$S/p2/spec" ||
    fail "lda-notifyd --once did not send every event (throughput)"
sink_stop
[ "$SINK_BAD" = 0 ] || fail "throughput: the sink refused $SINK_BAD request(s)"
[ "$SINK_GOOD" = "$EV_N" ] || fail "throughput: the sink got $SINK_GOOD requests, want $EV_N"
outbox_done "$OB2" throughput
echo " $(( $(date +%s) - t )) s" >&2
TP_WALL=$(result "$S/p2/results.tsv" notifyd-throughput 4)
TP_CPU=$(result "$S/p2/results.tsv" notifyd-throughput 5)
TP_RSS=$(result "$S/p2/results.tsv" notifyd-throughput 6)
TP_SINK_CPU=$SINK_CPU
TP_RATE=$(awk -v n="$EV_N" -v ms="$TP_WALL" 'BEGIN { printf "%.0f", n / (ms / 1000) }')

# One request's signature, checked the way a receiver would.
SIG_CHECK="not checked (no openssl)"
if [ -n "$OPENSSL" ] && [ -s "$S/sink/sample.http" ]; then
    hv() { tr -d '\r' < "$S/sink/sample.http" | awk -v h="$1" '
        /^$/ { exit } { k = tolower(substr($0, 1, index($0, ":") - 1)) }
        k == h { sub(/^[^:]*:[ \t]*/, ""); print; exit }'; }
    s_id=$(hv webhook-id); s_ts=$(hv webhook-timestamp)
    s_sig=$(hv webhook-signature); s_len=$(hv content-length)
    want=$({ printf '%s.%s.' "$s_id" "$s_ts"; tail -c "$s_len" "$S/sink/sample.http"; } |
        "$OPENSSL" dgst -sha256 -mac HMAC -macopt "hexkey:$KEY_HEX" -binary | base64 -w 0)
    body_id=$(tail -c "$s_len" "$S/sink/sample.http" | sed -n 's/^{"id":"\([^"]*\)".*/\1/p')
    case " $s_sig " in
        *" v1,$want "*)
            [ "$body_id" = "$s_id" ] || fail "signed request: webhook-id '$s_id' but the body's id is '$body_id'"
            SIG_CHECK="verified (HMAC-SHA256 over id.timestamp.body, openssl)" ;;
        *) fail "signed request: webhook-signature '$s_sig' does not verify (want v1,$want)" ;;
    esac
fi

# --- 3. latency ----------------------------------------------------------------------
printf 'bench-events: latency, %s deliveries %s ms apart ...' "$LAT_N" "$LAT_PAUSE" >&2
t=$(date +%s)
sink_start latency -l "$S/sink/arrivals"
nd_conf "$S/p3/notifyd.conf" "$S/p3/outbox" "$SINK_PORT"
nd_check "$S/p3/notifyd.conf"
"${ENV[@]}" "${AS_USER[@]}" "$S/bin/lda-notifyd" -c "$S/p3/notifyd.conf" -v \
    > "$S/log/notifyd-latency.log" 2>&1 &
ND_PID=$!
for _ in $(seq 100); do
    grep -q 'serving outbox' "$S/log/notifyd-latency.log" && break
    kill -0 "$ND_PID" 2>/dev/null || break
    pause 0.05
done
grep -q 'serving outbox' "$S/log/notifyd-latency.log" ||
    die "lda-notifyd did not start: $(cat "$S/log/notifyd-latency.log")"

# The delivery loop, as the agents' user: bash's wait, then at once
# $EPOCHREALTIME (no process in between), then the event id from -V.
cat > "$S/bin/latloop" <<'EOF'
#!/bin/bash
# latloop LDA CONF MSG COUNT PAUSE_S OUT ERR TICK - COUNT deliveries, one
# at a time; "EVENT_ID EXIT_TIME" per delivery appended to OUT
lda=$1 conf=$2 msg=$3 total=$4 gap=$5 out=$6 err=$7
exec 9<>"$8"
re="event message\.new '([^']+)' in outbox"
for ((i = 1; i <= total; i++)); do
    "$lda" -c "$conf" -f sender@example.org -d bob@example.com -V < "$msg" 2> "$err"
    t=$EPOCHREALTIME rc=$?
    if [ "$rc" != 0 ]; then echo "lda exited $rc:" >&2; cat "$err" >&2; exit 1; fi
    id=
    while IFS= read -r line; do
        [[ $line =~ $re ]] && id=${BASH_REMATCH[1]}
    done < "$err"
    if [ -z "$id" ]; then echo "no event id in lda -V:" >&2; cat "$err" >&2; exit 1; fi
    printf '%s %s\n' "$id" "$t" >> "$out"
    read -r -t "$gap" -u 9 _
done
exit 0
EOF
chmod 755 "$S/bin/latloop"
LAT_TOTAL=$((WARM + LAT_N))
la3=$(loadavg)
"${ENV[@]}" "${AS_USER[@]}" /bin/bash "$S/bin/latloop" "$S/bin/lda" "$S/p3/lda.conf" "$MSG" \
    "$LAT_TOTAL" "$(awk -v m="$LAT_PAUSE" 'BEGIN { printf "%.3f", m / 1000 }')" \
    "$S/p3/exits" "$S/p3/lda.err" "$S/tick" 2> "$S/log/latloop.log" ||
    fail "lda failed in the latency loop: $(cat "$S/log/latloop.log")"
for _ in $(seq 300); do
    [ "$(sink_count)" -ge "$LAT_TOTAL" ] && break
    pause 0.1
done
stop_pid "$ND_PID"
ND_PID=
sink_stop
[ "$SINK_BAD" = 0 ] || fail "latency: the sink refused $SINK_BAD request(s)"
[ "$SINK_GOOD" = "$LAT_TOTAL" ] || fail "latency: the sink got $SINK_GOOD requests, want $LAT_TOTAL"
outbox_done "$S/p3/outbox" latency
got=$(count_files "$S/p3/Maildir/new")
[ "$got" = "$LAT_TOTAL" ] || fail "latency: $got messages in new/, want $LAT_TOTAL"
# N MIN P50 P90 P99 MAX MEAN, in ms, of arrival - exit (warm-up left out)
LAT=$(awk -v warm="$WARM" '
    NR == FNR { if (!($1 in arr)) arr[$1] = $2; next }
    FNR > warm {
        if (!($1 in arr)) { missing++; next }
        split(arr[$1], a, "."); split($2, e, ".")
        v = (a[1] - e[1]) * 1000 + a[2] / 1e6 - e[2] / 1e3
        w[++n] = v; sum += v
    }
    function pct(p,   k) { k = int(n * p + 0.999999); return w[k < 1 ? 1 : k] }
    END {
        if (missing || n == 0) { print "missing", missing + 0; exit }
        for (i = 2; i <= n; i++) {          # insertion sort: n is small
            x = w[i]
            for (j = i - 1; j >= 1 && w[j] > x; j--) w[j + 1] = w[j]
            w[j + 1] = x
        }
        printf "%d %.2f %.2f %.2f %.2f %.2f %.2f\n", n, w[1], pct(0.5), pct(0.9), pct(0.99), w[n], sum / n
    }' "$S/sink/arrivals" "$S/p3/exits")
read -r LAT_NN LAT_MIN LAT_P50 LAT_P90 LAT_P99 LAT_MAX LAT_MEAN <<< "$LAT"
[ "$LAT_NN" = "$LAT_N" ] || fail "latency: $LAT_NN deliveries matched to an arrival, want $LAT_N ($LAT)"
echo " $(( $(date +%s) - t )) s" >&2

# --- 4. memory while draining a backlog ---------------------------------------------------
# drain BACKLOG - fill an outbox, drain it with --once while sampling
# VmRSS; leaves samples in $S/p4/BACKLOG.samples (ms count VmRSS VmHWM
# RssAnon, KiB)
drain() {
    local b=$1 ob=$S/p4/outbox-$1 rpid dpid exe rss hwm anon c t0 now
    printf 'bench-events: backlog of %s ...' "$b" >&2
    t=$(date +%s)
    "${AS_USER[@]}" mkdir -p "$ob/new" || die "cannot make $ob"
    gen_events "$ob/new" "$b"
    sink_start "backlog-$b"
    nd_conf "$S/p4/notifyd-$b.conf" "$ob" "$SINK_PORT"
    nd_check "$S/p4/notifyd-$b.conf"
    drain_spec "$S/p4/spec-$b" "$S/p4/notifyd-$b.conf" "notifyd-$b"
    # shellcheck disable=SC2086
    "${ENV[@]}" "$S/bin/runner" $USER_OPT -n 1 -t "$b" -i /dev/null \
        -o "$S/p4/results.tsv" -l "$S/log" -T 900 "$S/p4/spec-$b" &
    rpid=$!
    DRAIN_RUNNER=$rpid
    dpid=
    for _ in $(seq 500); do
        dpid=
        read -r dpid _ 2>/dev/null < "/proc/$rpid/task/$rpid/children"
        if [ -n "$dpid" ]; then
            exe=$(readlink "/proc/$dpid/exe" 2>/dev/null)
            [ "$exe" = "$S/bin/lda-notifyd" ] && break
        fi
        kill -0 "$rpid" 2>/dev/null || break
        pause 0.01
    done
    [ "${exe:-}" = "$S/bin/lda-notifyd" ] || die "backlog $b: lda-notifyd did not start"
    : > "$S/p4/$b.samples"
    t0=$EPOCHREALTIME
    while :; do
        # One read(2) of the whole file: /proc/PID/status changes
        # between the small reads and seeks of bash's read builtin.
        read -r rss hwm anon <<< "$(awk '$1 == "VmRSS:" { r = $2 }
            $1 == "VmHWM:" { h = $2 } $1 == "RssAnon:" { a = $2 }
            END { print r, h, a }' "/proc/$dpid/status" 2>/dev/null)"
        [ -n "$rss" ] || break          # gone, or a zombie
        read -r c < "$SINK_DIR/count"
        now=$EPOCHREALTIME
        printf '%s %d %s %s %s\n' \
            "$(( (${now%.*} - ${t0%.*}) * 1000 + (10#${now#*.} - 10#${t0#*.}) / 1000 ))" \
            "$((10#$c))" "$rss" "$hwm" "$anon" >> "$S/p4/$b.samples"
        pause 0.1
    done
    wait "$rpid" || fail "lda-notifyd --once did not send every event (backlog $b)"
    DRAIN_RUNNER=
    sink_stop
    [ "$SINK_BAD" = 0 ] || fail "backlog $b: the sink refused $SINK_BAD request(s)"
    [ "$SINK_GOOD" = "$b" ] || fail "backlog $b: the sink got $SINK_GOOD requests, want $b"
    outbox_done "$ob" "backlog $b"
    rm -rf "$ob"
    echo " $(( $(date +%s) - t )) s" >&2
}
: > "$S/p4/results.tsv"
la4=$(loadavg)
drain "$BACKLOG_SMALL"
drain "$BACKLOG"

# backlog_row B - "start 25 50 75 100 peak rate wall_s samples anon_peak"
# for one drain;
# a figure taken after the count it stands for is marked with "*"
backlog_row() {
    local b=$1 wall rss
    wall=$(result "$S/p4/results.tsv" "notifyd-$b" 4)
    rss=$(result "$S/p4/results.tsv" "notifyd-$b" 6)
    awk -v b="$b" -v wall="$wall" -v peak="$rss" '
        { n++; c[n] = $2; r[n] = $3; if ($4 > hwm) hwm = $4; if ($5 > anon) anon = $5 }
        function at(want,   i) {
            for (i = 1; i <= n; i++) if (c[i] >= want) return r[i]
            return r[n] "*"
        }
        END {
            if (hwm > peak) peak = hwm
            printf "%s %s %s %s %s %d %.0f %.1f %d %d\n", at(1000), at(b * 0.25),
                at(b * 0.5), at(b * 0.75), at(b), peak, b / (wall / 1000), wall / 1000, n, anon
        }' "$S/p4/$b.samples"
}
read -r BS_START BS_25 BS_50 BS_75 BS_100 BS_PEAK BS_RATE BS_WALL BS_NS BS_ANON <<< "$(backlog_row "$BACKLOG_SMALL")"
read -r BL_START BL_25 BL_50 BL_75 BL_100 BL_PEAK BL_RATE BL_WALL BL_NS BL_ANON <<< "$(backlog_row "$BACKLOG")"
FLAT=$(ratio "$BL_PEAK" "$BS_PEAK")

# --- report ----------------------------------------------------------------------------------
MD=$S/report.md
ON_MEAN=$(stat1 events-on 3); OFF_MEAN=$(stat1 events-off 3)
ONOFF=$(ratio "$ON_MEAN" "$OFF_MEAN")
ONOFF_MED=$(ratio "$(stat1 events-on 4)" "$(stat1 events-off 4)")
ONOFF_CPU=$(ratio "$(stat1 events-on 6)" "$(stat1 events-off 6)")
EXTRA=$(awk -v a="$ON_MEAN" -v b="$OFF_MEAN" 'BEGIN { printf "%+.2f", a - b }')
V1=$(verdict "$ONOFF" "$T_ONOFF")
V2=$(verdict "$TP_RATE" "$T_RATE" ge)
V3=$(verdict "$LAT_P50" "$T_P50")
V4=$(verdict "$FLAT" "$T_FLAT")

echo "1. lda per delivery, 4 KB messages, $N each (after $WARM warm-up rounds), interleaved, quota 10G; events on = outbox set (no daemon running), off = none; load average at the end $(loadavg):"
printf '%-11s %9s %9s %9s %8s %13s\n' lda mean median p90 cpu "peak RSS KiB"
for a in events-on events-off; do
    [ "$(stat1 "$a" 2)" = "$N" ] || fail "$a: $(stat1 "$a" 2) timed runs, want $N"
    printf '%-11s %9.2f %9.2f %9.2f %8.2f %13d\n' "${a#events-}" "$(stat1 "$a" 3)" \
        "$(stat1 "$a" 4)" "$(stat1 "$a" 5)" "$(stat1 "$a" 6)" "$(stat1 "$a" 7)"
done
echo "on/off: $ONOFF mean ($ONOFF_MED median, $ONOFF_CPU CPU), $EXTRA ms per delivery; target <= $T_ONOFF: $V1"
echo
{
    echo "Events: lda per delivery, 4 KB, $N each, interleaved, quota 10G (on: outbox set, no daemon running; off: no outbox)"
    echo
    echo "| lda events | mean ms | median ms | p90 ms | CPU ms | peak RSS KiB |"
    echo "|---|---:|---:|---:|---:|---:|"
    for a in events-on events-off; do
        printf '| %s | %.2f | %.2f | %.2f | %.2f | %d |\n' "${a#events-}" "$(stat1 "$a" 3)" \
            "$(stat1 "$a" 4)" "$(stat1 "$a" 5)" "$(stat1 "$a" 6)" "$(stat1 "$a" 7)"
    done
    echo "| on/off | $ONOFF ($ONOFF_MED) $V1 | | | $ONOFF_CPU | |"
    echo "| target | <= $T_ONOFF | | | | |"
} > "$MD"

TP_DCPU=$(awk -v c="$TP_CPU" -v n="$EV_N" 'BEGIN { printf "%.1f", c * 1000 / n }')
TP_SCPU=$(awk -v c="$TP_SINK_CPU" -v n="$EV_N" 'BEGIN { printf "%.1f", c * 1000 / n }')
TP_WS=$(awk -v w="$TP_WALL" 'BEGIN { printf "%.2f", w / 1000 }')
echo "2. throughput: lda-notifyd --once, $EV_N events, concurrency $CONC, HTTP/1.1 keep-alive to the sink on 127.0.0.1 (load average before $la2):"
printf '%8s %8s %12s %16s %14s %13s %10s\n' events "wall s" webhooks/s "daemon CPU us/ev" "sink CPU us/ev" "peak RSS KiB" received
printf '%8d %8s %12s %16s %14s %13s %10s\n' "$EV_N" "$TP_WS" "$TP_RATE" "$TP_DCPU" "$TP_SCPU" "$TP_RSS" "$EV_N/$EV_N"
echo "target >= $T_RATE/s: $V2; new/ empty, no state, no dead letters; signature: $SIG_CHECK"
echo
{
    echo
    echo "| lda-notifyd --once | events | concurrency | wall s | webhooks/s | daemon CPU µs/event | sink CPU µs/event | peak RSS KiB | received |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    echo "| throughput | $EV_N | $CONC | $TP_WS | $TP_RATE $V2 | $TP_DCPU | $TP_SCPU | $TP_RSS | $EV_N/$EV_N |"
    echo "| target | | | | >= $T_RATE | | | | |"
} >> "$MD"

echo "3. latency, lda's exit to the sink's arrival, $LAT_N deliveries (after $WARM) ${LAT_PAUSE} ms apart, lda-notifyd running (load average before $la3), ms:"
printf '%6s %8s %8s %8s %8s %8s %8s\n' n min p50 p90 p99 max mean
printf '%6s %8s %8s %8s %8s %8s %8s\n' "$LAT_NN" "$LAT_MIN" "$LAT_P50" "$LAT_P90" "$LAT_P99" "$LAT_MAX" "$LAT_MEAN"
echo "target p50 <= $T_P50 ms: $V3"
echo
{
    echo
    echo "| latency, lda exit → sink | n | min ms | p50 ms | p90 ms | p99 ms | max ms | mean ms |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    echo "| ${LAT_PAUSE} ms apart | $LAT_NN | $LAT_MIN | $LAT_P50 $V3 | $LAT_P90 | $LAT_P99 | $LAT_MAX | $LAT_MEAN |"
    echo "| target | | | <= $T_P50 | | | | |"
} >> "$MD"

echo "4. memory: lda-notifyd --once draining a backlog, VmRSS (KiB) sampled every 100 ms; peak = ru_maxrss (load average before $la4):"
printf '%8s %10s %8s %8s %8s %8s %8s %10s %9s %8s %8s\n' backlog "at 1000" 25% 50% 75% 100% peak "peak anon" events/s "drain s" samples
printf '%8s %10s %8s %8s %8s %8s %8s %10s %9s %8s %8s\n' "$BACKLOG_SMALL" "$BS_START" "$BS_25" "$BS_50" "$BS_75" "$BS_100" "$BS_PEAK" "$BS_ANON" "$BS_RATE" "$BS_WALL" "$BS_NS"
printf '%8s %10s %8s %8s %8s %8s %8s %10s %9s %8s %8s\n' "$BACKLOG" "$BL_START" "$BL_25" "$BL_50" "$BL_75" "$BL_100" "$BL_PEAK" "$BL_ANON" "$BL_RATE" "$BL_WALL" "$BL_NS"
echo "(peak anon: the most RssAnon seen, heap and stacks without the mapped libraries; * = the daemon had ended before a sample at that count: its last sample)"
echo "flat: peak $BACKLOG / peak $BACKLOG_SMALL = $FLAT; target <= $T_FLAT: $V4"
echo
{
    echo
    echo "| backlog | RSS KiB after 1000 | 25% | 50% | 75% | 100% | peak KiB | peak RssAnon KiB | events/s | drain s |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    echo "| $BACKLOG_SMALL | $BS_START | $BS_25 | $BS_50 | $BS_75 | $BS_100 | $BS_PEAK | $BS_ANON | $BS_RATE | $BS_WALL |"
    echo "| $BACKLOG | $BL_START | $BL_25 | $BL_50 | $BL_75 | $BL_100 | $BL_PEAK | $BL_ANON | $BL_RATE | $BL_WALL |"
    echo "| flat: peak ratio | | | | | | $FLAT $V4 | | | |"
    echo "| target | | | | | | <= $T_FLAT | | | |"
} >> "$MD"

echo "Markdown:"
echo
cat "$MD"
if [ -n "${BENCH_MD:-}" ]; then cp "$MD" "$BENCH_MD"; fi
echo
echo "bench-events: done in $(( $(date +%s) - T0 )) s (load average $(loadavg) at the end); every message and every event was delivered"
exit 0
