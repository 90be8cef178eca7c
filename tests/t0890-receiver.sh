#!/bin/bash
# t0890-receiver.sh - the test webhook receiver (tests/services/receiver.py)
# and unix sink can fail: requests signed here by a separate signer are
# verified only with the right secret, a fresh timestamp and an exact
# signature; every configured answer (500, 410, 429/503 with Retry-After,
# 302, stall) is given, counted modes revert to ok, and unverified
# requests stay visible in the log.  The notifier tests rely on this.

. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/services/webhook.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"

# post.py - sign (Standard Webhooks v1, written from the spec, apart from
# the receiver) and POST over one connection; one line per request:
# "STATUS cl=<Content-Length> ra=<Retry-After> loc=<Location>", "timeout"
# or "error <what>"
POST=$TEST_TMP/post.py
cat > "$POST" <<'EOF'
import argparse, base64, hashlib, hmac, http.client, socket, sys, time, uuid
ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--path", default="/hook")
ap.add_argument("--secret", action="append", default=[])
ap.add_argument("--id")
ap.add_argument("--skew", type=int, default=0)
ap.add_argument("--body", default='{"type":"message.new","data":{"n":1}}')
ap.add_argument("--signed-body")
ap.add_argument("--sig")
ap.add_argument("--prefix-entry")
ap.add_argument("--strip-padding", action="store_true")
ap.add_argument("--omit", action="append", default=[])
ap.add_argument("--timeout", type=float, default=10)
ap.add_argument("--repeat", type=int, default=1)
ap.add_argument("--chunked", action="store_true")
a = ap.parse_args()
conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=a.timeout)
for _ in range(a.repeat):
    msg_id = a.id or str(uuid.uuid4())
    ts = str(int(time.time()) + a.skew)
    body = a.body.encode()
    signed = ("%s.%s." % (msg_id, ts)).encode() + (a.signed_body.encode() if a.signed_body is not None else body)
    entries = []
    for s in a.secret:
        key = base64.b64decode(s.split("_", 1)[1])
        sig = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        entries.append("v1," + (sig.rstrip("=") if a.strip_padding else sig))
    if a.prefix_entry:
        entries.insert(0, a.prefix_entry)
    h = {"webhook-id": msg_id, "webhook-timestamp": ts,
         "webhook-signature": a.sig if a.sig is not None else " ".join(entries),
         "Content-Type": "application/json"}
    for o in a.omit:
        del h[o]
    try:
        if a.chunked:
            conn.request("POST", a.path, body=iter([body[:5], body[5:]]), headers=h, encode_chunked=True)
        else:
            conn.request("POST", a.path, body=body, headers=h)
        r = conn.getresponse()
        r.read()
        print("%d cl=%s ra=%s loc=%s" % (r.status, r.getheader("Content-Length"),
              r.getheader("Retry-After", "-"), r.getheader("Location", "-")))
    except socket.timeout:
        print("timeout")
        break
    except Exception as e:
        print("error %s" % e)
        break
EOF

# post ARGS... - post.py against the current receiver
post() { python3 "$POST" --port "$WH_PORT" "$@"; }

# last FIELD - FIELD (python expression on the record r) of the last logged webhook
last() { wh_query "$1" | tail -n 1; }

# ------------------------------------------------------------ secrets
S1=$(wh_new_secret)
S2=$(wh_new_secret)
S3=$(wh_new_secret)
like "$S1" '^whsec_[A-Za-z0-9+/]{43}=$' "wh_new_secret: whsec_ + base64 of 32 bytes"
check "wh_new_secret: fresh each time" test "$S1" != "$S2"

if ! wh_start --secret "$S1" --secret "$S2"; then
    not_ok "receiver started"; done_testing; exit 1
fi
ok "receiver answers on $WH_URL (pid $WH_PID)"
is "$(wh_received)" 0 "log empty at start"

# ------------------------------------------------------------ signatures
ID1=msg_$RANDOM$RANDOM
is "$(post --secret "$S1" --id "$ID1")" "200 cl=12 ra=- loc=-" "right secret: 200 with Content-Length"
is "$(last 'r["verified"]')" True "right secret: verified"
is "$(last 'r["verify_error"]')" null "... with no verify_error"
is "$(last 'r["headers"]["webhook-id"]')" "$ID1" "... header names logged in lower case"
is "$(last 'r["json"]["data"]["n"]')" 1 "... body parsed as JSON"
is "$(last 'r["path"]')" /hook "... path logged"

is "$(post --secret "$S3")" "200 cl=12 ra=- loc=-" "wrong secret: still the configured answer"
is "$(last 'r["verified"]')" False "wrong secret: not verified"
like "$(last 'r["verify_error"]')" 'no v1 signature matches' "... and says why"

