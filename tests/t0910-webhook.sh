#!/bin/bash
# t0910 - lda, lda-notifyd and a webhook receiver, end to end
#
# The receiver (tests/services/receiver.py) checks every Standard
# Webhooks signature on its own.  Each part below has its own outbox and
# configuration: a plain delivery and its headers, key rotation, retries
# and their state file, dead letters with list/replay/purge, 410 and
# enable, Retry-After, redirects, a stalled receiver that must not slow
# lda, filters, --once, a broken reload and a second daemon.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/services/webhook.sh"
. "$TESTS_DIR/services/notifyd.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
[ -x "$NOTIFYD" ] || skip_all "no lda-notifyd at $NOTIFYD"

MD=$TEST_TMP/Maildir
LC=$TEST_TMP/lda.conf
NC=$TEST_TMP/notifyd.conf
SEC=$TEST_TMP/notifyd.secrets
SNAP=$TEST_TMP/snap
mkdir -p "$SNAP"

# part NAME - a fresh outbox for the next part; the daemon stopped
part() {
    nd_stop
    nd_outbox "$TEST_TMP/ob-$1"
    write_conf "$LC" "maildir = $MD" "outbox = $OUTBOX" "quota = 10M"
}

# nd_conf SCHEDULE LINES... - the daemon's configuration: globals, then LINES
nd_conf() {
    local l
    { echo "outbox = $OUTBOX"
      echo "secrets = $SEC"
      echo "retry_schedule = $1"
      echo "retry_jitter = 0"
      shift
      for l in "$@"; do echo "$l"; done
    } > "$NC"
}

# secrets LINES... - the secrets file, mode 0600
secrets() { printf '%s\n' "$@" > "$SEC"; chmod 600 "$SEC"; }

# deliver RCPT [SUBJECT] - a message through lda -V; ID is the id of its
# message.new event, IDS every event id lda wrote (one a line)
deliver() {
    sample_msg "${2:-hello}" | run_lda -V -c "$LC" -f alice@example.org -d "$1"
    IDS=$(printf '%s\n' "$OUT" | sed -n "s/.*event [a-z.]* '\\([0-9a-f-]*\\)' in outbox.*/\\1/p")
    ID=$(printf '%s\n' "$OUT" | sed -n "s/.*event message\\.new '\\([0-9a-f-]*\\)' in outbox.*/\\1/p")
}

# wait_for SECS CMD... - poll CMD until it succeeds; 1 on timeout
wait_for() {
    local secs=$1 i; shift
    for i in $(seq $((secs * 20))); do "$@" && return 0; sleep 0.05; done
    "$@"
}

# files_under DIR - regular files anywhere under DIR
files_under() { find "$1" -type f 2>/dev/null | wc -l | tr -d ' '; }

# nfiles_is DIR N - DIR (recursively) holds N regular files
nfiles_is() { [ "$(files_under "$1")" = "$2" ]; }

# wh_ids_of PYCOND - webhook-ids of logged requests meeting PYCOND, sorted
wh_ids_of() { wh_query "r['headers'].get('webhook-id') if ($1) else ''" | grep -v '^$' | LC_ALL=C sort; }

# dead_field FILE PYEXPR - PYEXPR over the dead letter x in FILE
dead_field() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
try:
    x = json.load(open(sys.argv[1], encoding="utf-8"))
    v = eval(sys.argv[2], {}, {"x": x})
except Exception as e:
    v = "ERROR: %s: %s" % (type(e).__name__, e)
print(v if isinstance(v, (bool, int)) else json.dumps(v, ensure_ascii=False))
EOF
}

# --- a delivery, end to end -------------------------------------------------------
wh_start --name main
MAIN_URL=$WH_URL MAIN_SECRET=$WH_SECRET
MAIN=("$WH_PID" "$WH_DIR" "$WH_LOG" "$WH_PORT")
# use_main - the wh_* functions act on the main receiver again
use_main() { WH_PID=${MAIN[0]} WH_DIR=${MAIN[1]} WH_LOG=${MAIN[2]} WH_PORT=${MAIN[3]}; }
part basic
secrets "app = $MAIN_SECRET" "app.header = Authorization: Bearer t"
nd_conf "0 1s 1s" "[endpoint app]" "notifier = webhook" "url = $MAIN_URL" \
    "header = X-Token: abc"
