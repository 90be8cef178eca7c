#!/bin/bash
# t1010-userdb-tcp.sh - accounts from a Postfix tcp_table(5) service
#
# accounts.py (tests/services/accounts.sh) answers tcp_table requests on
# 127.0.0.1 from a JSON file of accounts.  postmap(1) itself gets the
# values from it (the service speaks Postfix's protocol).  lda with
# "userdb = tcp:127.0.0.1:PORT" delivers a found account into its
# Maildir with its quota, bounces an unknown one (67, 5.1.1) and defers
# (75, 4.3.0) whenever the service cannot answer properly: stopped,
# silent past userdb_timeout, 400, garbage, an oversized line, a closed
# connection; an unusable value (uid 0) is 75 with 4.3.5.  Keys and
# values travel %XX-encoded: a '%' in the local part and a space in the
# maildir path come through, and the service sees user@domain without
# the +extension.

. "$(dirname "$0")/lib.sh"

PATH=$PATH:/usr/sbin
for c in python3 timeout; do
    command -v "$c" >/dev/null 2>&1 || skip_all "$c is not installed"
done
if [ ! -x "$LDA" ]; then
    echo "1..1"; not_ok "lda binary under test exists: $LDA"; exit 1
fi
if [ ! -f "$TESTS_DIR/services/accounts.sh" ]; then
    echo "1..1"; not_ok "tests/services/accounts.sh exists"; exit 1
fi
. "$TESTS_DIR/services/accounts.sh"

T=$TEST_TMP
as_user mkdir -p "$T/mail/with space" "$T/home/carol"

ACCTS=$T/accounts.json
python3 - "$ACCTS" "$T" <<'EOF'
import json, sys
path, t = sys.argv[1], sys.argv[2]
accounts = {
    "bob@example.com": {"maildir": t + "/mail/%d/%n/Maildir", "quota": "2M",
                        "quota_messages": 50, "note": "unknown keys are ignored"},
    "carol@example.com": {"home": t + "/home/carol", "maildir": "~/Maildir", "quota": 1000},
    "per%cent@example.com": {"maildir": t + "/mail/with space/%n/Maildir"},
    "rooty@example.com": {"uid": 0, "maildir": t + "/mail/%d/%n/Maildir"},
    "notjson@example.com": "maildir=" + t + "/mail/x",
}
json.dump(accounts, open(path, "w"), indent=1)
EOF

# diagl TEXT - diag each line of TEXT
diagl() { local l; [ -n "$1" ] || return 0; while IFS= read -r l; do diag "$l"; done <<< "$1"; }

C=$T/lda.conf
write_conf "$C" "userdb_timeout = 1s" "maildir = $T/mail/fallback/%n" "quota = 5M"

# deliver RCPT SUBJECT [LDA-ARGS...] - lda against the service on
# ACCT_PORT; bounded by timeout(1) so that a hang fails instead of
# stalling the script (RC 124)
deliver() {
    local rcpt=$1 subj=$2
    shift 2
    sample_msg "$subj" | OUT=$(timeout 30 "$LDA" -c "$C" -o "userdb=tcp:127.0.0.1:$ACCT_PORT" \
        "$@" -f alice@example.org -d "$rcpt" 2>&1)
    RC=$?
}

# subjects_in MAILDIR - the Subject lines of the files in new/, sorted
subjects_in() {
    find "$1/new" -maxdepth 1 -type f -exec sed -n 's/^Subject: //p' {} + 2>/dev/null |
        sort | tr '\n' ' ' | sed 's/ $//'
}

# temp_ok CODE DESC - exit 75 and the first line starts with CODE
temp_ok() {
    is "$RC" 75 "$2: exit 75"
    like "$(first_line "$OUT")" "^${1//./\\.} " "$2: first line starts '$1'"
}

if ! acct_start "$ACCTS"; then
    echo "1..1"; not_ok "account service started"; exit 1
fi
ok "account service started on 127.0.0.1:$ACCT_PORT"

