#!/bin/bash
# t0920 - an outage of the webhook receiver while 1,000 messages arrive
#
# The receiver is down (its port remembered, nobody listening) while
# four streams of lda deliver 1,000 messages; lda-notifyd retries on a
# short schedule and, after about half the deliveries, is stopped with
# SIGTERM and started again (some events are written while no daemon
# runs).  When the receiver comes back on the same port every event
# arrives, verified, exactly once: the ids received are the ids lda
# wrote, each body is the event file's bytes, every message in the
# Maildir has exactly one event, and new/, state/ and dead/ end empty.
# Then a hard crash: lda-notifyd killed (SIGKILL) while attempts hang
# on a stalling receiver; after a restart every event still arrives at
# least once.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/services/webhook.sh"
. "$TESTS_DIR/services/notifyd.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
[ -x "$NOTIFYD" ] || skip_all "no lda-notifyd at $NOTIFYD"

TOTAL=${OUTAGE_TOTAL:-1000}
STREAMS=4
HALF=$((TOTAL / 2))
# nd_stop waits this long for the daemon to end on SIGTERM (ND_RC "hung"
# when it did not): in-flight attempts time out after 5 s here
STOP_SECS=12

# deliver_stream C MD FIRST STEP TOTAL - deliver messages FIRST,
# FIRST+STEP, ... < TOTAL with lda.conf C; 1 when one failed
deliver_stream() {
    local c=$1 i rc=0
    for ((i = $3; i < $5; i += $4)); do
        printf 'From: Alice <alice@example.org>\nTo: bob@example.com\nSubject: n%d\nMessage-ID: <%d.%s@example.org>\n\nmessage %d\n' \
            "$i" "$i" "$RANDOM" "$i" \
            | "$LDA" -c "$c" -f alice@example.org -d bob@example.com \
                >> "$TEST_TMP/lda.out" 2>&1 || { rc=1; echo "lda failed on n$i" >> "$TEST_TMP/lda.out"; }
    done
    return $rc
}

# tree_files DIR - regular files anywhere under DIR
tree_files() { find "$1" -type f 2>/dev/null | wc -l | tr -d ' '; }

# judge SNAPSHOT MAILDIR_NEW - compare what the receiver logged (WH_LOG)
# with the event files lda wrote (copied to SNAPSHOT before the receiver
# came back) and the messages in MAILDIR_NEW; prints key=value lines
judge() {
    python3 - "$WH_LOG" "$1" "$2" <<'EOF'
import collections, json, os, sys
log, snap, mdnew = sys.argv[1:4]
written = {}                      # id -> bytes of the event file
for name in os.listdir(snap):
    written[name[:-len(".json")]] = open(os.path.join(snap, name), "rb").read()
files = set(os.listdir(mdnew))
by_file = collections.Counter()
for body in written.values():
    by_file[json.loads(body)["data"]["maildir"]["file"]] += 1
recs = [json.loads(l) for l in open(log, encoding="utf-8")]
ok2xx = collections.Counter()
seen = set()
body_bad = id_bad = 0
for r in recs:
    wid = r["headers"].get("webhook-id")
    if not r["verified"]:
        continue
    seen.add(wid)
    if r["answered"] is not None and 200 <= r["answered"] < 300:
        ok2xx[wid] += 1
    if wid not in written or r["body"].encode("utf-8") != written[wid]:
        body_bad += 1
    if (r["json"] or {}).get("id") != wid:
        id_bad += 1
print("written=%d" % len(written))
print("maildir_files=%d" % len(files))
print("files_without_event=%d" % len(files - set(by_file)))
print("events_without_file=%d" % len(set(by_file) - files))
print("files_with_several_events=%d" % sum(1 for n in by_file.values() if n > 1))
print("unverified=%d" % sum(1 for r in recs if not r["verified"]))
print("ids_equal=%s" % (seen == set(written)))
print("missing=%d" % len(set(written) - seen))
print("foreign=%d" % len(seen - set(written)))
print("ids_with_2xx=%d" % sum(1 for i in written if ok2xx[i] >= 1))
print("ids_with_several_2xx=%d" % sum(1 for n in ok2xx.values() if n > 1))
print("body_mismatch=%d" % body_bad)
print("id_mismatch=%d" % id_bad)
print("requests=%d" % len(recs))
EOF
}

# val KEY - the value of KEY in the judge output J
val() { printf '%s\n' "$J" | sed -n "s/^$1=//p"; }

# ------------------------------------------------------------ set-up
nd_outbox "$TEST_TMP/outbox"
OB=$OUTBOX
MD=$TEST_TMP/Maildir
C=$TEST_TMP/lda.conf
write_conf "$C" "maildir = $MD" "outbox = $OB"

# The receiver's port: one below the ephemeral range, so that nothing
# else (the daemon's own refused connects included) can take it.
PORT=$(wh_fixed_port) || { not_ok "a port for the receiver"; done_testing; exit 1; }
SECRET=$(wh_new_secret)
if wh_start --name down --port "$PORT" --secret "$SECRET"; then
    ok "receiver answers on port $PORT"