is "$("$NOTIFYD" -c "$NC" check 2>&1; echo "rc=$?")" "configuration ok: outbox '$OUTBOX', 1 endpoint
rc=0" "lda-notifyd check accepts the configuration"

# the event waits in new/ while no daemon runs
printf '%s\n' 'From: =?UTF-8?Q?Ren=C3=A9e?= <renee@example.org>' 'To: bob@example.com' \
    'Subject: =?ISO-8859-1?Q?r=E9sum=E9?=' 'Message-ID: <m1@example.org>' '' 'Hi.' \
    | run_lda -c "$LC" -f renee@example.org -d bob@example.com
is "$RC" 0 "lda delivers (no daemon running)"
EVF=$(find "$OUTBOX/new" -type f | head -n 1)
EVNAME=$(basename "$EVF")
cp "$EVF" "$SNAP/basic.json"
nd_start "$NC"
check "the daemon sends it: one verified webhook" wh_wait_count 1
check "... and removes the event from new/" nd_wait_gone "$OUTBOX/new"
is "$(wh_received)" 1 "exactly one POST"
is "$(wh_query 'r["verified"]')" True "signature verified by the receiver"
is "$(wh_query 'r["headers"]["webhook-id"] + ".json"')" "$EVNAME" \
    "webhook-id is the event id and the outbox file name"
is "$(wh_query 'json.loads(r["body"])["id"] == r["headers"]["webhook-id"]')" True \
    "... and the body's id"
is "$(wh_query 'abs(int(r["headers"]["webhook-timestamp"]) - r["t"]) <= 60')" True \
    "webhook-timestamp is the time of the attempt"
is "$(wh_query 'r["headers"].get("content-type")')" application/json "Content-Type: application/json"
like "$(wh_query 'r["headers"].get("user-agent")')" '^lda-notifyd/' "User-Agent: lda-notifyd/<version>"
is "$(wh_query 'r["path"]')" /hook "POST to the configured path"
is "$(wh_query 'r["body"]' | head -c 100000)" "$(cat "$SNAP/basic.json")" "body equals the event file's bytes"
is "$(wh_query 'len(r["body"].encode())')" "$(stat -c %s "$SNAP/basic.json")" "... byte for byte (length)"
is "$(wh_query '[r["json"]["data"]["subject"], r["json"]["data"]["folder"], r["json"]["data"]["from"]]')" \
    '["résumé", "INBOX", [{"name": "Renée", "address": "renee@example.org"}]]' \
    "fields: subject decoded, folder, from"
is "$(wh_query 'r["json"]["data"]["size"]')" \
    "$(stat -c %s "$MD/new/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data"]["maildir"]["file"])' "$SNAP/basic.json")")" \
    "size is the stored message's"
is "$(wh_query 'sorted(r["json"]["data"]["quota"].keys())')" \
    '["messages_limit", "messages_used", "storage_limit", "storage_used"]' "quota object sent"
is "$(wh_query 'r["json"]["data"]["quota"]["storage_limit"]')" 10485760 "... with the limit"
is "$(wh_query 'r["headers"].get("x-token")')" abc "header from the configuration arrives"
is "$(wh_query 'r["headers"].get("authorization")')" "Bearer t" "header from the secrets file arrives"
is "$(files_under "$OUTBOX/state")" 0 "no state/ file after a first-time success"
is "$(files_under "$OUTBOX/dead")" 0 "no dead letter"

# with the daemon running: woken by lda
deliver bob@example.com running
is "$RC" 0 "lda delivers with the daemon running"
check "... the event arrives" wh_wait_count 2
check "... and leaves new/" nd_wait_gone "$OUTBOX/new"
is "$(wh_ids_of 'r["verified"] and r["json"]["data"].get("subject") == "running"')" "$ID" \
    "... with the id lda wrote"
