#!/bin/bash
# t0710-dovecot.sh - Dovecot reads what lda delivered
#
# lda (started as root, dropping to a test account) delivers a few varied
# messages (8-bit, long lines, CRLF input, folder deliveries) with a 10M
# Maildir++ quota.  A private Dovecot (IMAP on 127.0.0.1:<free port>, the
# same account, quota = maildir with the same 10M limit) must then serve
# every message byte for byte (CRLF line ends), with RFC822.SIZE matching,
# in the right folders, and `doveadm quota get` must report the totals of
# lda's maildirsize without Dovecot rewriting the file.

. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/services/users.sh"
. "$TESTS_DIR/services/dovecot.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root (lda drops to the test user, Dovecot)"
PATH=$PATH:/usr/sbin
for c in dovecot doveadm doveconf python3 runuser; do
    command -v "$c" >/dev/null 2>&1 || skip_all "$c is not installed"
done
[ -e /usr/lib/dovecot/imap ] || skip_all "dovecot-imapd is not installed"
[ -e /usr/lib/dovecot/modules/lib10_quota_plugin.so ] || skip_all "dovecot quota plugin is missing"
if [ ! -x "$LDA" ]; then
    echo "1..1"; not_ok "lda binary under test exists: $LDA"; exit 1
fi
ensure_user "$LDA_TEST_USER" || skip_all "cannot create test user $LDA_TEST_USER"
U=$LDA_TEST_USER
runuser -u "$U" -- test -x "$TEST_TMP" ||
    skip_all "test user $U cannot reach $TEST_TMP (set TMPDIR to a world-searchable directory)"

VMAIL=$TEST_TMP/vmail
HOME_BOB=$VMAIL/example.com/bob
MD=$HOME_BOB/Maildir
mkdir -p "$VMAIL"
chown "$U:$U" "$VMAIL"

LCONF=$TEST_TMP/lda.conf
cat > "$LCONF" <<EOF
# lda configuration for t0710-dovecot.sh
maildir = $VMAIL/%d/%n/Maildir
user = $U
group = $U
create_maildir = yes
create_folders = yes
quota = 10M
EOF

# diagl TEXT - diag each line of TEXT
diagl() { local l; [ -n "$1" ] || return 0; while IFS= read -r l; do diag "$l"; done <<< "$1"; }

# ---------------------------------------------------------------- messages
MSGS=$TEST_TMP/msgs
mkdir -p "$MSGS"
python3 - "$MSGS" <<'EOF'
import os, sys
d = sys.argv[1]
def w(name, data):
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)
w('plain', b"From: Alice <alice@example.org>\nTo: bob@example.com\n"
           b"Subject: t0710 plain\nMessage-ID: <plain.t0710@example.org>\n"
           b"Date: Mon, 24 Nov 2025 10:00:00 +0000\n\nHello Bob,\nplain text.\n")
w('8bit', "From: Jörg <joerg@example.org>\nTo: bob@example.com\n"
          "Subject: t0710 Grüße aus Köln\nMessage-ID: <8bit.t0710@example.org>\n"
          "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
          "Content-Transfer-Encoding: 8bit\n\n"
          "ÄÖÜ äöü ß € — 日本語 ✓\n".encode() +
          b"latin-1 bytes: \xe9\xe8\xff\xa0 and a DEL \x7f\n" + "Ende.\n".encode())
w('long', b"From: alice@example.org\nTo: bob@example.com\nSubject: t0710 long lines\n"
          b"Message-ID: <long.t0710@example.org>\nX-Long: " + b"h" * 1500 + b"\n\n" +
          b"".join(b"%05d " % i + b"x" * 20000 + b"\n" for i in range(3)) +
          b"y" * 999 + b"\nend of long\n")
w('crlf', b"From: alice@example.org\r\nTo: bob@example.com\r\nSubject: t0710 crlf\r\n"
          b"Message-ID: <crlf.t0710@example.org>\r\n\r\nline one\r\nline two\r\n\r\n"
          b"last line\r\n")
w('news', b"From: list@example.net\nTo: bob+news@example.com\nSubject: t0710 news\n"
          b"Message-ID: <news.t0710@example.net>\n\nnews body\n")
w('lists', b"From: list@example.net\nTo: bob@example.com\nSubject: t0710 lists\n"
           b"Message-ID: <lists.t0710@example.net>\n\nlists body \xc3\xa9\n")
EOF

# all message files under the Maildir (new/ and cur/ of every folder)
allmsgs() { find "$MD" \( -path '*/new/*' -o -path '*/cur/*' \) -type f 2>/dev/null | sort; }

