#!/bin/bash
# t0900 - lda's events in the outbox: files, fields, schema, failures
#
# lda alone, no lda-notifyd: each delivery leaves <outbox>/new/<id>.json
# (valid against event/event.schema.json), quota crossings and refusals
# leave their events, a broken outbox never changes the exit code, and
# the wake datagram names the file.  Needs python3 with jsonschema
# (Debian: python3-jsonschema).
. "$(dirname "$0")/lib.sh"

SCHEMA=$TOP_DIR/event/event.schema.json
MD=$TEST_TMP/Maildir
OB=$TEST_TMP/outbox
ARCH=$TEST_TMP/seen             # events already looked at
C=$TEST_TMP/lda.conf
mkdir -p "$ARCH"

# A python3 that has jsonschema: the one on PATH, else the system's.
JSON_PY=
for p in python3 /usr/bin/python3; do
    if "$p" -c 'import jsonschema' 2>/dev/null; then JSON_PY=$p; break; fi
done
[ -n "$JSON_PY" ] || diag "no python3 with jsonschema (python3-jsonschema): schema checks fail"

# mkoutbox DIR - an outbox the delivery account may write
mkoutbox() { mkdir -p "$1"; [ -n "$LDA_USER" ] && chown "$LDA_USER" "$1"; }

# events - the event files in new/, full paths, one a line
events() { find "$OB/new" -maxdepth 1 -type f 2>/dev/null | sort; }

# the_event - the one event in new/ (empty when there is not exactly one)
the_event() { [ "$(count_files "$OB/new")" = 1 ] && events; }

# put_away - move the events looked at out of new/
put_away() { find "$OB/new" -maxdepth 1 -type f -exec mv -t "$ARCH" {} + 2>/dev/null; true; }

# ev FILE PYEXPR - PYEXPR with e the event (parsed as strict UTF-8),
# d its data; JSON for dicts, lists, None and strings, else str()
ev() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
try:
    e = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
    d = e.get("data", {})
    v = eval(sys.argv[2], {"json": json}, {"e": e, "d": d})
except Exception as x:
    v = "ERROR: %s: %s" % (type(x).__name__, x)
print(v if isinstance(v, (bool, int)) else json.dumps(v, ensure_ascii=False))
EOF
}

# valid FILE... - each file: strict UTF-8, one compact line without a
# trailing newline, named <id>.json, valid against the schema; prints
# what is wrong, nothing when all is well
valid() {
    if [ -z "$JSON_PY" ]; then echo "python3 jsonschema missing"; return; fi
    "$JSON_PY" - "$SCHEMA" "$@" <<'EOF'
import json, os, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
v = jsonschema.Draft202012Validator(schema)
if not sys.argv[2:]:
    print("no event file")
for path in sys.argv[2:]:
    raw = open(path, "rb").read()
    name = os.path.basename(path)
    try:
        e = json.loads(raw.decode("utf-8"))
    except Exception as x:
        print("%s: not UTF-8 JSON: %s" % (name, x))
        continue
    if b"\n" in raw:
        print("%s: not one line without a newline" % name)
    if name != "%s.json" % e.get("id"):
        print("%s: name is not <id>.json (id %r)" % (name, e.get("id")))
    for err in v.iter_errors(e):
        print("%s: %s at %s" % (name, err.message[:200], list(err.absolute_path)))
EOF
}

# is_valid DESC FILE... - ok when valid finds nothing wrong
is_valid() {
    local desc=$1 why; shift
    why=$(valid "$@" 2>&1) || why="${why:-validator failed}"
    is "$why" "" "$desc"
}

# msg N - a message of exactly N bytes (with add_headers = no)
msg() { python3 -c "import sys; sys.stdout.write('Subject: q\n\n' + 'x' * ($1 - 13) + '\n')"; }

# md_sum - "<bytes> <count>" of maildirsize's delta lines
md_sum() { awk 'NR > 1 {b += $1; n += $2} END {printf "%d %d\n", b, n}' "$MD/maildirsize"; }

mkoutbox "$OB"