is "$(wh_received)" 2 "two POSTs in all, no duplicate"

# --- key rotation: every secret signs ----------------------------------------------
part rotate
OLD=$(wh_new_secret) NEW=$(wh_new_secret) OTHER=$(wh_new_secret)
wh_start --name old-only --secret "$OLD"; OLD_URL=$WH_URL OLD_LOG=$WH_LOG
wh_start --name new-only --secret "$NEW"; NEW_URL=$WH_URL NEW_LOG=$WH_LOG
wh_start --name other --secret "$OTHER"; OTHER_URL=$WH_URL OTHER_LOG=$WH_LOG
secrets "r-old = $NEW $OLD" "r-new = $NEW $OLD" "r-other = $NEW $OLD"
nd_conf "0 1s" \
    "[endpoint r-old]" "notifier = webhook" "url = $OLD_URL" \
    "[endpoint r-new]" "notifier = webhook" "url = $NEW_URL" \
    "[endpoint r-other]" "notifier = webhook" "url = $OTHER_URL"
nd_start "$NC"
deliver bob@example.com rotation
WH_LOG=$OLD_LOG
check "receiver knowing only the old secret verifies" wh_wait_count 1
like "$(wh_query 'r["headers"]["webhook-signature"]')" '^v1,[A-Za-z0-9+/=]+ v1,[A-Za-z0-9+/=]+$' \
    "two v1 signatures, space separated"
WH_LOG=$NEW_LOG
check "receiver knowing only the new secret verifies" wh_wait_count 1
WH_LOG=$OTHER_LOG
wait_for 10 test "$(wh_received)" -ge 1
is "$(wh_received)/$(wh_verified_count)" "1/0" "a receiver with another secret does not (the check can fail)"

# --- 500 twice, then ok: the state file in between ---------------------------------
part retry
use_main
wh_reset
secrets "app = $MAIN_SECRET"
nd_conf "0 1s 1s" "[endpoint app]" "notifier = webhook" "url = $MAIN_URL"
nd_start "$NC"
wh_mode 500 "" 2
deliver bob@example.com retried
STATEF=$OUTBOX/state/$ID.json
wait_for 10 test -s "$STATEF"
cp "$STATEF" "$SNAP/state1.json" 2>/dev/null
check "after the first 500, state/<id>.json exists" test -s "$SNAP/state1.json"
is "$(dead_field "$SNAP/state1.json" '[(a["attempt"], a["status"]) for a in x["endpoints"]["app"]["log"]][:1]')" \
    '[[1, 500]]' "... with the attempt log (attempt 1: 500)"
is "$(dead_field "$SNAP/state1.json" 'x["endpoints"]["app"]["done"]')" False "... not done"
check "delivered on the third attempt" wh_wait_count 3 15
check "... the event leaves new/" nd_wait_gone "$OUTBOX/new"
check "... and its state file goes" wait_for 5 test ! -e "$STATEF"
is "$(wh_query 'r["mode"]' | tr '\n' ' ')" "500 500 ok " "answers: 500, 500, ok"
is "$(wh_query 'r["headers"]["webhook-id"]' | sort -u)" "$ID" "the same webhook-id on every attempt"
is "$(wh_query 'r["headers"]["webhook-timestamp"]' | sort -u | wc -l)" 3 \
    "a fresh webhook-timestamp on each attempt"
like "$(cat "$ND_LOG")" "event $ID to app: attempt 1 failed: HTTP 500" "the failure is logged"
like "$(cat "$ND_LOG")" "event $ID to app: sent, attempt 3 \\(200\\)" "the success is logged as attempt 3"

# --- retries exhausted: dead letters, list, replay, purge ----------------------------
part dead
wh_reset
nd_conf "0 1s" "[endpoint app]" "notifier = webhook" "url = $MAIN_URL"
nd_start "$NC"
wh_mode 500
deliver bob@example.com dead-one; D1=$ID
deliver bob@example.com dead-two; D2=$ID
check "after the last attempt both events are dead letters" \
    wait_for 15 nfiles_is "$OUTBOX/dead/app" 2
