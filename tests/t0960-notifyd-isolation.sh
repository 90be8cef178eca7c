#!/bin/bash
# t0960 - lda-notifyd's endpoints are independent: one that never answers
# does not slow down a healthy one through a backlog larger than the
# in-memory window, nor delay its retries; a receiver answering with a
# gigabyte costs the daemon next to nothing and counts as delivered; an
# exec command's background children end with the attempt.
#
# Events are written straight into new/ (lda would take longer to make
# a thousand, and what lda writes is t0900's business).  Times are
# compared with the healthy endpoint's own time alone, measured here, and
# bounded generously: the failures these catch are tens of times slower.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/services/webhook.sh"
. "$TESTS_DIR/services/notifyd.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
[ -x "$NOTIFYD" ] || skip_all "no lda-notifyd at $NOTIFYD"

N=600                   # events, more than the window of 512

# A healthy receiver (GOOD_*) and one that may stall or answer big (SLOW_*).
wh_start --name good || { not_ok "receivers started"; done_testing; exit; }
GOOD_URL=$WH_URL GOOD_SECRET=$WH_SECRET GOOD_LOG=$WH_LOG GOOD_PORT=$WH_PORT
wh_start --name slow || { not_ok "receivers started"; done_testing; exit; }
SLOW_URL=$WH_URL SLOW_SECRET=$WH_SECRET SLOW_PORT=$WH_PORT

# use_good / use_slow - point the wh_* functions at one receiver
use_good() { WH_PORT=$GOOD_PORT WH_LOG=$GOOD_LOG; }
use_slow() { WH_PORT=$SLOW_PORT WH_LOG=$TEST_TMP/slow/requests.log; }

# scene NAME - a fresh outbox; sets D, OB, NC
scene() {
    D=$TEST_TMP/$1
    mkdir -p "$D"
    nd_outbox "$D/outbox"
    mkdir -p "$OUTBOX/new"
    OB=$OUTBOX
    NC=$D/notifyd.conf
}

# conf SCHEDULE ENDPOINT... - $NC with the retry schedule (no jitter) and
# the endpoints, each "name:key = value^key = value"; the secrets of good and
# slow in $D/secrets
conf() {
    local e
    ( umask 077; : > "$D/secrets"
      case $* in *good:*) echo "good = $GOOD_SECRET" >> "$D/secrets" ;; esac
      case $* in *slow:*) echo "slow = $SLOW_SECRET" >> "$D/secrets" ;; esac )
    { printf 'outbox = %s\nsecrets = %s\nretry_schedule = %s\nretry_jitter = 0\n' \
        "$OB" "$D/secrets" "$1"
      shift
      for e in "$@"; do
          printf '\n[endpoint %s]\n' "${e%%:*}"
          printf '%s\n' "${e#*:}" | tr '^' '\n'
      done
    } > "$NC"
}

# gen COUNT - COUNT events in new/, each whole when it appears there
gen() {
    python3 - "$OB" "$1" <<'EOF'
import json, os, sys, uuid
ob, n = sys.argv[1], int(sys.argv[2])
os.makedirs(os.path.join(ob, "tmp"), exist_ok=True)
for _ in range(n):
    i = str(uuid.uuid4())
    ev = {"type": "message.new", "id": i, "timestamp": "2026-12-06T00:00:00Z",
          "data": {"recipient": "bob@example.com", "user": "bob",
                   "folder": "INBOX"}}
    tmp = os.path.join(ob, "tmp", i)
    with open(tmp, "w") as f:
        json.dump(ev, f, separators=(",", ":"))
    os.rename(tmp, os.path.join(ob, "new", i + ".json"))
EOF
}

# answered200 - webhooks the current receiver answered 200 (distinct ids)
answered200() {
    python3 - "$WH_LOG" <<'EOF'
import json, sys
ids = set()
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r["verified"] and r["answered"] == 200:
        ids.add(r["headers"]["webhook-id"])
print(len(ids))
EOF
}

# wait_200 N SECS - wait until the current receiver answered N ids with
# 200; ELAPSED is the time it took (seconds, from T0); 1 after SECS
wait_200() {
    local end
    end=$(awk -v t="$T0" -v s="$2" 'BEGIN { printf "%.3f", t + s }')
    while :; do
        [ "$(answered200)" -ge "$1" ] && break
        if awk -v e="$end" -v n="$(now)" 'BEGIN { exit !(n > e) }'; then
            ELAPSED=$(awk -v t="$T0" -v n="$(now)" 'BEGIN { printf "%.1f", n - t }')
            return 1
        fi
        sleep 0.1
    done
    ELAPSED=$(awk -v t="$T0" -v n="$(now)" 'BEGIN { printf "%.1f", n - t }')
}

now() { date +%s.%N; }

# cpu PID - user + system time of PID in seconds
cpu() {
    awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' \
        "/proc/$1/stat"
}

# --- the healthy endpoint alone: its time, the yardstick ---------------------
scene solo
conf "0 30s" "good:notifier = webhook^url = $GOOD_URL"
gen $N
use_good
T0=$(now)
nd_start "$NC"
wait_200 $N 60
SOLO=$ELAPSED
diag "healthy endpoint alone: $N events in ${SOLO}s"
nd_stop
is "$(count_files "$OB/new")" 0 "alone: all $N events sent and gone from new/"