else
    not_ok "receiver started on port $PORT"; done_testing; exit 1
fi
wh_stop
check "receiver stopped: nothing listens on port $PORT" \
    sh -c "! python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", $PORT), timeout=2)' 2>/dev/null"

SEC=$TEST_TMP/notifyd.secrets
( umask 077; printf 'hook = %s\n' "$SECRET" > "$SEC" )
NC=$TEST_TMP/notifyd.conf
cat > "$NC" <<EOF
outbox = $OB
secrets = $SEC
retry_schedule = 0 1s 1s 2s 2s 4s 4s 10s 10s 10s 10s 10s 10s 10s 10s 10s

[endpoint hook]
notifier = webhook
url = http://127.0.0.1:$PORT/hook
timeout = 5s
EOF

if nd_start "$NC"; then ok "lda-notifyd serves the outbox"; else
    not_ok "lda-notifyd started"; done_testing; exit 1
fi

# ------------------------------------------------------------ the outage
# The schedule above gives an event over 100 s of retries: the outage
# (1,000 deliveries, a stop and a start; about 60 s under ASan) must end
# well before, or the first events become dead letters.
: > "$TEST_TMP/lda.out"
outage_t0=$SECONDS
pids=()
for ((w = 0; w < STREAMS; w++)); do
    deliver_stream "$C" "$MD" "$w" "$STREAMS" "$TOTAL" &
    pids+=($!)
done

# Midway: stop the daemon, let some events come while none runs, start it.
for _ in $(seq 1200); do
    [ "$(count_files "$MD/new")" -ge "$HALF" ] && break
    sleep 0.05
done
at_stop=$(count_files "$MD/new")
nd_stop "$STOP_SECS"
is "$ND_RC" 0 "SIGTERM after $at_stop deliveries: lda-notifyd exits 0"
like "$(grep 'stopping:' "$ND_LOG" | tail -n 1)" 'stopping: 0 sent, [0-9]+ failed attempts, 0 dead, [0-9]+ waiting' \
    "... having sent nothing and given up on nothing"
check "... some events were retried (state/ records them)" test "$(count_files "$OB/state")" -gt 0
for _ in $(seq 600); do
    [ "$(count_files "$MD/new")" -ge $((at_stop + 20)) ] && break
    [ "$(count_files "$MD/new")" -ge "$TOTAL" ] && break
    sleep 0.05
done
at_start=$(count_files "$MD/new")
check "deliveries went on while no daemon ran ($at_stop -> $at_start)" test "$at_start" -gt "$at_stop"
if nd_start "$NC"; then ok "lda-notifyd started again"; else not_ok "lda-notifyd started again"; fi

rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
is "$rc" 0 "every delivery exited 0 ($STREAMS streams)"
is "$(count_files "$MD/new")" "$TOTAL" "$TOTAL messages in the Maildir"
check "lda printed nothing" test ! -s "$TEST_TMP/lda.out"