check "... and gone from new/" nd_wait_gone "$OUTBOX/new"
check "... no state file left" wait_for 5 nfiles_is "$OUTBOX/state" 0
is "$(wh_received)" 4 "two attempts each (retry_schedule = 0 1s)"
DL=$OUTBOX/dead/app/$D1.json
check "dead/app/<id>.json" test -f "$DL"
is "$(stat -c %a "$DL")" 600 "... mode 0600"
is "$(dead_field "$DL" '[x["endpoint"], x["why"], x["event"]["id"], x["event"]["data"]["subject"]]')" \
    "[\"app\", \"HTTP 500\", \"$D1\", \"dead-one\"]" "... holds endpoint, why, the event"
is "$(dead_field "$DL" '[(a["attempt"], a["status"], a["error"]) for a in x["attempts"]]')" \
    '[[1, 500, "HTTP 500"], [2, 500, "HTTP 500"]]' "... and both attempts"
is "$(dead_field "$DL" 'all(a["reply"].startswith("{\"error\":\"mode 500\"}") and len(a["reply"].encode()) <= 512 for a in x["attempts"])')" \
    True "... each with the receiver's reply (at most 512 bytes)"
like "$(dead_field "$DL" 'x["died"]')" '^"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"$' "... died: RFC 3339 UTC"
is "$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["event"], separators=(",", ":"), ensure_ascii=False) == sys.argv[2])' \
    "$DL" "$(wh_query 'r["body"]' | grep -F "$D1" | head -n 1)")" True "... the event is what was sent"
LIST=$("$NOTIFYD" -c "$NC" list --dead)
is "$(printf '%s\n' "$LIST" | grep -c "^$D1 app message.new attempts=2 died=[0-9TZ:-]* why=HTTP 500$")" 1 \
    "list --dead shows it"
is "$(printf '%s\n' "$LIST" | grep -c .)" 2 "... one line per dead letter"
is "$("$NOTIFYD" -c "$NC" list)" "" "list: nothing pending"
wh_mode ok
is "$("$NOTIFYD" -c "$NC" replay "$D1")" "$D1 app replayed" "replay ID"
check "... the receiver (ok again) gets it" wh_wait_count 5
is "$(wh_query 'r["headers"]["webhook-id"] + " " + r["mode"]' | tail -n 1)" "$D1 ok" "... the replayed event, same id"
check "... its dead letter removed" test ! -e "$DL"
check "... nothing left in new/" nd_wait_gone "$OUTBOX/new"
check "... the other dead letter stays" test -f "$OUTBOX/dead/app/$D2.json"
is "$("$NOTIFYD" -c "$NC" purge --dead all)" "$D2 app purged" "purge --dead all"
is "$(files_under "$OUTBOX/dead")" 0 "... removes it"
sleep 1
is "$(wh_received)" 5 "... and sends nothing"

# a long reply is cut at 512 bytes: a receiver of our own, one attempt
part longreply
LR=$TEST_TMP/longreply
python3 - "$LR" <<'EOF' > /dev/null 2>&1 &
import http.server, os, sys
out = sys.argv[1]
body = ("x" * 101 + "é" * 600).encode()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(out + ".port.tmp", "w").write(str(s.server_address[1]))
os.rename(out + ".port.tmp", out + ".port")
s.timeout = 1
while os.getppid() != 1 and not os.path.exists(out + ".stop"):
    s.handle_request()