# --- outbox unset: no events, the outbox never looked at ---------------------
write_conf "$C" "maildir = $MD"
sample_msg | run_lda -c "$C" -f alice@example.org -d bob@example.com
is "$RC" 0 "without outbox: delivered"
is "$(find "$TEST_TMP" -name '*.json' | wc -l)" 0 "... and no event file anywhere"
is "$(find "$OB" -mindepth 1 | wc -l)" 0 "... and the outbox untouched (no tmp/, new/)"
rm -rf "$MD"

# --- one event per delivery ---------------------------------------------------
write_conf "$C" "maildir = $MD" "outbox = $OB" "create_folders = yes"
before=$(date +%s%3N)
printf '%s\n' \
    'From: =?ISO-8859-1?Q?J=F6rg_M=FCller?= <joerg@example.org>' \
    'To: Bob <bob@example.com>, "Carol C." <carol@example.com>, dave@example.net' \
    'Subject: =?UTF-8?B?R3LDvMOfZQ==?= aus =?ISO-8859-1?Q?K=F6ln?=' \
    'Date: Tue, 24 Nov 2026 05:50:00 +0000' \
    'Message-ID: <abc.123@example.org>' \
    '' 'Hello Bob.' | run_lda -c "$C" -f alice@example.org -d bob@example.com
after=$(date +%s%3N)
is "$RC" 0 "with outbox: delivered"
is "$OUT" "" "... printing nothing"
is "$(count_files "$OB/new")" 1 "one event in new/"
is "$(count_files "$OB/tmp")" 0 "nothing left in outbox tmp/"
E=$(the_event)
[ -n "$E" ] || E=/nonexistent
like "$(basename "$E")" '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.json$' \
    "file name is <uuid v4>.json"
is "$(stat -c %a "$E" 2>/dev/null)" 600 "event file mode 0600"
is "$(stat -c %U "$E" 2>/dev/null)" "${LDA_USER:-$(id -un)}" "... owned by the delivery account"
is_valid "event valid against event.schema.json (and one line, named <id>.json)" "$E"
is "$(ev "$E" 'e["type"] + " " + d["event"]')" '"message.new MessageNew"' "type message.new, event MessageNew"
is "$(ev "$E" 'e["id"] + ".json"')" "\"$(basename "$E")\"" "id equals the file name"
ts=$(ev "$E" 'int(__import__("datetime").datetime.strptime(e["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=__import__("datetime").timezone.utc).timestamp() * 1000)')
check "timestamp lies between the start and the end of the lda run" \
    test "$ts" -ge $((before - 1)) -a "$ts" -le $((after + 1))
is "$(ev "$E" 'd["subject"]')" '"Grüße aus Köln"' "RFC 2047 subject decoded (UTF-8 B, ISO-8859-1 Q)"
is "$(ev "$E" 'd["from"]')" '[{"name": "Jörg Müller", "address": "joerg@example.org"}]' \
    "from: decoded name and address"
is "$(ev "$E" 'd["to"]')" '[{"name": "Bob", "address": "bob@example.com"}, {"name": "Carol C.", "address": "carol@example.com"}, {"name": "", "address": "dave@example.net"}]' \
    "to: three addresses, names unquoted, empty name when none"
is "$(ev "$E" 'd["message_id"]')" '"<abc.123@example.org>"' "message_id"
is "$(ev "$E" 'd["date"]')" '"Tue, 24 Nov 2026 05:50:00 +0000"' "date as written"
is "$(ev "$E" '[d["folder"], d["user"], d["recipient"], d["sender"]]')" \
    '["INBOX", "bob@example.com", "bob@example.com", "alice@example.org"]' \
    "folder INBOX, user, recipient, sender"
is "$(ev "$E" 'd["original_recipient"]')" null "original_recipient null without -a"
is "$(ev "$E" '"quota" in d')" False "no quota object without a quota"
check "no maildirsize without a quota (so none to report)" test ! -e "$MD/maildirsize"
is "$(ev "$E" 'd["maildir"]["path"]')" "\"$MD\"" "maildir.path is the Maildir"
F=$MD/new/$(ev "$E" 'd["maildir"]["file"]' | tr -d '"')
check "maildir.path/new/maildir.file is the delivered message" test -f "$F"
is "$(ev "$E" 'd["size"]')" "$(stat -c %s "$F" 2>/dev/null)" "size equals the stored file's size"
is "$(count_files "$MD/new")" 1 "... which is the only one in new/"
put_away