# Everything lda wrote is waiting: nothing could be sent, nothing died.
SNAP=$TEST_TMP/written
mkdir -p "$SNAP"
cp -p "$OB"/new/*.json "$SNAP"/ 2>/dev/null
is "$(count_files "$SNAP")" "$TOTAL" "receiver still down: all $TOTAL events wait in new/"
is "$(tree_files "$OB/dead")" 0 "... none is a dead letter"
like "$(grep -c 'to hook: attempt [0-9]* failed: .*; next in' "$ND_LOG")" '^[1-9][0-9]*$' \
    "... failed attempts logged with their next time"
check "... nothing was sent" sh -c "! grep -q 'to hook: sent' '$ND_LOG'"

# ------------------------------------------------------------ back
diag "the receiver was down $((SECONDS - outage_t0)) s"
if wh_start --name back --port "$PORT" --secret "$SECRET"; then
    ok "receiver back on port $PORT"
else
    not_ok "receiver back on port $PORT"; done_testing; exit 1
fi
check "all events leave new/" nd_wait_gone "$OB/new" 90
check "the receiver has >= $TOTAL verified webhooks" wh_wait_count "$TOTAL" 10
# a last look: an attempt still in flight would show here
sleep 1
J=$(judge "$SNAP" "$MD/new")
is "$(val written)" "$TOTAL" "$TOTAL event files were written"
is "$(val maildir_files)" "$TOTAL" "... for $TOTAL messages"
is "$(val files_without_event)/$(val events_without_file)/$(val files_with_several_events)" 0/0/0 \
    "every message has exactly one event (maildir.file) and every event a message"
is "$(val unverified)" 0 "every request verified (Standard Webhooks signature)"
is "$(val ids_equal)" True "ids received = ids lda wrote (missing $(val missing), foreign $(val foreign))"
is "$(val ids_with_2xx)" "$TOTAL" "every event answered 2xx"
is "$(val ids_with_several_2xx)" 0 "no event answered 2xx twice"
is "$(val requests)" "$TOTAL" "one request per event: no duplicate, no retry after the 2xx"
is "$(val body_mismatch)" 0 "every body is the event file, byte for byte"
is "$(val id_mismatch)" 0 "webhook-id is the event's id"
is "$(count_files "$OB/new")/$(count_files "$OB/state")/$(tree_files "$OB/dead")" 0/0/0 \
    "new/, state/ and dead/ are empty"
[ "$(count_files "$OB/state")" = 0 ] || diag "left in state/: $(files_in "$OB/state" | head -n 5 | tr '\n' ' ')"
is "$(grep -c 'to hook: sent' "$ND_LOG")" "$TOTAL" "$TOTAL 'sent' lines logged"
nd_stop "$STOP_SECS"
is "$ND_RC" 0 "lda-notifyd stops with 0"
like "$(grep 'stopping:' "$ND_LOG" | tail -n 1)" "stopping: $TOTAL sent, [0-9]+ failed attempts, 0 dead, 0 waiting" \
    "... having sent $TOTAL, none dead, none waiting"
check "no sanitizer report from lda-notifyd" nd_sanitizer_clean
wh_stop

# ------------------------------------------------------------ hard crash
CRASH_TOTAL=200
nd_outbox "$TEST_TMP/outbox2"
OB2=$OUTBOX
MD2=$TEST_TMP/Maildir2
C2=$TEST_TMP/lda2.conf
write_conf "$C2" "maildir = $MD2" "outbox = $OB2"
: > "$TEST_TMP/lda.out"
pids=()
for ((w = 0; w < 2; w++)); do
    deliver_stream "$C2" "$MD2" "$w" 2 "$CRASH_TOTAL" &
    pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
is "$rc/$(count_files "$OB2/new")" "0/$CRASH_TOTAL" "crash: $CRASH_TOTAL events waiting (no daemon yet)"
SNAP2=$TEST_TMP/written2
mkdir -p "$SNAP2"
cp -p "$OB2"/new/*.json "$SNAP2"/

wh_start --name crash --secret "$SECRET" || { not_ok "crash: receiver started"; done_testing; exit 1; }
STALLS=4
wh_mode stall 120 "$STALLS"      # the next 4 requests hang, then ok again
NC2=$TEST_TMP/notifyd2.conf
cat > "$NC2" <<EOF
outbox = $OB2
secrets = $SEC
retry_schedule = 0 1s 1s 1s 1s 1s 1s 1s

[endpoint hook]
notifier = webhook
url = $WH_URL
timeout = 60s
EOF
nd_start "$NC2" || not_ok "crash: lda-notifyd started"
# Wait until the stalling requests are all taken (the mode is back to
# ok) and the other attempts have moved on, then kill it mid-send.
for _ in $(seq 300); do
    wh_stats | grep -q '"mode": {"mode": "ok"}' && [ "$(wh_verified_count)" -ge 20 ] && break
    sleep 0.1
done
like "$(wh_stats)" '"mode": \{"mode": "ok"\}' "crash: $STALLS requests hang at the receiver"
nd_kill
is "$ND_RC" 137 "crash: lda-notifyd killed by SIGKILL"
# the receiver sees the hanging requests' connections close, unanswered
for _ in $(seq 100); do
    [ "$(wh_query 'r["mode"] == "stall" and r["answered"] is None' | grep -c True)" -ge "$STALLS" ] && break
    sleep 0.1
done
is "$(wh_query 'r["mode"] == "stall" and r["answered"] is None' | grep -c True)" "$STALLS" \
    "crash: $STALLS attempts were in flight when it died (closed unanswered)"
left=$(count_files "$OB2/new")
check "crash: events left in new/ ($left)" test "$left" -gt 0
if nd_start "$NC2"; then ok "crash: lda-notifyd starts again (lock freed by the kernel)"; else
    not_ok "crash: lda-notifyd starts again"; fi
check "crash: all events leave new/" nd_wait_gone "$OB2/new" 60
sleep 1
J=$(judge "$SNAP2" "$MD2/new")
is "$(val ids_equal)" True "crash: every event arrived (missing $(val missing), foreign $(val foreign))"
is "$(val ids_with_2xx)" "$CRASH_TOTAL" "crash: every event answered 2xx at least once"
is "$(val unverified)/$(val body_mismatch)/$(val id_mismatch)" 0/0/0 "crash: all verified, bodies and ids exact"
diag "crash: $(val ids_with_several_2xx) event(s) answered 2xx twice (allowed after a crash)"
is "$(count_files "$OB2/new")/$(count_files "$OB2/state")/$(tree_files "$OB2/dead")" 0/0/0 \
    "crash: new/, state/ and dead/ are empty"
nd_stop "$STOP_SECS"
is "$ND_RC" 0 "crash: lda-notifyd stops with 0"
check "no sanitizer report from lda-notifyd" nd_sanitizer_clean

done_testing