EOF
LR_PID=$!
at_exit "touch '$LR.stop'; wait $LR_PID 2>/dev/null"
wait_for 10 test -s "$LR.port"
nd_conf "0" "[endpoint long]" "notifier = webhook" "url = http://127.0.0.1:$(cat "$LR.port")/x"
secrets "long = $MAIN_SECRET"
deliver bob@example.com longreply
nd_once "$NC"
is "$RC" 0 "--once: one failed attempt of one makes a dead letter, nothing pending: 0"
DL=$OUTBOX/dead/long/$ID.json
# 101 + 2 * 205 = 511: byte 512 is the first half of an "é"
is "$(dead_field "$DL" 'x["attempts"][0]["reply"] in [("x" * 101 + "é" * 600).encode()[:512].decode("utf-8", how) for how in ("replace", "ignore")]')" True \
    "a long reply: the first 512 bytes kept, the cut character dropped or U+FFFD"
touch "$LR.stop"

# --- 410: the endpoint disabled, enable, replay --endpoint ---------------------------
part gone
wh_reset
nd_conf "0 1s 1s" "[endpoint app]" "notifier = webhook" "url = $MAIN_URL"
secrets "app = $MAIN_SECRET"
nd_start "$NC"
wh_mode 410
deliver bob@example.com gone-1; G1=$ID
check "410: the endpoint is disabled (disabled/app)" wait_for 10 test -f "$OUTBOX/disabled/app"
check "... the event is a dead letter at once" wait_for 10 test -f "$OUTBOX/dead/app/$G1.json"
is "$(dead_field "$OUTBOX/dead/app/$G1.json" '[(a["attempt"], a["status"]) for a in x["attempts"]]')" \
    '[[1, 410]]' "... after one attempt (410)"
like "$(cat "$ND_LOG")" "endpoint app disabled: HTTP 410" "the disabling is logged"
wh_mode ok
deliver bob@example.com gone-2; G2=$ID
deliver bob@example.com gone-3; G3=$ID
check "later events go to dead/ too" wait_for 10 nfiles_is "$OUTBOX/dead/app" 3
check "... and leave new/" nd_wait_gone "$OUTBOX/new"
is "$(wh_received)" 1 "... without a request to the receiver"
like "$("$NOTIFYD" -c "$NC" list --dead app | sort | tr '\n' ' ')" "$G2 app message.new attempts=0 died=.* why=endpoint disabled" \
    "list --dead shows them, why: endpoint disabled"
OUT2=$("$NOTIFYD" -c "$NC" replay --endpoint app all 2>&1)
like "$OUT2" "endpoint app is disabled" "replay while disabled warns"
check "... and the events go back to dead/" wait_for 10 nfiles_is "$OUTBOX/dead/app" 3
check "... out of new/" nd_wait_gone "$OUTBOX/new"
is "$(wh_received)" 1 "... still without a request"
like "$("$NOTIFYD" -c "$NC" enable app)" '^app enabled' "enable app"
check "... removes disabled/app" test ! -e "$OUTBOX/disabled/app"
is "$("$NOTIFYD" -c "$NC" replay --endpoint app all | sort)" \
    "$(printf '%s app replayed\n' "$G1" "$G2" "$G3" | sort)" "replay --endpoint app all"
check "... all three delivered" wh_wait_count 4 5
is "$(wh_ids_of 'r["mode"] == "ok" and r["verified"]')" "$(printf '%s\n' "$G1" "$G2" "$G3" | LC_ALL=C sort)" \
    "... the three events, verified"
check "... dead/ empty" wait_for 5 nfiles_is "$OUTBOX/dead" 0
check "... new/ empty" nd_wait_gone "$OUTBOX/new"

# --- 429 / 503 with Retry-After -------------------------------------------------------
part later
wh_reset
nd_conf "0 1s 1s" "[endpoint app]" "notifier = webhook" "url = $MAIN_URL"
nd_start "$NC"
# gap ID - seconds between the first two logged requests for ID
gap() { wh_query "r['t'] if r['headers']['webhook-id'] == '$1' else ''" | grep -v '^$' | head -n 2 \
        | awk 'NR == 1 {a = $1} NR == 2 {printf "%.3f\n", $1 - a}'; }
wh_mode 429 "" 1
deliver bob@example.com control
check "429 without Retry-After: retried and delivered" wh_wait_count 2
like "$(cat "$ND_LOG")" "event $ID to app: attempt 1 failed: HTTP 429; next in 1s" \
    "... after the schedule's 1 s (control)"