# several deliveries: one event each, distinct ids
for i in 1 2 3; do
    sample_msg "n$i" | run_lda -c "$C" -f alice@example.org -d bob@example.com
done
is "$(count_files "$OB/new")" 3 "three deliveries: three events"
is "$(events | xargs -r -n1 basename | sort -u | wc -l)" 3 "... with distinct names"
is "$(for f in $(events); do ev "$f" 'd["subject"]'; done | sort | tr '\n' ' ')" \
    '"n1" "n2" "n3" ' "... one for each message"
is "$(for f in $(events); do ev "$f" 'd["maildir"]["file"]'; done | tr -d '"' | sort -u | wc -l)" 3 \
    "... each naming its own file"
mapfile -t EVS < <(events)
is_valid "... all valid" "${EVS[@]}"
put_away

# +extension folder, -a, null sender
sample_msg ext | run_lda -c "$C" -f '<>' -a 'Bob+Lists@Example.COM' -d bob+lists@example.com
is "$RC" 0 "delivery to bob+lists (create_folders = yes)"
E=$(the_event); [ -n "$E" ] || E=/nonexistent
is_valid "... event valid" "$E"
is "$(ev "$E" '[d["folder"], d["user"], d["recipient"]]')" \
    '["lists", "bob@example.com", "bob+lists@example.com"]' \
    "folder lists; user without, recipient with the extension"
is "$(ev "$E" 'd["original_recipient"]')" '"Bob+Lists@Example.COM"' "original_recipient from -a"
is "$(ev "$E" 'd["sender"]')" '""' "sender \"\" for -f '<>'"
is "$(ev "$E" 'd["maildir"]["path"]')" "\"$MD/.lists\"" "maildir.path is the folder"
F=$MD/.lists/new/$(ev "$E" 'd["maildir"]["file"]' | tr -d '"')
check "... and its new/ holds maildir.file" test -f "$F"
is "$(ev "$E" 'd["size"]')" "$(stat -c %s "$F" 2>/dev/null)" "... of the event's size"
put_away
sample_msg | run_lda -c "$C" -f MAILER-DAEMON -a '' -d bob@example.com
E=$(the_event); [ -n "$E" ] || E=/nonexistent
is "$(ev "$E" '[d["sender"], d["original_recipient"]]')" '["", null]' \
    "MAILER-DAEMON is the null sender; empty -a gives null"
put_away
rm -rf "$MD"

# --- quota: usage, quota.warning, quota.exceeded ------------------------------
write_conf "$C" "maildir = $MD" "outbox = $OB" "quota = 1000" \
    "quota_warning = 50" "add_headers = no"
msg 300 | run_lda -c "$C" -f a@example.org -d bob@example.com
E=$(the_event); [ -n "$E" ] || E=/nonexistent
is "$RC/$(count_files "$OB/new")" "0/1" "300 of 1000 bytes: one event, no warning yet"
is_valid "... valid with its quota object" "$E"
is "$(ev "$E" 'd["quota"]')" \
    '{"storage_used": 300, "storage_limit": 1000, "messages_used": 1, "messages_limit": 0}' \
    "quota object: usage after the delivery, limits"
is "$(ev "$E" '"%d %d" % (d["quota"]["storage_used"], d["quota"]["messages_used"])')" \
    "\"$(md_sum)\"" "storage_used and messages_used equal the maildirsize sums"
put_away
msg 300 | run_lda -V -c "$C" -f a@example.org -d bob@example.com
is "$RC" 0 "600 of 1000 bytes: delivered"
like "$OUT" "quota warning: 50% reached" "... the crossing is logged"
is "$(count_files "$OB/new")" 2 "... two events"
W=; N=
for f in $(events); do
    case $(ev "$f" 'e["type"]') in
        '"quota.warning"') W=$f ;;
        '"message.new"') N=$f ;;
    esac
