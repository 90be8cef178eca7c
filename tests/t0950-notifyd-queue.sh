#!/bin/bash
# t0950 - lda-notifyd's queue at its edges: a file in new/ that is not an
# event, a first attempt that waits its scheduled delay, what crashed
# writers left in tmp/ and state/, and replay of an event whose file is
# gone from new/
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/services/webhook.sh"
. "$TESTS_DIR/services/notifyd.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
[ -x "$NOTIFYD" ] || skip_all "no lda-notifyd at $NOTIFYD"

MD=$TEST_TMP/Maildir
LC=$TEST_TMP/lda.conf
NC=$TEST_TMP/notifyd.conf
SEC=$TEST_TMP/notifyd.secrets

wh_start || { not_ok "receiver started"; done_testing; exit; }
printf 'hook = %s\n' "$WH_SECRET" > "$SEC"
chmod 600 "$SEC"
nd_outbox "$TEST_TMP/ob"
write_conf "$LC" "maildir = $MD" "outbox = $OUTBOX"

# nd_conf SCHEDULE - one webhook endpoint to the receiver
nd_conf() {
    printf '%s\n' "outbox = $OUTBOX" "secrets = $SEC" \
        "retry_schedule = $1" "retry_jitter = 0" "[endpoint hook]" \
        "notifier = webhook" "url = $WH_URL" > "$NC"
}

# deliver - one message; ID is its event's id
deliver() {
    sample_msg | run_lda -V -c "$LC" -d bob@example.com
    ID=$(printf '%s\n' "$OUT" | sed -n "s/.*event message\\.new '\\([0-9a-f-]*\\)' in outbox.*/\\1/p")
}

# --- a file in new/ that is not JSON is moved aside, not sent -----------------
nd_conf "0 1s"
deliver
printf 'not json' > "$OUTBOX/new/0bad0000-0000-4000-8000-000000000000.json"
nd_once "$NC"
is "$RC" 0 "--once: nothing left pending"
is "$(wh_verified_ids)" "$ID" "the event was sent, the other file not"
is "$(wh_received)" 1 "one request in all"
check "the other file is in dead/ as it was" \
    cmp -s "$OUTBOX/dead/invalid-0bad0000-0000-4000-8000-000000000000.json" \
    /dev/fd/3 3< <(printf 'not json')
like "$(cat "$ND_LOG")" "0bad0000-0000-4000-8000-000000000000: not JSON: moved to" \
    "... and logged"
is "$(count_files "$OUTBOX/new")" 0 "new/ is empty"

# --- a first attempt waits its delay (retry_schedule starting at 2s) ----------
wh_reset
nd_conf "2s 1s"
deliver
nd_once "$NC"
is "$RC" 75 "--once right away: the event waits (75)"
is "$(wh_received)" 0 "... and nothing was sent"
check "... with its time in state/" test -f "$OUTBOX/state/$ID.json"
like "$("$NOTIFYD" -c "$NC" list)" "^$ID hook message.new attempts=0 next=20" \
    "list shows it due later, no attempt made"
sleep 2.2
nd_once "$NC"
is "$RC" 0 "--once after the delay: sent"
is "$(wh_verified_ids)" "$ID" "... the event, verified"
is "$(count_files "$OUTBOX/state")" 0 "... and state/ is empty"

# --- what crashed writers left behind goes at start, fresh files stay ---------
nd_conf "0 1s"
printf 'x' > "$OUTBOX/tmp/old-part"
printf 'x' > "$OUTBOX/tmp/new-part"
printf '{}' > "$OUTBOX/state/old.json.123.tmp"
printf '{}' > "$OUTBOX/state/new.json.124.tmp"
touch -d '40 hours ago' "$OUTBOX/tmp/old-part"
touch -d '2 hours ago' "$OUTBOX/state/old.json.123.tmp"
nd_once "$NC"
check "tmp/: a file 40 hours old is removed" test ! -e "$OUTBOX/tmp/old-part"
check "tmp/: a fresh one stays (lda may be writing it)" test -e "$OUTBOX/tmp/new-part"
check "state/: a temporary file 2 hours old is removed" \
    test ! -e "$OUTBOX/state/old.json.123.tmp"
check "state/: a fresh one stays" test -e "$OUTBOX/state/new.json.124.tmp"

# --- replay brings back an event whose file left new/ -------------------------
wh_reset
wh_mode 500
deliver
nd_once "$NC"
sleep 1.1
nd_once "$NC"
check "after two 500s: a dead letter" test -f "$OUTBOX/dead/hook/$ID.json"
is "$(count_files "$OUTBOX/new")" 0 "... and new/ is empty"
wh_mode ok
like "$("$NOTIFYD" -c "$NC" replay "$ID")" "^$ID hook replayed" "replay says so"
check "... the event is back in new/" test -f "$OUTBOX/new/$ID.json"
check "... and the dead letter gone" test ! -e "$OUTBOX/dead/hook/$ID.json"
nd_once "$NC"
is "$RC" 0 "--once sends it"
is "$(wh_verified_ids)" "$ID" "... verified, same id"
is "$(wh_query 'r["json"]["id"]' | sort -u)" "$ID" "... the same event"

done_testing