wh_reset
wh_mode 429 3 1
deliver bob@example.com after3
check "429 with Retry-After: 3: retried and delivered" wh_wait_count 2 15
like "$(cat "$ND_LOG")" "event $ID to app: attempt 1 failed: HTTP 429; next in 3s" \
    "... the next attempt put 3 s on, not the schedule's 1 s"
G=$(gap "$ID")
check "... the second request came >= 2.5 s after the first (got ${G:-none} s)" \
    python3 -c "import sys; sys.exit(0 if float('${G:-0}') >= 2.5 else 1)"
wh_reset
wh_mode 503 "$(python3 -c 'import email.utils, time; print(email.utils.formatdate(time.time() + 8, usegmt=True))')" 1
deliver bob@example.com afterdate
check "503 with an HTTP-date Retry-After: retried and delivered" wh_wait_count 2 15
G=$(gap "$ID")
check "... the second request came >= 2.5 s after the first (got ${G:-none} s)" \
    python3 -c "import sys; sys.exit(0 if float('${G:-0}') >= 2.5 else 1)"

# --- 302: not followed, retried ---------------------------------------------------------
wh_reset
wh_mode 302 "" 1
deliver bob@example.com redirected
check "302 then ok: delivered on the second attempt" wh_wait_count 2
check "... new/ empty" nd_wait_gone "$OUTBOX/new"
is "$(wh_query 'r["path"]' | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')" "/hook=2 " \
    "no request on /redirected: the redirect is not followed"
like "$(cat "$ND_LOG")" "event $ID to app: attempt 1 failed: HTTP 302" "... counted as a failed attempt"

# --- filters: domains and events ---------------------------------------------------------
part filters
NETW=$(wh_new_secret) NEWW=$(wh_new_secret)
wh_start --name netonly --secret "$NETW"; NET_URL=$WH_URL NET_LOG=$WH_LOG
wh_start --name newonly --secret "$NEWW"; NEW_URL2=$WH_URL NEW_LOG2=$WH_LOG
secrets "net = $NETW" "new = $NEWW"
nd_conf "0 1s" \
    "[endpoint net]" "notifier = webhook" "url = $NET_URL" "domains = example.net" \
    "[endpoint new]" "notifier = webhook" "url = $NEW_URL2" "events = message.new"
write_conf "$LC" "maildir = $MD" "outbox = $OUTBOX" "quota = 1000" "quota_warning = 50" \
    "add_headers = no"
nd_start "$NC"
WANT_NET='' WANT_NEW=''
# msg N - a message of N bytes
msg() { python3 -c "import sys; sys.stdout.write('Subject: q\n\n' + 'x' * ($1 - 13) + '\n')"; }
# q_deliver N RCPT MAILDIR - deliver N bytes; IDS: "<type> <id>" lines
q_deliver() {
    msg "$1" | run_lda -V -c "$LC" -o maildir="$3" -f a@example.org -d "$2"
    IDS=$(printf '%s\n' "$OUT" | sed -n "s/.*event \\([a-z.]*\\) '\\([0-9a-f-]*\\)' in outbox.*/\\1 \\2/p")
}
q_deliver 300 bob@example.com "$TEST_TMP/f-bob"      # message.new, .com
WANT_NEW="$WANT_NEW $(printf '%s\n' "$IDS" | awk '$1 == "message.new" {print $2}')"
q_deliver 600 carol@Example.NET "$TEST_TMP/f-carol"  # message.new + quota.warning, .net
WANT_NET="$WANT_NET $(printf '%s\n' "$IDS" | awk '{print $2}')"
WANT_NEW="$WANT_NEW $(printf '%s\n' "$IDS" | awk '$1 == "message.new" {print $2}')"
is "$(printf '%s\n' "$IDS" | awk '{print $1}' | sort | tr '\n' ' ')" "message.new quota.warning " \
    "carol@Example.NET: a message.new and a quota.warning"