post --secret "$S1" --skew -400 > /dev/null
is "$(last 'r["verified"]')" False "timestamp 400 s old: not verified"
like "$(last 'r["verify_error"]')" 'too old' "... too old"
post --secret "$S1" --skew 400 > /dev/null
like "$(last 'r["verified"]') $(last 'r["verify_error"]')" '^False .*too new' "timestamp 400 s ahead: not verified"
post --secret "$S1" --skew -250 > /dev/null
is "$(last 'r["verified"]')" True "timestamp 250 s old: within tolerance"

post --secret "$S1" --signed-body '{"type":"message.new","data":{"n":2}}' > /dev/null
is "$(last 'r["verified"]')" False "body changed after signing: not verified"
post --secret "$S1" --strip-padding > /dev/null
is "$(last 'r["verified"]')" False "unpadded base64: not verified"
post --secret "$S1" --omit webhook-timestamp > /dev/null
like "$(last 'r["verified"]') $(last 'r["verify_error"]')" '^False missing webhook-timestamp' "no webhook-timestamp: not verified"
post --sig "v1,$(printf 'x%.0s' $(seq 43))=" > /dev/null
is "$(last 'r["verified"]')" False "made-up signature: not verified"

ID2=msg_rot_$RANDOM
post --secret "$S3" --secret "$S1" --id "$ID2" > /dev/null
is "$(last 'r["verified"]')" True "rotation: second entry of the header verifies"
ID3=msg_old_key_$RANDOM
post --secret "$S2" --id "$ID3" > /dev/null
is "$(last 'r["verified"]')" True "rotation: receiver's second key verifies"
ID4=msg_v1a_$RANDOM
post --prefix-entry "v1a,c2lnbmF0dXJl" --secret "$S1" --id "$ID4" > /dev/null
is "$(last 'r["verified"]')" True "other signature versions are skipped"
ID5=msg_chunked_$RANDOM
is "$(post --secret "$S1" --id "$ID5" --chunked)" "200 cl=12 ra=- loc=-" "chunked body: answered"
is "$(last 'r["verified"]')" True "chunked body: verified"

# Expect: 100-continue (libcurl sends it for large bodies): 100 comes first
EXP=$(python3 - "$WH_PORT" "$S1" <<'EOF'
import base64, hashlib, hmac, socket, sys, time
port, secret = int(sys.argv[1]), sys.argv[2]
body, ts, mid = b'{"big":true}', str(int(time.time())), "msg_expect"
sig = base64.b64encode(hmac.new(base64.b64decode(secret[6:]), b"%s.%s.%s" % (mid.encode(), ts.encode(), body), hashlib.sha256).digest()).decode()
s = socket.create_connection(("127.0.0.1", port), timeout=2)
s.sendall(("POST /hook HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: %d\r\n"
           "webhook-id: %s\r\nwebhook-timestamp: %s\r\nwebhook-signature: v1,%s\r\n\r\n" % (len(body), mid, ts, sig)).encode())
first = s.recv(100).split(b"\r\n")[0].decode()
s.sendall(body)
second = s.recv(1000).split(b"\r\n")[0].decode()
print(first, "/", second)
EOF
)
is "$EXP" "HTTP/1.1 100 Continue / HTTP/1.1 200 OK" "Expect: 100-continue answered before the body"

# ------------------------------------------------------------ keep-alive
before=$(wh_received)
is "$(post --secret "$S1" --repeat 3 | sort | uniq -c | tr -s ' ')" " 3 200 cl=12 ra=- loc=-" "three requests over one connection"
is "$(wh_query 'r["conn"]' | tail -n 3 | sort -u | wc -l)" 1 "... logged as one connection"
is "$(wh_received)" $((before + 3)) "... all three logged"

# ------------------------------------------------------------ modes
wh_mode 500 "" 2
is "$(post --secret "$S1" --repeat 3 | tr '\n' ' ')" "500 cl=21 ra=- loc=- 500 cl=21 ra=- loc=- 200 cl=12 ra=- loc=- " \
    "500 for 2 requests, then back to ok"
is "$(wh_query 'r["answered"]' | tail -n 3 | tr '\n' ' ')" "500 500 200 " "... answers logged"
wh_mode 410
is "$(post --secret "$S1" --repeat 2 | tr '\n' ' ')" "410 cl=21 ra=- loc=- 410 cl=21 ra=- loc=- " "410 until changed"
wh_mode ok
is "$(post --secret "$S1")" "200 cl=12 ra=- loc=-" "ok again"
wh_mode 429 7 1
is "$(post --secret "$S1" --repeat 2 | tr '\n' ' ')" "429 cl=21 ra=7 loc=- 200 cl=12 ra=- loc=- " "429 with Retry-After: 7 once"
wh_mode 503 "Wed, 21 Oct 2015 07:28:00 GMT" 1
is "$(post --secret "$S1")" "503 cl=21 ra=Wed, 21 Oct 2015 07:28:00 GMT loc=-" "503 with an HTTP-date Retry-After"
wh_mode 503
is "$(post --secret "$S1")" "503 cl=21 ra=- loc=-" "503 without Retry-After"
wh_mode 302 "" 1
is "$(post --secret "$S1")" "302 cl=21 ra=- loc=http://127.0.0.1:$WH_PORT/redirected" "302 with a Location"
is "$(post --secret "$S3")" "200 cl=12 ra=- loc=-" "counted mode reverted, for unverified requests too"
if wh_control '{"mode":"404"}' > /dev/null 2>&1; then not_ok "unknown mode refused"
else ok "unknown mode refused"; fi