# ------------------------------------------------------------ protocol
if command -v postmap >/dev/null 2>&1; then
    got=$(postmap -q bob@example.com "tcp:127.0.0.1:$ACCT_PORT" 2>&1)
    rc=$?
    is "$rc" 0 "postmap -q bob@example.com tcp:127.0.0.1:PORT: exit 0"
    same=$(python3 - "$ACCTS" "$got" <<'EOF'
import json, sys
want = json.load(open(sys.argv[1]))["bob@example.com"]
try:
    print(int(json.loads(sys.argv[2]) == want))
except ValueError:
    print(0)
EOF
)
    is "$same" 1 "postmap prints bob's JSON value, decoded"
    [ "$same" = 1 ] || diagl "$got"
    got=$(postmap -q 'per%cent@example.com' "tcp:127.0.0.1:$ACCT_PORT" 2>&1)
    like "$got" '"maildir": *"[^"]*/with space/%n/Maildir"' \
        "postmap -q 'per%cent@example.com': key encoded, value with a space decoded"
    got=$(postmap -q nobody@example.com "tcp:127.0.0.1:$ACCT_PORT" 2>&1)
    rc=$?
    is "$rc/$got" "1/" "postmap -q of an unknown key: exit 1, no output"
else
    diag "postmap is not installed: protocol check with postmap skipped"
fi

# ------------------------------------------------------------ lookups
MD_bob=$T/mail/example.com/bob/Maildir
MD_carol=$T/home/carol/Maildir
deliver bob@example.com b1
is "$RC" 0 "bob@example.com found: exit 0"
[ "$RC" = 0 ] || diagl "$OUT"
is "$(subjects_in "$MD_bob")" b1 "... delivered into the value's maildir"
is "$(head -n 1 "$MD_bob/maildirsize" 2>/dev/null)" 2097152S,50C "... with its quota: 2097152S,50C"
deliver bob+news@example.com b2
is "$RC" 0 "bob+news@example.com: exit 0"
is "$(subjects_in "$MD_bob")" "b1 b2" "... delivered to bob"
like "$(tail -n 1 "$ACCT_LOG")" 'bob@example\.com' "... the service was asked for bob@example.com"
check "... and never for the +extension" bash -c "! grep -q 'bob+news' '$ACCT_LOG'"
deliver carol@example.com c1
is "$RC" 0 "carol@example.com (home, maildir ~/Maildir): exit 0"
[ "$RC" = 0 ] || diagl "$OUT"
is "$(subjects_in "$MD_carol")" c1 "... delivered into ~/Maildir of the value's home"
is "$(head -n 1 "$MD_carol/maildirsize" 2>/dev/null)" 1000S "... with its quota in bytes: 1000S"

deliver zed@example.com z1
is "$RC" 67 "unknown user: exit 67"
like "$(first_line "$OUT")" '^5\.1\.1 .*zed@example\.com' "... first line '5.1.1 ... zed@example.com'"

deliver 'per%cent@example.com' p1
is "$RC" 0 "per%cent@example.com: exit 0"
[ "$RC" = 0 ] || diagl "$OUT"
is "$(subjects_in "$T/mail/with space/per%cent/Maildir")" p1 \
    "... delivered into the maildir with a space (sent as %20)"
check "... the service decoded the key per%25cent to per%cent" \
    grep -qF 'per%cent@example.com' "$ACCT_LOG"

deliver rooty@example.com r1
temp_ok 4.3.5 "a value with uid 0"
like "$(first_line "$OUT")" 'rooty@example\.com.*uid|uid.*rooty@example\.com' \
    "... naming the user and the field"

deliver notjson@example.com n1
is "$RC" 75 "a 200 value that is not JSON: exit 75"
like "$(first_line "$OUT")" '^4\.3\.[05] ' "... with 4.3.0 or 4.3.5"

check "no fallback Maildir was ever used" test ! -e "$T/mail/fallback"

# ------------------------------------------------------------ failures
# a service that cannot answer properly: 75 with 4.3.0, nothing delivered
before=$(find "$T/mail" "$T/home" -type f -path '*/new/*' | wc -l)
acct_stop
deliver bob@example.com down
temp_ok 4.3.0 "service stopped"

# mode_ok MODE DESC - restart the service in MODE, lda defers with 4.3.0
mode_ok() {
    if ! acct_start "$ACCTS" --mode "$1"; then
        not_ok "account service started with --mode $1"
        return
    fi
    deliver bob@example.com "$1"
    [ "$RC" != 124 ] || diag "lda did not end within 30 s (killed by timeout)"
    temp_ok 4.3.0 "$2"
    acct_stop
}
mode_ok stall "service accepts and stays silent past userdb_timeout = 1s"
mode_ok 400 "service answers 400"
mode_ok garbage "service answers garbage"
mode_ok huge "service answers a line longer than tcp_table allows"
mode_ok close "service closes the connection without a reply"
is "$(find "$T/mail" "$T/home" -type f -path '*/new/*' | wc -l)" "$before" \
    "nothing delivered while the service could not answer"

done_testing