q_deliver 300 dave@example.org "$TEST_TMP/f-dave"
WANT_NEW="$WANT_NEW $(printf '%s\n' "$IDS" | awk '{print $2}')"
q_deliver 900 dave@example.org "$TEST_TMP/f-dave"    # quota.exceeded, .org: nobody wants it
is "$(printf '%s\n' "$IDS" | awk '{print $1}')" "quota.exceeded" "dave: a quota.exceeded"
NOBODY=$(printf '%s\n' "$IDS" | awk '{print $2}')
q_deliver 300 eve@example.org "$TEST_TMP/f-eve"; WANT_NEW="$WANT_NEW $(printf '%s\n' "$IDS" | awk '{print $2}')"
q_deliver 300 dave@example.org "$TEST_TMP/f-dave2"; WANT_NEW="$WANT_NEW $(printf '%s\n' "$IDS" | awk '{print $2}')"
check "every event leaves new/" nd_wait_gone "$OUTBOX/new"
sorted() { printf '%s\n' $1 | grep -v '^$' | LC_ALL=C sort; }
WH_LOG=$NET_LOG
wait_for 10 test "$(wh_verified_count)" -ge "$(sorted "$WANT_NET" | wc -l)"
is "$(wh_ids_of 'r["verified"]')" "$(sorted "$WANT_NET")" \
    "domains = example.net: exactly the example.net events (any type, domain case ignored)"
WH_LOG=$NEW_LOG2
wait_for 10 test "$(wh_verified_count)" -ge "$(sorted "$WANT_NEW" | wc -l)"
is "$(wh_ids_of 'r["verified"]')" "$(sorted "$WANT_NEW")" \
    "events = message.new: exactly the message.new events (any domain)"
is "$(grep -c -F "$NOBODY" "$NET_LOG" "$NEW_LOG2" | awk -F: '{s += $2} END {print s}')" 0 \
    "an event no endpoint wants is sent nowhere"
is "$(files_under "$OUTBOX/state")/$(files_under "$OUTBOX/dead")" "0/0" "... and removed, no state, no dead letter"
write_conf "$LC" "maildir = $MD" "outbox = $OUTBOX" "quota = 10M"

# --- --once -------------------------------------------------------------------------------
part once
use_main
wh_reset
secrets "app = $MAIN_SECRET"
nd_conf "0 1s 1s" "[endpoint app]" "notifier = webhook" "url = $MAIN_URL"
deliver bob@example.com once-1; O1=$ID
deliver bob@example.com once-2; O2=$ID
nd_once "$NC"
is "$RC" 0 "--once sends what is due and exits 0"
is "$(wh_verified_ids)" "$(printf '%s\n' "$O1" "$O2" | LC_ALL=C sort)" "... both events delivered"
is "$(count_files "$OUTBOX/new")" 0 "... new/ drained"
wh_mode 500
deliver bob@example.com once-3; O3=$ID
nd_once "$NC"
is "$RC" 75 "--once with the receiver answering 500: exit 75"
check "... the event stays in new/" test -f "$OUTBOX/new/$O3.json"
check "... with its state file" test -f "$OUTBOX/state/$O3.json"
like "$("$NOTIFYD" -c "$NC" list)" "^$O3 app message.new attempts=1 next=[^ ]+ last=HTTP 500$" \
    "list shows it pending: attempts=1, last=HTTP 500"
wh_mode ok
check "... its next attempt falls due" wait_for 10 eval '"$NOTIFYD" -c "$NC" list | grep -q "next=now"'
nd_once "$NC"
is "$RC" 0 "--once when it is due and the receiver ok: 0"
check "... the event is gone" test ! -e "$OUTBOX/new/$O3.json" -a ! -e "$OUTBOX/state/$O3.json"
is "$(wh_query 'r["headers"]["webhook-id"] + " " + r["mode"]' | tail -n 2 | tr '\n' ' ')" "$O3 500 $O3 ok " \
    "... its two attempts: 500, then ok"