done
check "... a message.new and a quota.warning" test -n "$W" -a -n "$N"
[ -n "$W" ] || W=/nonexistent
[ -n "$N" ] || N=/nonexistent
is_valid "... both valid" "$W" "$N"
is "$(ev "$W" '[d["event"], d["threshold"], d["user"], d["recipient"], d["folder"]]')" \
    '["QuotaWarning", 50, "bob@example.com", "bob@example.com", "INBOX"]' \
    "quota.warning: QuotaWarning, threshold 50, account, folder"
is "$(ev "$W" 'd["quota"]')" "$(ev "$N" 'd["quota"]')" "... with the usage after the delivery, as message.new has"
is "$(ev "$W" 'd["quota"]["storage_used"]')" 600 "... 600 bytes"
check "... message.new stamped no later than quota.warning" \
    test "$(ev "$N" 'e["timestamp"]')" \< "$(ev "$W" 'e["timestamp"]')" -o \
         "$(ev "$N" 'e["timestamp"]')" = "$(ev "$W" 'e["timestamp"]')"
put_away
msg 300 | run_lda -c "$C" -f a@example.org -d bob@example.com
is "$RC/$(count_files "$OB/new")" "0/1" "900 of 1000: the 50% mark is not crossed again, one event"
E=$(the_event); [ -n "$E" ] || E=/nonexistent
is "$(ev "$E" 'e["type"]')" '"message.new"' "... a message.new"
put_away

msg 300 | run_lda -c "$C" -f a@example.org -d bob@example.com
like "$RC/$(first_line "$OUT")" '^75/4\.2\.2 ' "over quota: 75 with 4.2.2"
is "$(count_files "$MD/new")" 3 "... nothing delivered"
E=$(the_event); [ -n "$E" ] || E=/nonexistent
is "$(ev "$E" 'e["type"]')" '"quota.exceeded"' "... one event: quota.exceeded, no message.new"
is_valid "... valid" "$E"
is "$(ev "$E" '[d["event"], d["status"], d["action"], d["size"], d["user"], d["recipient"], d["sender"], d["folder"]]')" \
    '["QuotaExceed", "4.2.2", "deferred", 300, "bob@example.com", "bob@example.com", "a@example.org", "INBOX"]' \
    "quota.exceeded: QuotaExceed 4.2.2 deferred, the refused size, envelope"
is "$(ev "$E" 'd["quota"]')" \
    '{"storage_used": 900, "storage_limit": 1000, "messages_used": 3, "messages_limit": 0}' \
    "... with the usage before"
put_away
msg 300 | run_lda -c "$C" -o quota_full=bounce -f a@example.org -d bob+x@example.com
like "$RC/$(first_line "$OUT")" '^77/5\.2\.2 ' "quota_full = bounce: 77 with 5.2.2"
E=$(the_event); [ -n "$E" ] || E=/nonexistent
is_valid "... quota.exceeded valid" "$E"
is "$(ev "$E" '[e["type"], d["status"], d["action"], d["recipient"], d["user"]]')" \
    '["quota.exceeded", "5.2.2", "bounced", "bob+x@example.com", "bob@example.com"]' \
    "... status 5.2.2, action bounced"
put_away
rm -rf "$MD"

