# shellcheck shell=bash
# tests/services/webhook.sh - a webhook receiver and a unix socket sink for
# the lda-notifyd tests (sourced)
#
# receiver.py answers HTTP/1.1 (keep-alive) on 127.0.0.1:<free port>,
# checks every POST's Standard Webhooks signature against the secrets it
# was given and logs each one, verified or not, as a JSON line in WH_LOG.
# unix_sink.py records the lines written to a unix stream socket in
# SINK_LOG.  Both are stopped by the pid they wrote (and end by themselves
# if the test script dies first: the plumbing they share is svc.py).
#
#   wh_new_secret                  print a fresh whsec_ secret (32 random bytes)
#   wh_start [--name N] [--port P] [--secret S]... [--tolerance SECS]
#                                  start the receiver, wait until it answers,
#                                  stop it again at exit; sets WH_PORT, WH_URL
#                                  (http://127.0.0.1:PORT/hook), WH_LOG, WH_PID,
#                                  WH_DIR, WH_SECRET (first secret; one is
#                                  made when none is given).  --port P listens
#                                  on P (a receiver back after wh_stop, on the
#                                  port the daemon knows; best from
#                                  wh_fixed_port), else on a free port
#   wh_fixed_port                  print a free port on 127.0.0.1 below the
#                                  kernel's ephemeral range: no client socket
#                                  is ever bound to it, so it stays free while
#                                  its receiver is down, even under thousands
#                                  of refused connects (which, on a port in
#                                  the range, can end in a TCP self-connect)
#   wh_stop                        SIGTERM the receiver WH_PID, wait for it to end
#   wh_mode MODE [ARG] [COUNT]     answer the next COUNT webhooks (all when
#                                  empty) by MODE: ok 500 410 429 503 302 stall
#                                  big 500first (see receiver.py); ARG:
#                                  Retry-After (429/503: seconds or an
#                                  HTTP-date), the stall seconds (stall) or
#                                  the body's size (big)
#   wh_reset                       empty WH_LOG and zero the counters
#   wh_stats                       the receiver's /_stats JSON
#   wh_received                    number of webhooks logged (verified or not)
#   wh_verified_count              number of verified webhooks logged
#   wh_verified_ids                sorted (LC_ALL=C) unique webhook-ids of the
#                                  verified webhooks, one a line
#   wh_wait_count N [SECS]         wait (default 10 s) until >= N verified
#                                  webhooks are logged; 1 on timeout
#   wh_query PYEXPR                PYEXPR (python, the log record is r) for
#                                  each logged webhook, one a line (dicts and
#                                  lists as JSON, None as "null")
#   sink_start PATH                unix_sink.py on socket PATH; SINK_LOG,
#                                  SINK_PID, SINK_PATH; stopped again at exit
#   sink_stop                      SIGTERM the sink SINK_PID, wait for it to end
#
# Several receivers at once: call wh_start again (its files go to another
# directory) and keep the WH_* values of the first one; wh_stop and the
# query functions act on the current WH_PID / WH_LOG.  Do not call
# wh_start or sink_start in a subshell: the server ends with its parent.
# The caller sources tests/lib.sh first.

_WH_SERIAL=0

# wh_fixed_port - see above; 1 when no port below the range is free
wh_fixed_port() {
    python3 - <<'EOF2'
import random, socket, sys
try:
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except (OSError, ValueError, IndexError):
    low = 32768
low = max(low, 2048)
for port in random.sample(range(1024, low), min(200, low - 1024)):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    sys.exit(0)
sys.exit(1)
EOF2
}

wh_new_secret() {
    python3 -c 'import base64, os; print("whsec_" + base64.b64encode(os.urandom(32)).decode())'
}

# _wh_http METHOD URL [BODY] - print the answer's body; 1 unless 2xx
_wh_http() {
    python3 - "$@" <<'EOF'
import sys, urllib.request
method, url = sys.argv[1], sys.argv[2]
data = sys.argv[3].encode() if len(sys.argv) > 3 else None
req = urllib.request.Request(url, data=data, method=method,
                             headers={"Content-Type": "application/json"})
try:
    with urllib.request.urlopen(req, timeout=5) as r:
        sys.stdout.write(r.read().decode())
except Exception as e:
    sys.stderr.write("%s %s: %s\n" % (method, url, e))
    sys.exit(1)
EOF
}

# _svc_stop PID PIDFILE - SIGTERM PID if PIDFILE still names it, wait for
# it to end (SIGKILL after 10 s), reap it when it is our child
_svc_stop() {
    local pid=$1 pidfile=$2 i
    [ -n "$pid" ] || return 0
    # no pidfile naming it: stopped already (the server removes its pidfile
    # on SIGTERM), and the number may belong to someone else by now
    if [ "$( { tr -d ' \n' < "$pidfile"; } 2>/dev/null)" != "$pid" ]; then
        wait "$pid" 2>/dev/null
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 100) kill; do
        kill -0 "$pid" 2>/dev/null || break
        case $(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) in Z) break ;; esac
        if [ "$i" = kill ]; then kill -KILL "$pid" 2>/dev/null; sleep 0.1; break; fi
        sleep 0.1
    done
    wait "$pid" 2>/dev/null
    rm -f "$pidfile"
    return 0
}