# --- beside an endpoint that never answers ------------------------------------
scene beside
use_slow
wh_mode stall 3600
use_good
wh_reset
# (short retries: the few attempts that time out here are due again soon)
conf "0 1s 1s 1s 1s 1s 1s 1s" "good:notifier = webhook^url = $GOOD_URL" \
    "slow:notifier = webhook^url = $SLOW_URL^timeout = 2s^concurrency = 8"
gen $N
BOUND=$(awk -v s="$SOLO" 'BEGIN { printf "%d", 5 * s + 5 }')
T0=$(now)
nd_start "$NC"
check "beside a stalled endpoint: the healthy one gets all $N within ${BOUND}s" \
    wait_200 $N "$BOUND"
diag "healthy endpoint beside a stalled one: $(answered200) of $N in ${ELAPSED}s (alone ${SOLO}s)"
nd_stop
is "$(count_files "$OB/new")" $N "... every event stays in new/ for the stalled endpoint"
is "$(grep -l '"good":{"done":true' "$OB"/state/*.json 2>/dev/null | wc -l)" $N \
    "... with the healthy endpoint's part recorded in state/"
# Back with the other endpoint answering: more events are due for it than
# its window holds, so it catches up on the rest by itself.
GOOD_BEFORE=$(wh_received)
use_slow
wh_mode ok
wh_reset
nd_start "$NC"
check "restarted, the endpoint back catches up: new/ empties" nd_wait_gone "$OB/new" 20
is "$(answered200)" $N "... all $N events reached it"
is "$(count_files "$OB/state")" 0 "... state/ is empty"
use_good
is "$(wh_received)" "$GOOD_BEFORE" "... and none went to the healthy endpoint again"
nd_stop

# --- a healthy endpoint's retries do not wait for the stalled one -------------
scene retry
use_slow
wh_mode stall 3600
use_good
wh_reset
wh_mode 500first
conf "0 1s 1s" "good:notifier = webhook^url = $GOOD_URL" \
    "slow:notifier = webhook^url = $SLOW_URL^timeout = 3s^concurrency = 2"
gen 50
T0=$(now)
nd_start "$NC"
# the stalled endpoint needs 75 s for its first attempts at all 50
check "the healthy endpoint's second attempts are made on time (within 12s)" \
    wait_200 50 12
diag "healthy endpoint, 500 at first: 50 events done in ${ELAPSED}s"
is "$(wh_query 'r["answered"]' | grep -c '^500$')" 50 "... after one 500 for each"
nd_stop
use_good
wh_mode ok

# --- a gigabyte answer ---------------------------------------------------------
scene big
use_slow
wh_reset
wh_mode big 1073741824
use_good
wh_reset
conf "0 30s" "good:notifier = webhook^url = $GOOD_URL" \
    "slow:notifier = webhook^url = $SLOW_URL^timeout = 60s"
nd_start "$NC"
CPU0=$(cpu "$ND_PID")
T0=$(now)
gen 1
check "a 1 GB answer: the healthy endpoint is not held up (within 5s)" wait_200 1 5
check "... the event is done everywhere (within 10s)" nd_wait_gone "$OB/new" 10
CPU1=$(cpu "$ND_PID")
diag "daemon CPU while the 1 GB answer came: $(awk -v a="$CPU0" -v b="$CPU1" 'BEGIN { print b - a }')s"
check "... costing the daemon under 3s of CPU" \
    awk -v a="$CPU0" -v b="$CPU1" 'BEGIN { exit !(b - a < 3) }'
like "$(cat "$ND_LOG")" "to slow: sent, attempt 1 \\(200\\)" "... counted as delivered (200)"
check "... no dead letter" test ! -e "$OB/dead"
use_slow
SENT=$(wh_query 'r["sent"]' | tail -n 1)
check "... and the receiver sent only part of it (${SENT:-?} bytes, under 64 MiB)" \
    test "${SENT:-0}" -lt 67108864
nd_stop
wh_mode ok

# --- an exec command's background child ends with the attempt -----------------
scene exec
mkdir -p "$D/pids"
[ -n "$LDA_USER" ] && chown "$LDA_USER" "$D/pids"
# shellcheck disable=SC2016  # expanded by the command's shell
CMD='sleep 300 & echo $! > '"$D"'/pids/$LDA_EVENT_ID; cat > /dev/null; exit $(cat '"$D"'/status)'
echo 0 > "$D/status"
conf "0 1s" "cmd:notifier = exec^command = $CMD"
gen 3
nd_once "$NC"
is "$RC" 0 "exec: the events are done"
# gone - no process PID, or a zombie left for init
gone() {
    local s
    s=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)
    [ -z "$s" ] || [ "$s" = Z ]
}
# pids_gone - every recorded background child is gone; they are killed
# at exit should they be left
pids_gone() {
    local f p rc=0
    for f in "$D"/pids/*; do
        [ -f "$f" ] || return 1
        p=$(cat "$f")
        [ -n "$p" ] || continue
        at_exit "kill -KILL $p 2>/dev/null"
        gone "$p" || rc=1
    done
    return $rc
}
is "$(count_files "$D/pids")" 3 "... each started a background child"
check "... which ended with its attempt (exit 0)" pids_gone
rm -f "$D"/pids/*
echo 75 > "$D/status"
gen 2
nd_once "$NC"
is "$RC" 75 "exec exiting 75: the events wait for their retry"
is "$(count_files "$D/pids")" 2 "... each started a background child"
check "... which ended with its attempt (exit 75)" pids_gone

check "no sanitizer report" nd_sanitizer_clean

done_testing