wh_mode stall 15 1
t0=$(date +%s%N)
is "$(post --secret "$S1" --timeout 1)" timeout "stall: client times out"
t1=$(date +%s%N)
check "... after about 1 s" test $(( (t1 - t0) / 1000000 )) -lt 3000
for _ in $(seq 30); do
    [ "$(wh_query 'r["mode"]' | tail -n 1)" = stall ] && break
    sleep 0.1
done
is "$(last 'r["mode"]') $(last 'r["answered"]')" "stall null" "stall: logged unanswered as soon as the client left"
t2=$(date +%s%N)
check "... well before the stall ended" test $(( (t2 - t0) / 1000000 )) -lt 12000
is "$(post --secret "$S1" --timeout 2)" "200 cl=12 ra=- loc=-" "stall count 1: next answered at once"
wh_mode stall 1 1
t0=$(date +%s%N)
is "$(post --secret "$S1" --timeout 5)" "200 cl=12 ra=- loc=-" "short stall: 200 in the end"
t1=$(date +%s%N)
check "... after the stall" test $(( (t1 - t0) / 1000000 )) -ge 900

# ------------------------------------------------------------ counting
ID6=msg_dup_$RANDOM
post --secret "$S1" --id "$ID6" --repeat 2 > /dev/null
stats=$(wh_stats)
want=$(python3 - "$WH_LOG" <<'EOF'
import json, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
v = [r for r in rs if r["verified"]]
print(json.dumps({"received": len(rs), "verified": len(v), "ids": len({r["headers"]["webhook-id"] for r in v})}))
EOF
)
is "$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); del d["mode"]; print(json.dumps(d))' "$stats")" "$want" "/_stats agrees with the log"
check "unverified requests are in the log" test "$(wh_received)" -gt "$(wh_verified_count)"
for id in "$ID1" "$ID2" "$ID3" "$ID4" "$ID5" "$ID6" msg_expect; do
    wh_verified_ids | grep -qx "$id" || not_ok "verified id $id listed"
done
ok "wh_verified_ids lists the verified ids"
is "$(wh_verified_ids | grep -c "^$ID6\$")" 1 "... each once"
is "$(wh_verified_ids)" "$(wh_verified_ids | LC_ALL=C sort -u)" "... sorted"
v=$(wh_verified_count)
check "wh_wait_count $v" wh_wait_count "$v" 1
if wh_wait_count $((v + 1)) 1; then not_ok "wh_wait_count $((v + 1)) times out"
else ok "wh_wait_count $((v + 1)) times out"; fi
wh_reset
is "$(wh_received) $(wh_stats | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["received"], d["ids"])')" "0 0 0" "wh_reset empties log and counters"

# ------------------------------------------------------------ secrets refused
python3 "$TESTS_DIR/services/receiver.py" --port 0 --pidfile "$TEST_TMP/bad.pid" \
    --log "$TEST_TMP/bad.log" --secret "whsec_not*base64" > /dev/null 2>&1
check "bad --secret refused" test $? -ne 0

# ------------------------------------------------------------ stop
pid=$WH_PID
wh_stop
check "wh_stop: receiver gone" sh -c "! kill -0 $pid 2>/dev/null"
check "... port closed" sh -c "! python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", $WH_PORT), timeout=2)' 2>/dev/null"

# ------------------------------------------------------------ unix sink
SOCK=$TEST_TMP/events.sock
if sink_start "$SOCK"; then ok "unix sink listens on $SOCK"; else not_ok "unix sink started"; fi
python3 - "$SOCK" <<'EOF'
import socket, sys
a = socket.socket(socket.AF_UNIX); a.connect(sys.argv[1])
b = socket.socket(socket.AF_UNIX); b.connect(sys.argv[1])
a.sendall(b'{"id":"a1"}\n{"id":')
b.sendall(b'{"id":"b1"}\n')
a.sendall(b'"a2"}\n')
b.sendall(b'{"id":"b2-cut')
a.close(); b.close()
EOF
for _ in $(seq 30); do [ -s "$SINK_LOG.partial" ] && [ "$(wc -l < "$SINK_LOG")" -ge 3 ] && break; sleep 0.1; done
is "$(LC_ALL=C sort "$SINK_LOG" | tr '\n' ' ')" '{"id":"a1"} {"id":"a2"} {"id":"b1"} ' "sink: each whole line as sent"
is "$(cat "$SINK_LOG.partial")" '{"id":"b2-cut' "sink: unterminated rest kept apart"
pid=$SINK_PID
sink_stop
check "sink_stop: sink gone" sh -c "! kill -0 $pid 2>/dev/null"
check "... socket removed" test ! -e "$SOCK"

done_testing