# _svc_start VAR DIR WHAT READY SCRIPT ARGS... - run tests/services/SCRIPT
# ARGS --pidfile DIR/pid --exit-with-parent in the background (output in
# DIR/SCRIPT.err), its pid in VAR, stopped again at exit; wait up to 10 s
# until it has written DIR/pid and READY (a command, run here) succeeds;
# else kill it, show its output (WHAT did not come up) and return 1
_svc_start() {
    local var=$1 dir=$2 what=$3 ready=$4 script=$5 err=$2/${5%.py}.err pid i
    shift 5
    rm -f "$dir/pid"
    python3 "$TESTS_DIR/services/$script" "$@" --pidfile "$dir/pid" \
        --exit-with-parent > "$err" 2>&1 < /dev/null &
    pid=$!
    printf -v "$var" %s "$pid"
    at_exit "_svc_stop $pid $(printf '%q' "$dir/pid")"
    for i in $(seq 100); do
        [ -s "$dir/pid" ] && "$ready" && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rm -f "$dir/pid"
    diag "$what did not come up; its output:"
    sed 's/^/#   /' "$err" >&2
    return 1
}

# shellcheck disable=SC2034  # WH_SECRET is for the caller
wh_start() {
    local name='' tolerance=300 port=0 secrets=() args=() i
    while [ $# -gt 0 ]; do
        case $1 in
            --name) name=$2; shift 2 ;;
            --port) port=$2; shift 2 ;;
            --secret) secrets+=("$2"); shift 2 ;;
            --tolerance) tolerance=$2; shift 2 ;;
            *) diag "wh_start: unknown argument '$1'"; return 1 ;;
        esac
    done
    _WH_SERIAL=$((_WH_SERIAL + 1))
    [ -n "$name" ] || name=webhook$_WH_SERIAL
    [ ${#secrets[@]} -gt 0 ] || secrets=("$(wh_new_secret)")
    WH_SECRET=${secrets[0]}
    for i in "${secrets[@]}"; do args+=(--secret "$i"); done
    WH_DIR=$TEST_TMP/$name
    WH_LOG=$WH_DIR/requests.log
    mkdir -p "$WH_DIR"
    rm -f "$WH_DIR/port"
    : > "$WH_LOG"
    _svc_start WH_PID "$WH_DIR" "webhook receiver" _wh_ready receiver.py \
        --port "$port" --port-file "$WH_DIR/port" --log "$WH_LOG" \
        --tolerance "$tolerance" "${args[@]}"
}

# _wh_ready - the receiver in WH_DIR has written its port and answers
# there; sets WH_PORT and WH_URL
# shellcheck disable=SC2034  # WH_URL is for the caller
_wh_ready() {
    [ -s "$WH_DIR/port" ] || return 1
    WH_PORT=$(tr -d ' \n' < "$WH_DIR/port")
    WH_URL=http://127.0.0.1:$WH_PORT/hook
    _wh_http GET "http://127.0.0.1:$WH_PORT/_stats" > /dev/null 2>&1
}

wh_stop() { _svc_stop "${WH_PID:-}" "$WH_DIR/pid"; }

# wh_control JSON - POST JSON to /_control; print the answer
wh_control() { _wh_http POST "http://127.0.0.1:$WH_PORT/_control" "$1"; }

wh_mode() {
    local mode=$1 arg=${2:-} count=${3:-} j
    j="\"mode\":\"$mode\""
    if [ -n "$arg" ]; then
        case $mode in
            stall) j="$j,\"stall\":$arg" ;;
            big) j="$j,\"size\":$arg" ;;
            *) j="$j,\"retry_after\":\"$arg\"" ;;
        esac
    fi
    [ -z "$count" ] || j="$j,\"count\":$count"
    wh_control "{$j}" > /dev/null
}

wh_reset() { wh_control '{"reset":true}' > /dev/null; }

wh_stats() { _wh_http GET "http://127.0.0.1:$WH_PORT/_stats"; }

wh_received() { wc -l < "$WH_LOG" | tr -d ' '; }

# The receiver writes compact JSON: the key with an unescaped quote is
# the only place '"verified":true' can appear in a line.
wh_verified_count() { grep -c -F '"verified":true' "$WH_LOG" || true; }

wh_verified_ids() {
    python3 - "$WH_LOG" <<'EOF' | LC_ALL=C sort -u
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r["verified"]:
        print(r["headers"]["webhook-id"])
EOF
}

wh_wait_count() {
    local n=$1 secs=${2:-10} i
    for i in $(seq $((secs * 10))); do
        [ "$(wh_verified_count)" -ge "$n" ] && return 0
        sleep 0.1
    done
    [ "$(wh_verified_count)" -ge "$n" ]
}

wh_query() {
    python3 - "$WH_LOG" "$1" <<'EOF'
import json, sys
expr = compile(sys.argv[2], "wh_query", "eval")
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    v = eval(expr, {"json": json}, {"r": r})
    print(json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) or v is None else v)
EOF
}

sink_start() {
    SINK_PATH=$1
    _WH_SERIAL=$((_WH_SERIAL + 1))
    SINK_DIR=$TEST_TMP/sink$_WH_SERIAL
    SINK_LOG=$SINK_DIR/lines.log
    mkdir -p "$SINK_DIR"
    : > "$SINK_LOG"
    _svc_start SINK_PID "$SINK_DIR" "unix sink" _sink_ready unix_sink.py \
        --path "$SINK_PATH" --log "$SINK_LOG"
}

# _sink_ready - the sink's socket is there
_sink_ready() { [ -S "$SINK_PATH" ]; }

sink_stop() { _svc_stop "${SINK_PID:-}" "$SINK_DIR/pid"; }