# --- malformed messages: delivered, the event valid, fields empty or absent ---
write_conf "$C" "maildir = $MD" "outbox = $OB"
# odd NAME DESC [PYEXPR WANT WHAT]... - deliver stdin; check exit,
# validity and size, then that each PYEXPR on the event (see ev) prints
# WANT (the check WHAT); the event is put away, E names its copy
# $ARCH/NAME.event for further checks
odd() {
    local name=$1 desc=$2 f
    shift 2
    run_lda -c "$C" -f a@example.org -d bob@example.com
    E=$(the_event); [ -n "$E" ] || E=/nonexistent
    is "$RC/$(count_files "$OB/new")" "0/1" "$desc: exit 0, one event"
    is_valid "$desc: event valid (UTF-8, schema)" "$E"
    f=$(find "$MD" -path '*/new/*' -type f -name "$(ev "$E" 'd["maildir"]["file"]' | tr -d '"')")
    is "$(stat -c %s "$f" 2>/dev/null)" "$(ev "$E" 'd["size"]')" "$desc: size matches the stored file"
    cp "$E" "$ARCH/$name.event"
    put_away
    E=$ARCH/$name.event
    [ $(($# % 3)) -eq 0 ] || not_ok "$desc: odd's checks come in threes ($# arguments)"
    while [ $# -ge 3 ]; do
        is "$(ev "$E" "$1")" "$2" "$3"
        shift 3
    done
}

printf 'To: bob@example.com\nSubject: no from\n\nbody\n' | odd nofrom "no From" \
    'd["from"]' '[]' "no From: from is []" \
    'd["subject"]' '"no from"' "... the other fields still there"

printf 'From: "Unclosed <@@ ;;; ,,, <<a@>> \\\n To: (x\nSubject: garbage from\n\nbody\n' \
    | odd garbage "From with garbage" \
    'isinstance(d["from"], list)' True "garbage From: from is still a list" \
    'd["subject"]' '"garbage from"' "... and the next field is read"

printf 'From: a@example.org\nSubject: caf\351 cr\350me\n\nbody\n' | odd raw8 "raw 8-bit (Latin-1) Subject" \
    'd["subject"]' '"caf� cr�me"' "invalid bytes become U+FFFD"

printf 'From: a@example.org\nSubject: Gr\303\274\303\237e raw\n\nbody\n' | odd rawutf8 "raw UTF-8 Subject" \
    'd["subject"]' '"Grüße raw"' "raw UTF-8 kept as it is"

printf 'From: a@example.org\nSubject: =?UTF-8?Q?=FF=FEx?= =?UTF-8?B?!!notbase64?= =?X-NONE?Q?abc?=\n\nbody\n' \
    | odd badword "bad encoded words"
like "$(ev "$E" 'd.get("subject", "")')" '^"��x' "bad encoded words: =FF=FE decoded to U+FFFD U+FFFD, the rest a string"

long=$(python3 -c 'print("Subject: " + "y" * 4991)')
printf '%s\nFrom: a@example.org\n\nbody\n' "$long" | odd long "5000-byte Subject line" \
    'd.get("subject") is None or (0 < len(d["subject"]) <= 4991 and set(d["subject"]) == {"y"})' True \
    "long Subject: absent or a run of its own characters" \
    'd["from"]' '[{"name": "", "address": "a@example.org"}]' "... the From after it read"
is "$(grep -c "^$long\$" "$(find "$MD/new" -type f -name "$(ev "$E" 'd["maildir"]["file"]' | tr -d '"')")")" 1 \
    "... and stored whole in the message"

printf 'From: a@example.org\nSubject: headers only' | odd hdronly "headers only, no body, no final newline" \
    'd.get("subject")' '"headers only"' "headers only: the last field is read"

printf 'From: a@example.org\nSubject: no blank line\n' | odd hdrnl "headers only, no blank line" \
    'd.get("subject")' '"no blank line"' "headers only (newline): subject read"

printf '\nFrom: a@example.org\nSubject: in the body\n' | odd nohdr "no header section (blank line first)" \
    '[d["from"], d["to"], "subject" in d, "message_id" in d, "date" in d]' \
    '[[], [], false, false, false]' "no header section: from/to [], no subject, message_id, date"

printf 'just some text, no header at all\nSubject: nope\n' | odd text "a message that is only text" \
    '"subject" in d' False "text only: no subject taken from the body"

printf '' | odd empty "an empty message"

to=$(for i in $(seq 1 40); do printf 'u%d@example.com, ' "$i"; done)
printf 'From: a@example.org\nTo: %s\nSubject: many\n\nbody\n' "$to" | odd manyto "40 To addresses" \
    '0 < len(d["to"]) <= 40 and all(a["address"].startswith("u") for a in d["to"])' True \
    "many To: a list of the first addresses"

# --- a broken outbox never changes the outcome --------------------------------
# lost DESC CONF_OUTBOX - deliver with the outbox at CONF_OUTBOX; exit 0,
# the message in new/, "event lost" shown by -V only
lost() {
    local desc=$1 n
    write_conf "$C" "maildir = $MD" "outbox = $2"
    n=$(count_files "$MD/new")
    sample_msg | run_lda -c "$C" -f a@example.org -d bob@example.com
    is "$RC/$OUT" "0/" "$desc: exit 0, nothing printed"
    is "$(count_files "$MD/new")" $((n + 1)) "$desc: the message is in new/"
    sample_msg | run_lda -V -c "$C" -f a@example.org -d bob@example.com
    is "$RC" 0 "$desc: -V: exit 0"
    like "$OUT" 'to=<bob@example.com>, message\.new event lost: ' "$desc: -V shows 'event lost'"
    is "$(count_files "$MD/new")" $((n + 2)) "$desc: ... and delivers"
}
lost "outbox missing" "$TEST_TMP/no-such-outbox"
check "... the missing outbox is not made" test ! -e "$TEST_TMP/no-such-outbox"

RO=$TEST_TMP/root-outbox
mkdir -p "$RO"; chmod 755 "$RO"
lost "outbox not writable by the account" "$RO"
is "$(find "$RO" -mindepth 1 | wc -l)" 0 "... nothing made in it"

RN=$TEST_TMP/root-new
mkdir -p "$RN/new" "$RN/tmp"; chmod 755 "$RN/new" "$RN/tmp"
mkoutbox "$RN"
lost "outbox new/ and tmp/ not writable by the account" "$RN"

write_conf "$C" "maildir = $TEST_TMP/full" "outbox = $TEST_TMP/no-such-outbox" \
    "quota = 500" "add_headers = no"
msg 300 | run_lda -c "$C" -f a@example.org -d bob@example.com
is "$RC" 0 "quota 500, outbox missing: the first 300 bytes delivered"
msg 300 | run_lda -c "$C" -f a@example.org -d bob@example.com
like "$RC/$(first_line "$OUT")" '^75/4\.2\.2 ' "... the next refused: quota.exceeded lost, still 75 with 4.2.2 first"
msg 300 | run_lda -c "$C" -o quota_full=bounce -f a@example.org -d bob@example.com
like "$RC/$(first_line "$OUT")" '^77/5\.2\.2 ' "... and with quota_full = bounce still 77 with 5.2.2 first"

# --- the wake datagram ---------------------------------------------------------
write_conf "$C" "maildir = $MD" "outbox = $OB"
WK=$TEST_TMP/wake
rm -f "$WK.ready" "$WK.got"
python3 - "$OB/wake" "$WK" <<'EOF' &
import os, socket, sys
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
s.settimeout(15)
open(out + ".ready", "w").close()
try:
    data = s.recv(4096)
except socket.timeout:
    data = b"(nothing)"
open(out + ".got", "wb").write(data)
s.close()
os.unlink(path)
EOF
WPID=$!
for i in $(seq 100); do [ -e "$WK.ready" ] && break; sleep 0.1; done
check "datagram listener bound at <outbox>/wake" test -S "$OB/wake"
sample_msg wake | run_lda -c "$C" -f a@example.org -d bob@example.com
is "$RC" 0 "delivery with a listener on the wake socket"
wait "$WPID"
E=$(the_event); [ -n "$E" ] || E=/nonexistent
is "$(cat "$WK.got" 2>/dev/null)" "$(basename "$E")" "the datagram is the event's file name"
put_away

sample_msg | run_lda -c "$C" -f a@example.org -d bob@example.com
is "$RC/$(count_files "$OB/new")" "0/1" "no listener on the wake socket: still 0, event in new/"
put_away
python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])' "$OB/wake"
sample_msg | run_lda -c "$C" -f a@example.org -d bob@example.com
is "$RC/$(count_files "$OB/new")" "0/1" "a stale wake socket (nobody reading): still 0, event in new/"
rm -f "$OB/wake"
put_away

# --- lda links neither libcurl nor OpenSSL -------------------------------------
LDD=$(ldd "$LDA" 2>&1)
like "$LDD" 'libc\.so' "ldd lists lda's libraries (libc)"
is "$(printf '%s\n' "$LDD" | grep -Ec 'libcurl|libssl|libcrypto\.')" 0 \
    "lda links neither libcurl nor libssl/libcrypto"

done_testing