# deliver NAME FOLDER LDA-ARGS... - run lda, check it and find the new file
declare -A FILE FOLDER W
deliver() {
    local name=$1 folder=$2 before after new dir
    shift 2
    before=$(allmsgs)
    run_lda -c "$LCONF" -f alice@example.org "$@" < "$MSGS/$name"
    is "$RC" 0 "deliver $name ($*): exit 0"
    [ "$RC" = 0 ] || diag "lda output: $OUT"
    after=$(allmsgs)
    new=$(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after") | sed '/^$/d')
    is "$(printf '%s' "$new" | grep -c .)" 1 "deliver $name: one new message file"
    new=$(printf '%s\n' "$new" | head -n 1)
    if [ "$folder" = INBOX ]; then dir=$MD/new; else dir=$MD/.$folder/new; fi
    is "${new%/*}" "$dir" "deliver $name: file is in ${dir#"$MD"/}"
    FILE[$name]=$new FOLDER[$name]=$folder
}

deliver plain INBOX -d bob@example.com
deliver 8bit  INBOX -d bob@example.com
deliver long  INBOX -d bob@example.com
deliver crlf  INBOX -d bob@example.com
deliver news  news  -d bob+news@example.com
deliver lists lists -d bob@example.com -m lists
NAMES="plain 8bit long crlf news lists"

is "$(stat -c %U "$MD")" "$U" "Maildir created as $U"
is "$(find "$MD" ! -user "$U" | wc -l | tr -d ' ')" 0 "everything under the Maildir belongs to $U"

# file checks: headers, content preserved, S= and W= in the name
for n in $NAMES; do
    f=${FILE[$n]:-}
    if [ -z "$f" ] || [ ! -f "$f" ]; then not_ok "$n: delivered file exists"; continue; fi
    res=$(python3 - "$f" "$MSGS/$n" <<'EOF'
import os, re, sys
path, src = sys.argv[1], sys.argv[2]
data = open(path, 'rb').read()
inp = open(src, 'rb').read()
out = []
lines = data.split(b'\n')
out.append('rp=%d' % (lines[0] == b'Return-Path: <alice@example.org>'))
out.append('dt=%d' % bool(re.match(rb'Delivered-To: <?bob(\+news)?@example\.com>?\r?$', lines[1])))
# the message itself follows the two added lines (line ends may be normalised)
out.append('tail=%d' % data.replace(b'\r\n', b'\n').endswith(inp.replace(b'\r\n', b'\n')))
m = re.search(r',S=(\d+),W=(\d+)', os.path.basename(path))
crlf = re.sub(rb'(?<!\r)\n', b'\r\n', data)
out.append('s=%d' % (m is not None and int(m.group(1)) == len(data)))
out.append('w=%d' % (m is not None and int(m.group(2)) == len(crlf)))
print(' '.join(out))
EOF
)
    like "$res" 'rp=1' "$n: first line Return-Path: <alice@example.org>"
    like "$res" 'dt=1' "$n: second line Delivered-To"
    like "$res" 'tail=1' "$n: message content stored unchanged after the added headers"
    like "$res" 's=1' "$n: S= in the file name is the file size"
    like "$res" 'w=1' "$n: W= in the file name is the size with CRLF line ends"
done

# ---------------------------------------------------------------- maildirsize
MDS=$MD/maildirsize
check "lda wrote maildirsize in the Maildir root" test -f "$MDS"
read -r MDS_LIMIT MDS_BYTES MDS_COUNT < <(python3 - "$MDS" <<'EOF'
import re, sys
try:
    lines = open(sys.argv[1], 'rb').read().decode().split('\n')
except OSError:
    print('- - -'); sys.exit()
m = re.match(r'\s*(\d+)S', lines[0])
b = c = 0
for l in lines[1:]:
    if l.strip():
        x, y = l.split()
        b += int(x); c += int(y)
print(m.group(1) if m else '-', b, c)
EOF
)
diag "maildirsize: $(head -c 200 "$MDS" 2>/dev/null | tr '\n' '|')"
like "$(head -n 1 "$MDS" 2>/dev/null)" '^ *[0-9]+S(,[0-9]+C)? *$' "maildirsize limits line has a storage limit"
real=$(allmsgs | xargs -r stat -c %s | awk '{s+=$1} END{print s+0}')
is "$MDS_BYTES" "$real" "maildirsize bytes total = sum of the message files"
is "$MDS_COUNT" 6 "maildirsize message total = 6"
mds_before="$(stat -c '%i %s %Y' "$MDS" 2>/dev/null) $(md5sum < "$MDS" 2>/dev/null)"

# what IMAP must return for each message: the file with CRLF line ends
mkdir -p "$TEST_TMP/expect"
for n in $NAMES; do
    [ -f "${FILE[$n]:-}" ] || continue
    python3 -c 'import re,sys; sys.stdout.buffer.write(re.sub(rb"(?<!\r)\n", b"\r\n", open(sys.argv[1],"rb").read()))' \
        "${FILE[$n]}" > "$TEST_TMP/expect/$n"
    W[$n]=$(printf '%s' "${FILE[$n]##*/}" | sed -n 's/.*,W=\([0-9]*\).*/\1/p')
done

# ---------------------------------------------------------------- dovecot
dc_init dovecot "$U" "$HOME_BOB" "maildir:~/Maildir"
dc_conf_append 'mail_plugins = $mail_plugins quota' \
    'plugin {' '  quota = maildir:User quota' '  quota_rule = *:storage=10M' '}'
if ! dc_start; then
    not_ok "private dovecot started"
    done_testing; exit
fi
ok "private dovecot started on 127.0.0.1:$DC_PORT"

# doveadm quota get: STORAGE in KiB rounded up ((bytes+1023)/1024), MESSAGE
q=$(doveadm_ -f tab quota get -u bob@example.com 2>&1)
diag "doveadm quota get:"; diagl "$q"
storage=$(printf '%s\n' "$q" | awk -F'\t' '$2=="STORAGE"{print $3}')
storage_limit=$(printf '%s\n' "$q" | awk -F'\t' '$2=="STORAGE"{print $4}')
messages=$(printf '%s\n' "$q" | awk -F'\t' '$2=="MESSAGE"{print $3}')
if [ "$MDS_BYTES" != - ]; then
    is "$storage" "$(( (MDS_BYTES + 1023) / 1024 ))" "doveadm STORAGE (KiB) agrees with maildirsize ($MDS_BYTES bytes)"
    is "$messages" "$MDS_COUNT" "doveadm MESSAGE agrees with maildirsize"
else
    not_ok "doveadm STORAGE agrees with maildirsize (no maildirsize)"
    not_ok "doveadm MESSAGE agrees with maildirsize (no maildirsize)"
fi
if [ "$MDS_LIMIT" != - ]; then
    is "$storage_limit" "$(( (MDS_LIMIT + 1023) / 1024 ))" "doveadm STORAGE limit agrees with maildirsize"
else
    not_ok "doveadm STORAGE limit agrees with maildirsize (no limit line)"
fi
is "$(stat -c '%i %s %Y' "$MDS" 2>/dev/null) $(md5sum < "$MDS" 2>/dev/null)" "$mds_before" \
    "Dovecot used lda's maildirsize as it was (no recalculation)"

# IMAP: every message byte for byte, in its folder, with the right size
DUMP=$TEST_TMP/imap
if boxes=$(python3 "$TESTS_DIR/services/imap_dump.py" 127.0.0.1 "$DC_PORT" \
            bob@example.com "$DC_PASS" "$DUMP" 2>&1); then
    ok "IMAP login and FETCH of all mailboxes"
else
    not_ok "IMAP login and FETCH of all mailboxes"; diagl "$boxes"; diagl "$(tail -n 20 "$DC_LOG")"
fi
diag "IMAP mailboxes:"; diagl "$boxes"
is "$(printf '%s\n' "$boxes" | awk '$1=="INBOX"{print $2}')" 4 "IMAP: INBOX holds 4 messages"
is "$(printf '%s\n' "$boxes" | awk '$1=="news"{print $2}')" 1 "IMAP: folder news holds 1 message"
is "$(printf '%s\n' "$boxes" | awk '$1=="lists"{print $2}')" 1 "IMAP: folder lists holds 1 message"

for n in $NAMES; do
    exp=$TEST_TMP/expect/$n
    box=${FOLDER[$n]:-INBOX}
    match=
    if [ -f "$exp" ]; then
        for e in "$DUMP/$box"/*.eml; do
            [ -f "$e" ] && cmp -s "$e" "$exp" && { match=$e; break; }
        done
    fi
    if [ -n "$match" ]; then
        ok "$n: IMAP BODY[] in $box equals the delivered file (CRLF)"
        len=$(stat -c %s "$match")
        is "$(cat "${match%.eml}.size")" "$len" "$n: RFC822.SIZE equals the fetched length"
        is "${W[$n]}" "$len" "$n: W= equals the IMAP size"
    else
        not_ok "$n: IMAP BODY[] in $box equals the delivered file (CRLF)"
        sub=$(grep -lF "Subject: t0710" "$DUMP/$box"/*.eml 2>/dev/null | head -n 3 | tr '\n' ' ')
        diag "no matching message in $DUMP/$box ($sub)"
    fi
done

# Dovecot complained about nothing (e.g. "Cached message size", "broken")
is "$(grep -ciE 'error|panic|fatal|corrupt|broken' "$DC_LOG")" 0 "no errors in the Dovecot log"
diagl "$(grep -iE 'error|panic|fatal|corrupt|broken' "$DC_LOG" | head -n 10)"

# a second quota read after IMAP still agrees
q2=$(doveadm_ -f tab quota get -u bob@example.com 2>&1 | awk -F'\t' '$2=="STORAGE"||$2=="MESSAGE"{print $2, $3}' | tr '\n' ' ')
is "$q2" "STORAGE $storage MESSAGE $messages " "quota unchanged after the IMAP session"

done_testing