# --- SIGHUP with a broken configuration -----------------------------------------------------
part reload
wh_reset
nd_conf "0 1s 1s" "[endpoint app]" "notifier = webhook" "url = $MAIN_URL"
cp "$NC" "$TEST_TMP/good.conf"
nd_start "$NC"
PID0=$ND_PID
{ cat "$TEST_TMP/good.conf"; echo "[endpoint broken]"; echo "notifier = smtp"; } > "$NC"
# more_than PATTERN N - ND_LOG has more than N lines with PATTERN
more_than() { [ "$(grep -c "$1" "$ND_LOG")" -gt "$2" ]; }
n=$(grep -c 'reload:' "$ND_LOG")
kill -HUP "$ND_PID"
check "SIGHUP with a broken configuration: the error is logged" \
    wait_for 10 more_than 'reload:' "$n"
like "$(grep 'reload:' "$ND_LOG" | tail -n 1)" "unknown notifier 'smtp'.*going on with the settings in use" \
    "... naming it, going on with the settings in use"
check "... the daemon still runs" kill -0 "$ND_PID"
deliver bob@example.com after-bad-hup
check "... and still sends" wh_wait_count 1
is "$(wh_query 'r["headers"]["webhook-id"]')" "$ID" "... the new event"
cp "$TEST_TMP/good.conf" "$NC"
echo "header = X-Reloaded: yes" >> "$NC"
n=$(grep -c 'serving outbox' "$ND_LOG")
kill -HUP "$ND_PID"
check "SIGHUP with a good configuration: reloaded" \
    wait_for 10 more_than 'serving outbox' "$n"
is "$ND_PID" "$PID0" "... in the same process"
deliver bob@example.com after-good-hup
check "... sends with the new settings" wh_wait_count 2
is "$(wh_query 'r["headers"].get("x-reloaded", "-")' | tail -n 1)" yes "... (the new header)"

# --- two daemons on one outbox ---------------------------------------------------------------
OUT2=$(timeout 20 "$NOTIFYD" -c "$NC" -v 2>&1 < /dev/null)
RC2=$?
check "a second daemon on the same outbox refuses (exit $RC2)" test "$RC2" -ne 0 -a "$RC2" -ne 124
like "$OUT2" "outbox '$OUTBOX'.*another lda-notifyd" "... naming the outbox"
OUT2=$(timeout 20 "$NOTIFYD" -c "$NC" --once 2>&1 < /dev/null)
is "$?" 75 "--once while a daemon holds the outbox: 75"
check "the first daemon still runs" kill -0 "$ND_PID"

# --- a stalled receiver never slows lda ----------------------------------------------------
part stall
use_main
wh_reset
nd_conf "0 1s 1s" "[endpoint app]" "notifier = webhook" "url = $MAIN_URL" \
    "timeout = 60s" "concurrency = 1"
nd_start "$NC"
wh_mode stall 30 1
deliver bob@example.com stall-first
# the counted mode runs out when the stalled request comes in
check "the daemon's first POST hangs at the receiver" \
    wait_for 10 eval 'wh_stats | python3 -c "import json,sys; s = json.load(sys.stdin); sys.exit(0 if s[\"mode\"] == {\"mode\": \"ok\"} and s[\"received\"] == 0 else 1)"'
fails=0
n0=$(count_files "$MD/new")
for i in $(seq 1 20); do
    sample_msg "stall-$i" | "$LDA" -c "$LC" -f alice@example.org -d bob@example.com > /dev/null 2>&1 \
        || fails=$((fails + 1))
done
ANSWERED=$(wh_received)
is "$fails" 0 "20 deliveries while it hangs: every lda exits 0"
is "$ANSWERED" 0 "... all returned before the receiver answered anything"
is "$(count_files "$MD/new")" $((n0 + 20)) "... all 20 messages in new/"
is "$(count_files "$OUTBOX/new")" 21 "... and their 21 events wait in the outbox"
wh_stop                         # the stalled connection closes
nd_stop

# no sanitizer report from any daemon run
check "no sanitizer report in the daemon's output" nd_sanitizer_clean

done_testing
