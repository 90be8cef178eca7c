#!/bin/bash
# t1310-sieve-deliver.sh - what Sieve scripts decide, lda and lda-lmtpd
# carry out
#
# Accounts come from a passwd-file (home $T/home/NAME, Maildir ~/Maildir,
# script ~/.dovecot.sieve by default), one account per case so that each
# case looks at a Maildir of its own.  lda runs with -V, which copies
# its syslog lines to stderr.  A sendmail that records its calls stands
# in for the MTA (tests/lib/sieve.sh).  Checked:
#   - fileinto :create, nested names; into two folders and keep: one
#     tmp/ file linked three times (one inode), quota charged for each
#     copy, one message.new event per copy naming its folder
#   - IMAP flags: cur/NAME:2,LETTERS, letters sorted
#   - a fileinto to a missing folder without :create: INBOX, a warning
#   - discard (nothing stored, no event, a log line with script and
#     line), reject and ereject (exit 77, "5.7.1 REASON" first)
#   - a broken script, a runtime error, sieve_max_actions exceeded:
#     INBOX, and a log line with file, line, column; a broken
#     sieve_before is skipped and the user's script runs
#   - sieve_before (the shipped spam-to-junk.sieve: spam to Junk ends
#     the sequence), a directory of before-scripts, sieve_after,
#     include :personal and :global, userdb_sieve and the account
#     service's "sieve"; three copies where the quota has room for two
#   - redirect (sendmail -i -f SENDER -- ADDR), :copy,
#     sieve_redirect_envelope_from, a failing sendmail (kept in INBOX)
#   - vacation: one answer per sender in the period (and again after
#     it), its memory in the Maildir root, none to lists,
#     bulk, auto-submitted mail, null or daemon senders, or mail not
#     addressed to the user
#   - each link, rename, fsync, mkdir of a delivery of three copies
#     failing in turn: all copies or none (75), nothing left behind
#   - lda-lmtpd: 550 5.7.1 for a rejecting recipient and 250 for another
#     in the same transaction; a fileinto and a broken script
#   - the shipped spam script passes lda-sieve check and Pigeonhole's
#     sievec; lda-sieve test and sieve-test file each filter's mark alike

. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib/sieve.sh"

if [ ! -x "$LDA" ]; then
    echo "1..1"; not_ok "lda binary under test exists: $LDA"; exit 1
fi
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"

T=$TEST_TMP
ACCOUNT=${LDA_USER:-$(id -un)}
AUID=$(id -u "$ACCOUNT")
AGID=$(id -g "$ACCOUNT")
SPAM_SCRIPT=$TOP_DIR/contrib/sieve/spam-to-junk.sieve
: "${LDA_SIEVE:=$(dirname "$LDA")/lda-sieve}"

# diagl TEXT - diag each line of TEXT
diagl() { local l; [ -n "$1" ] || return 0; while IFS= read -r l; do diag "$l"; done <<< "$1"; }

PW=$T/users.passwd
: > "$PW"
chmod 644 "$PW"
as_user mkdir -p "$T/home" "$T/outbox"
SM=$T/sm
fake_sendmail "$SM"
GLOBAL=$T/global
mkdir -p "$GLOBAL"
chmod 755 "$GLOBAL"

C=$T/lda.conf
write_conf "$C" "userdb = passwd-file:$PW" "maildir = ~/Maildir" \
    "quota = 10M" "outbox = $T/outbox" "sendmail_path = $SM/sendmail" \
    "sieve_global_dir = $GLOBAL"
chmod 644 "$C"

# account NAME [EXTRA...] - NAME@example.com in the passwd-file, its
# home made; HOME_ and MD the home and Maildir
account() {
    local name=$1; shift
    HOME_=$T/home/$name
    MD=$HOME_/Maildir
    echo "$name@example.com:x:$AUID:$AGID::$HOME_::$*" >> "$PW"
    as_user mkdir -p "$HOME_"
}

# script TEXT - the current account's ~/.dovecot.sieve
script() { sv_write "$HOME_/.dovecot.sieve" "$1"; }

# msg SUBJECT [HEADER...] - a message to the current account
msg() {
    local s=$1 h; shift
    printf 'From: Alice <alice@example.org>\nTo: %s@example.com\n' "${HOME_##*/}"
    for h in "$@"; do printf '%s\n' "$h"; done
    printf 'Subject: %s\nMessage-ID: <%s.%s@example.org>\n\nHello, this is %s.\n' \
        "$s" "$RANDOM$RANDOM" "${HOME_##*/}" "$s"
}

# dl [LDA-ARGS...] < MSG - deliver to the current account, -V on;
# RC and OUT
dl() { run_lda -V -c "$C" -f "${FROM-alice@example.org}" -d "${HOME_##*/}@example.com" "$@"; }

# nfiles MAILDIR [FOLDER] - message files in the folder
nfiles() { folder_files "$@" | grep -c .; }

# outbox_folders DIR - the folders of the message.new events in DIR/new,
# sorted, space-separated
outbox_folders() {
    python3 - "$1/new" <<'EOF'
import json, os, sys
d = sys.argv[1]
out = []
for n in sorted(os.listdir(d)) if os.path.isdir(d) else []:
    e = json.load(open(os.path.join(d, n)))
    if e.get("type") == "message.new":
        out.append(e["data"]["folder"])
print(" ".join(sorted(out)))
EOF
}

# event_files DIR - for each message.new event in DIR/new, "yes" when
# its data.maildir names a file that exists (in new/ or cur/)
event_files() {
    python3 - "$1/new" <<'EOF'
import json, os, sys
d = sys.argv[1]
for n in sorted(os.listdir(d)) if os.path.isdir(d) else []:
    e = json.load(open(os.path.join(d, n)))
    if e.get("type") != "message.new":
        continue
    m = e["data"]["maildir"]
    f = m["file"]
    ok = any(os.path.exists(os.path.join(m["path"], sub, f)) or
             os.path.exists(os.path.join(m["path"], sub, f.split("/")[-1]))
             for sub in ("new", "cur", ""))
    print("yes" if ok else "no: %s %s" % (m["path"], f))
EOF
}

# ---------------------------------------------- fileinto :create
account create
script 'require ["fileinto", "mailbox"];
if header :contains "subject" "dev" {
    fileinto :create "Lists/dev";
} elsif header :contains "subject" "draft" {
    fileinto :create "Archiv/Entwürfe";
} else {
    fileinto :create "Work";
}'
msg "to work" | dl
is "$RC" 0 "fileinto :create: exit 0"
is "$(nfiles "$MD" Work)/$(nfiles "$MD")" 1/0 "fileinto :create: in Work, not in INBOX"
check "fileinto :create: the folder is a Maildir++ folder (maildirfolder)" \
    test -f "$MD/.Work/maildirfolder"
is "$(folder_files "$MD" Work | sed 's|.*/\([a-z]*\)/[^/]*$|\1|')" new "fileinto: in new/ without flags"
msg "dev list" | dl
is "$RC/$(nfiles "$MD" Lists.dev)" 0/1 "fileinto :create \"Lists/dev\": in .Lists.dev"
msg "draft" | dl
is "$RC/$(nfiles "$MD" 'Archiv.Entw&APw-rfe')" 0/1 \
    "fileinto :create \"Archiv/Entwürfe\": in .Archiv.Entw&APw-rfe (modified UTF-7, as Dovecot)"
is "$(count_files "$MD/.Work/tmp")$(count_files "$MD/tmp")" 00 "fileinto: nothing left in tmp/"

# ---------------------------------------------- two folders and keep
account copies
script 'require ["fileinto", "mailbox"];
fileinto :create "A";
fileinto :create "B";
keep;'
as_user mkdir -p "$T/ob-copies"
msg "three copies" | dl -o "outbox=$T/ob-copies"
is "$RC" 0 "fileinto A, fileinto B, keep: exit 0"
is "$(nfiles "$MD")/$(nfiles "$MD" A)/$(nfiles "$MD" B)" 1/1/1 "one copy in INBOX, A and B"
files=$(all_files "$MD")
inodes=$(printf '%s\n' "$files" | xargs -r stat -c %i | sort -u | wc -l)
links=$(printf '%s\n' "$files" | xargs -r stat -c %h | sort -u | tr '\n' ' ')
is "$inodes/$links" "1/3 " "the three are links of one file (one inode, 3 links)"
is "$(find "$MD/tmp" "$MD"/.*/tmp -type f 2>/dev/null | wc -l)" 0 "no tmp/ file left"
f=$(printf '%s\n' "$files" | head -n 1)
size=$(stat -c %s "$f" 2>/dev/null || echo 0)
q=$(awk 'NR > 1 && NF { b += $1; c += $2 } END { print b + 0, c + 0 }' "$MD/maildirsize" 2>/dev/null)
is "$q" "$((3 * size)) 3" "quota: maildirsize charges each copy ($size bytes, 3 messages)"
is "$(outbox_folders "$T/ob-copies")" "A B INBOX" "an event per copy, each naming its folder"
is "$(event_files "$T/ob-copies" | sort -u | tr '\n' ' ')" "yes " "each event names its stored file"

# three copies where the quota leaves room for two: nothing stored
account quota "userdb_quota_rule=*:messages=2"
script 'require ["fileinto", "mailbox"];
fileinto :create "A";
fileinto :create "B";
keep;'
msg "over quota" | dl
is "$RC" 75 "three copies, room for two messages: deferred (75)"
like "$(first_line "$OUT")" '^4\.2\.2 ' "... with 4.2.2"
is "$(all_files "$MD" | grep -c .)" 0 "... and no copy left behind"
is "$(find "$MD/tmp" "$MD"/.*/tmp -type f 2>/dev/null | wc -l)" 0 "... nor a tmp/ file"
q=$(awk 'NR > 1 && NF { b += $1; c += $2 } END { print b + 0, c + 0 }' "$MD/maildirsize" 2>/dev/null)
is "${q:-0 0}" "0 0" "... nor a charge in maildirsize"

# ---------------------------------------------- IMAP flags
account flags
script 'require ["fileinto", "imap4flags", "mailbox"];
fileinto :create :flags ["\\Seen", "\\Flagged"] "F";
fileinto :create :flags "\\Draft \\Seen" "G";
setflag "\\Answered";
addflag "\\Deleted";
keep;'
msg "flagged" | dl
is "$RC" 0 "flags: exit 0"
# suffix FOLDER - "sub/:2,LETTERS" of the folder's one file
suffix() {
    folder_files "$MD" "$1" | sed -n 's#.*/\(new\|cur\)/[^/:]*\(:2,[A-Za-z]*\)\{0,1\}$#\1/\2#p'
}
is "$(suffix F)" "cur/:2,FS" "fileinto :flags \\Seen \\Flagged: cur/NAME:2,FS"
is "$(suffix G)" "cur/:2,DS" "fileinto :flags \"\\Draft \\Seen\": cur/NAME:2,DS"
is "$(suffix INBOX)" "cur/:2,RT" "setflag \\Answered, addflag \\Deleted, keep: cur/NAME:2,RT"
like "$(folder_files "$MD" F | sed 's|.*/||')" '^[0-9]+\.M[0-9]+P[0-9]+\.[^/:]+,S=[0-9]+,W=[0-9]+:2,FS$' \
    "the name is lda's, then the info"
is "$(all_files "$MD" | xargs -r stat -c %i | sort -u | wc -l)" 1 "flagged copies share the inode too"

# ---------------------------------------------- missing folder, no :create
account nocreate
script 'require "fileinto";
fileinto "Nowhere";'
msg "no such folder" | dl
is "$RC/$(nfiles "$MD")" 0/1 "fileinto a missing folder without :create: INBOX"
check "... and the folder is not made" test ! -e "$MD/.Nowhere"
like "$OUT" 'Nowhere' "... and a warning names it"
diagl "$OUT"
msg "created after all" | dl -o create_folders=yes
is "$RC/$(nfiles "$MD" Nowhere)" 0/1 "with create_folders = yes it is made"

# ---------------------------------------------- discard
account discard
script '# drops everything
discard;'
as_user mkdir -p "$T/ob-discard"
msg "dropped" | dl -o "outbox=$T/ob-discard"
is "$RC" 0 "discard: exit 0"
is "$(all_files "$MD" | grep -c .)" 0 "discard: nothing stored"
is "$(count_files "$T/ob-discard/new")" 0 "discard: no event"
line=$(printf '%s\n' "$OUT" | grep -i 'discard.*\.dovecot\.sieve' | head -n 1)
like "$line" '\.dovecot\.sieve' "discard: a log line names the script"
like "$line" '(:| line )2([^0-9]|$)' "... and its line"
diagl "$OUT"

# ---------------------------------------------- reject, ereject
account reject
script 'require "reject";
reject "I do not want this";'
msg "rejected" | run_lda -c "$C" -f alice@example.org -d reject@example.com
is "$RC" 77 "reject: exit 77"
is "$(first_line "$OUT")" "5.7.1 I do not want this" "reject: first line 5.7.1 REASON"
is "$(all_files "$MD" | grep -c .)" 0 "reject: nothing stored"
account ereject
script 'require "ereject";
ereject "No thanks";'
msg "erejected" | run_lda -c "$C" -f alice@example.org -d ereject@example.com
is "$RC/$(first_line "$OUT")" "77/5.7.1 No thanks" "ereject: exit 77, 5.7.1 REASON"
is "$(all_files "$MD" | grep -c .)" 0 "ereject: nothing stored"

# ---------------------------------------------- a broken script
account broken
script '# an unknown command on line 3, column 5
require "fileinto";
    frobnicate "x";
fileinto "Never";'
msg "broken" | dl
is "$RC/$(nfiles "$MD")" 0/1 "broken script: exit 0, the message in INBOX"
like "$OUT" '\.dovecot\.sieve(:3:5|.*line 3.*col(umn)? 5)' \
    "broken script: a log line with file, line and column"
diagl "$OUT"
is "$(printf '%s\n' "$OUT" | grep -c 'frobnicate')" 1 "... one line"

# a runtime limit: more actions than sieve_max_actions
account maxact
script 'require ["fileinto", "mailbox"];
fileinto :create "A";
fileinto :create "B";
fileinto :create "C";'
msg "too many" | dl -o sieve_max_actions=2
is "$RC/$(nfiles "$MD")" 0/1 "sieve_max_actions exceeded: exit 0, in INBOX"
is "$(all_files "$MD" | grep -c .)" 1 "... and nowhere else"
like "$OUT" '\.dovecot\.sieve' "... a log line names the script"
diagl "$OUT"

# a runtime error: reject conflicts with a fileinto before it
account conflict
script 'require ["fileinto", "mailbox", "reject"];
fileinto :create "Taken";
reject "too late";'
msg "conflict" | dl
is "$RC/$(nfiles "$MD")/$(nfiles "$MD" Taken)" 0/1/0 \
    "a runtime error (reject after fileinto): exit 0, only the implicit keep"
like "$OUT" '\.dovecot\.sieve:3:[0-9]+' "... a log line with the script, line and column"

# ---------------------------------------------- sieve_before, sieve_after
sv_write "$GLOBAL/broken.sieve" 'require "fileinto";
if true { fileinto "X" '
account user-after-broken
script 'require ["fileinto", "mailbox"];
fileinto :create "User";'
msg "before is broken" | dl -o "sieve_before=$GLOBAL/broken.sieve"
is "$RC/$(nfiles "$MD" User)/$(nfiles "$MD")" 0/1/0 \
    "a broken sieve_before is skipped: the user's script runs"
like "$OUT" 'broken\.sieve' "... and it is logged"

account spam
script 'require ["fileinto", "mailbox"];
fileinto :create "User";'
msg "spam" 'X-Spam-Flag: YES' | dl -o "sieve_before=$SPAM_SCRIPT"
is "$RC/$(nfiles "$MD" Junk)/$(nfiles "$MD" User)/$(nfiles "$MD")" 0/1/0/0 \
    "spam-to-junk.sieve as sieve_before: X-Spam-Flag: YES to Junk, the user's script not run"
msg "rspamd" 'X-Spamd-Result: default: True [16.20 / 15.00]; BAYES_SPAM(5.10)[99.9%]' |
    dl -o "sieve_before=$SPAM_SCRIPT"
is "$(nfiles "$MD" Junk)/$(nfiles "$MD" User)" 2/0 "X-Spamd-Result: default: True to Junk"
msg "ham" 'X-Spam-Status: No, score=0.1 required=5.0' \
    'X-Spamd-Result: default: False [0.10 / 15.00]' | dl -o "sieve_before=$SPAM_SCRIPT"
is "$(nfiles "$MD" Junk)/$(nfiles "$MD" User)" 2/1 "ham goes on to the user's script"

mkdir -p "$GLOBAL/before.d"
sv_write "$GLOBAL/before.d/10-first.sieve" 'require ["fileinto", "copy", "mailbox"];
fileinto :copy :create "First";'
sv_write "$GLOBAL/before.d/20-second.sieve" 'require ["fileinto", "copy", "mailbox"];
fileinto :copy :create "Second";'
sv_write "$GLOBAL/before.d/notes.txt" 'not a script: ignored'
account beforedir
msg "directory" | dl -o "sieve_before=$GLOBAL/before.d"
is "$RC/$(nfiles "$MD" First)/$(nfiles "$MD" Second)/$(nfiles "$MD")" 0/1/1/1 \
    "sieve_before a directory: each *.sieve runs, then the implicit keep"

sv_write "$GLOBAL/after.sieve" 'require ["fileinto", "mailbox"];
fileinto :create "After";'
account after
script 'require ["fileinto", "mailbox"];
if header :contains "subject" "mine" { fileinto :create "Mine"; }'
msg "keep it" | dl -o "sieve_after=$GLOBAL/after.sieve"
is "$RC/$(nfiles "$MD" After)/$(nfiles "$MD")" 0/1/0 \
    "sieve_after runs while the implicit keep is in effect"
msg "mine" | dl -o "sieve_after=$GLOBAL/after.sieve"
is "$(nfiles "$MD" Mine)/$(nfiles "$MD" After)" 1/1 "... and not after the user's fileinto"

# ---------------------------------------------- include, userdb_sieve
account include
sv_write "$HOME_/sieve/lib.sieve" 'require ["fileinto", "copy", "mailbox"];
fileinto :copy :create "Personal";'
sv_write "$GLOBAL/glob.sieve" 'require ["fileinto", "mailbox"];
fileinto :create "Global";'
script 'require "include";
include :personal "lib";
include :global "glob";'
msg "included" | dl
is "$RC/$(nfiles "$MD" Personal)/$(nfiles "$MD" Global)/$(nfiles "$MD")" 0/1/1/0 \
    "include :personal (~/sieve) and :global (sieve_global_dir)"

sv_write "$T/scripts/from-userdb.sieve" 'require ["fileinto", "mailbox"];
fileinto :create "FromUserdb";'
account userdb "userdb_sieve=$T/scripts/from-userdb.sieve"
script 'require ["fileinto", "mailbox"];
fileinto :create "FromHome";'
msg "userdb script" | dl
is "$RC/$(nfiles "$MD" FromUserdb)/$(nfiles "$MD" FromHome)" 0/1/0 \
    "userdb_sieve=PATH is the account's script"

# the account service (userdb = tcp) names the script as "sieve"
. "$TESTS_DIR/services/accounts.sh"
sv_write "$T/scripts/from-tcp.sieve" 'require ["fileinto", "mailbox"];
fileinto :create "FromTcp";'
as_user mkdir -p "$T/home/tcp"
python3 -c 'import json, sys; json.dump({"tcp@example.com": {"home": sys.argv[1], "maildir": "~/Maildir", "sieve": sys.argv[2]}}, open(sys.argv[3], "w"))' \
    "$T/home/tcp" "$T/scripts/from-tcp.sieve" "$T/accounts.json"
if acct_start "$T/accounts.json"; then
    msg "tcp script" | run_lda -V -c "$C" -o "userdb=$ACCT_USERDB" -f alice@example.org -d tcp@example.com
    is "$RC/$(nfiles "$T/home/tcp/Maildir" FromTcp)" 0/1 "userdb tcp: \"sieve\" is the account's script"
    acct_stop
else
    not_ok "account service started"
fi

# ---------------------------------------------- redirect
account redirect
script 'redirect "carol@example.net";'
msg "forwarded" | dl
is "$RC" 0 "redirect: exit 0"
is "$(all_files "$MD" | grep -c .)" 0 "redirect without keep: nothing stored"
calls=$(sent_calls "$SM")
is "$(printf '%s' "$calls" | grep -c .)" 1 "redirect: sendmail called once"
c=$(printf '%s\n' "$calls" | tail -n 1)
is "$(sent_argv "$c" | tr '\n' ' ')" "-i -f alice@example.org -- carol@example.net " \
    "redirect: sendmail -i -f SENDER -- ADDRESS"
check "redirect: the message on its input" grep -q '^Subject: forwarded$' "$c/msg"
check "... whole" grep -q '^Hello, this is forwarded\.$' "$c/msg"
like "$OUT" 'carol@example\.net' "redirect: a log line names the address"

script 'require "copy";
redirect :copy "carol@example.net";'
msg "copied" | dl
c=$(sent_calls "$SM" | tail -n 1)
is "$RC/$(nfiles "$MD")/$(sent_calls "$SM" | grep -c .)" 0/1/2 "redirect :copy: sent and stored"
check "... the copy sent is this message" grep -q '^Subject: copied$' "$c/msg"

script 'redirect "carol@example.net";'
msg "from recipient" | dl -o sieve_redirect_envelope_from=recipient
c=$(sent_calls "$SM" | tail -n 1)
is "$(sent_argv "$c" | tr '\n' ' ')" "-i -f redirect@example.com -- carol@example.net " \
    "sieve_redirect_envelope_from = recipient: -f the recipient"

echo 75 > "$SM/rc"
msg "sendmail fails" | dl
rm -f "$SM/rc"
is "$RC/$(nfiles "$MD")" 0/2 "a redirect whose sendmail fails: kept in INBOX"
is "$(folder_files "$MD" | xargs -r grep -l '^Subject: sendmail fails$' | grep -c .)" 1 \
    "... the kept one is this message"
like "$OUT" 'carol@example\.net' "... and a warning logged"
diagl "$OUT"

# ---------------------------------------------- vacation
account vacation
script 'require "vacation";
vacation :days 3 :subject "Away" "I am away until Monday.";'
n0=$(sent_calls "$SM" | grep -c .)
sent() { echo $(( $(sent_calls "$SM" | grep -c .) - n0 )); }
msg "first" | dl
is "$RC/$(sent)" 0/1 "vacation: the first message is answered"
c=$(sent_calls "$SM" | tail -n 1)
argv=$(sent_argv "$c" | tr '\n' ' ')
like "$argv" '(^| )-f ?(<>)? ' "vacation: sent with the null envelope sender"
like "$argv" 'alice@example\.org $' "vacation: to the envelope sender"
rep=$(sed '/^$/q' "$c/msg" 2>/dev/null)
like "$rep" '^To: .*alice@example\.org' "vacation reply: To: the sender"
like "$rep" '^Subject: Away' "vacation reply: the :subject"
like "$rep" '^In-Reply-To: <[0-9]+\.vacation@example\.org>' "vacation reply: In-Reply-To the message"
like "$rep" '^Auto-Submitted: auto-replied' "vacation reply: Auto-Submitted: auto-replied"
check "vacation reply: the reason" grep -q 'I am away until Monday\.' "$c/msg"
msg "second" | dl
is "$RC/$(sent)" 0/1 "vacation: the same sender again within :days: not answered"
FROM=dave@example.org
msg "other sender" | dl
is "$(sent)" 2 "vacation: another sender is answered"
msg "list" 'List-Id: <dev.lists.example.org>' | FROM=dev-bounces@example.org dl
is "$(sent)" 2 "vacation: not to a mailing list (List-Id)"
msg "bulk" 'Precedence: bulk' | FROM=news@example.org dl
is "$(sent)" 2 "vacation: not to Precedence: bulk"
msg "auto" 'Auto-Submitted: auto-generated' | FROM=robot@example.org dl
is "$(sent)" 2 "vacation: not to auto-submitted mail"
msg "bounce" | FROM='' dl
is "$(sent)" 2 "vacation: not to the null sender"
msg "daemon" | FROM=MAILER-DAEMON@example.org dl
is "$(sent)" 2 "vacation: not to MAILER-DAEMON"
msg "not to me" | sed 's/^To: .*/To: someone@example.net/' | FROM=erin@example.org dl
is "$(sent)" 2 "vacation: not to mail that is not addressed to the user"
unset FROM
is "$(nfiles "$MD")" 9 "vacation keeps every message"
mem=$(find "$MD" -maxdepth 1 -type f ! -name maildirsize -printf '%f ' 2>/dev/null)
like "$mem" . "vacation remembers in the Maildir root ($mem)"

# once the period is over, the same sender is answered again
script 'require ["vacation", "vacation-seconds"];
vacation :seconds 4 :handle "short" "Back soon.";'
t0=$(date +%s%N)
msg "short one" | dl -o sieve_vacation_min_period=0
is "$RC/$(sent)" 0/3 "vacation :seconds 4: answered"
msg "short two" | dl -o sieve_vacation_min_period=0
if [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 3500 ]; then
    is "$(sent)" 3 "... not again within the 4 seconds"
else
    ok "... not again within the 4 seconds # SKIP the two deliveries took longer"
fi
sleep 5
msg "short three" | dl -o sieve_vacation_min_period=0
is "$(sent)" 4 "... and again once the period is over"

# ---------------------------------------------- a failing call among the copies
# Each link, rename, fsync and mkdir of a delivery into A, B and INBOX
# fails in turn (tests/fault/faultfs.c): lda must then defer (75) with
# no copy anywhere, or deliver all three; a failing link into a new/ or
# an fsync of the message or of a new/ directory must defer.  Never a
# tmp/ file, a lock or a wrong maildirsize left behind.
: "${FAULTFS:=$TOP_DIR/build/faultfs.so}"
if [ -f "$FAULTFS" ]; then
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
    FD=$T/fault
    as_user mkdir -p "$FD/home"
    chmod 777 "$FD"
    sv_write "$FD/copies.sieve" 'require ["fileinto", "mailbox"];
fileinto :create "A";
fileinto :create "B";
keep;'
    write_conf "$FD/lda.conf" "maildir = $FD/home/Maildir" "quota = 10M" \
        "sieve = $FD/copies.sieve"
    chmod 644 "$FD/lda.conf"
    msg "fault" > "$FD/msg"
    # fault_lda CALL [NTH] - a delivery into a fresh Maildir with CALL's
    # NTH call failing ("count": none, all logged to FD/count.log)
    fault_lda() {
        rm -rf "$FD/home/Maildir"
        OUT=$(FAULT_PREFIX=$FD/home FAULT_CALL=$1 FAULT_NTH=${2:-0} \
              FAULT_LOG=$FD/count.log LD_PRELOAD=$FAULTFS \
              "$LDA" -c "$FD/lda.conf" -f alice@example.org -d fault@example.com \
              < "$FD/msg" 2>&1)
        RC=$?
    }
    : > "$FD/count.log"; chmod 666 "$FD/count.log"
    fault_lda count
    is "$RC/$(all_files "$FD/home/Maildir" | grep -c .)" 0/3 "faultfs counting: three copies"
    plan_=$(awk '$1 ~ /^(link|rename|fsync|mkdir)$/ { k[$1]++; print $1, k[$1], $2, $3 }' "$FD/count.log")
    bad=
    runs=0 deferred=0
    while read -r fam k p1 p2; do
        runs=$((runs + 1))
        fault_lda "$fam" "$k"
        md=$FD/home/Maildir
        n=$(all_files "$md" | grep -c .)
        what="$fam #$k ${p1#"$FD"/home/}${p2:+ ${p2#"$FD"/home/}}"
        must=0
        case "$fam $p2" in
            "link "*/new/*|"link "*/cur/*) must=1 ;;
        esac
        case "$fam $p1" in
            "fsync "*/tmp/*|"fsync "*/new|"fsync "*/cur) must=1 ;;
        esac
        case "$fam $p2" in
            "link "*/maildirsize.lock) must=0 ;;
        esac
        if [ "$RC" = 75 ] && [ "$n" = 0 ]; then
            deferred=$((deferred + 1))
            printf '%s' "$(first_line "$OUT")" | grep -Eq '^4\.[0-9]+\.[0-9]+ ' ||
                bad="$bad; $what: exit 75 without a 4.x.x line"
        elif [ "$RC" = 0 ] && [ "$n" = 3 ] &&
             [ "$(all_files "$md" | xargs md5sum | awk '{print $1}' | sort -u | wc -l)" = 1 ]; then
            [ "$must" = 0 ] || bad="$bad; $what: delivered although it must defer"
        else
            bad="$bad; $what: exit $RC with $n copies"
        fi
        left=$(find "$md/tmp" "$md"/.*/tmp -type f 2>/dev/null | wc -l)
        [ "$left" = 0 ] || bad="$bad; $what: $left file(s) left in tmp/"
        [ ! -e "$md/maildirsize.lock" ] || bad="$bad; $what: maildirsize.lock left"
        if [ -f "$md/maildirsize" ]; then
            q=$(awk 'NR > 1 && NF { b += $1; c += $2 } END { print b + 0, c + 0 }' "$md/maildirsize")
            r=$(all_files "$md" | xargs -r stat -c %s | awk '{ b += $1; c++ } END { print b + 0, c + 0 }')
            [ "$q" = "$r" ] || bad="$bad; $what: maildirsize says $q, the files $r"
        fi
    done <<< "$plan_"
    is "${bad#; }" "" "each of $runs failing calls: all three copies or none, nothing left behind"
    like "$deferred" '^[1-9]' "... the faults fired: $deferred of them deferred the delivery"
else
    diag "no $FAULTFS (make build/faultfs.so): the failing calls are not tried"
fi

# ---------------------------------------------- lda-lmtpd
if [ -x "$LMTPD" ]; then
    SERVER_OPTS=()
    [ "$(id -u)" = 0 ] && SERVER_OPTS=(-o "lmtp_user=$ACCOUNT")
    account lrej
    script 'require "reject";
reject "not here";'
    account lwork
    script 'require ["fileinto", "mailbox"];
fileinto :create "Work";'
    MD_WORK=$MD
    account lbroken
    script 'require "fileinto";
fileinto'
    MD_BROKEN=$MD
    if lmtpd_start "$T" "$C" "${SERVER_OPTS[@]}"; then
        out=$(msg "lmtp two" | lmtp send --from alice@example.org \
                  --to lrej@example.com --to lwork@example.com)
        diagl "$out"
        is "$(printf '%s\n' "$out" | grep -c '^rcpt: 250')" 2 "LMTP: both recipients accepted"
        like "$(printf '%s\n' "$out" | grep '^data: ' | sed -n 1p)" '^data: 550 5\.7\.1 .*not here' \
            "LMTP: 550 5.7.1 with the reason for the rejecting recipient"
        like "$(printf '%s\n' "$out" | grep '^data: ' | sed -n 2p)" '^data: 250 .*Work' \
            "LMTP: 250 for the other, in the same transaction, naming its folder"
        is "$(nfiles "$MD_WORK" Work)/$(all_files "$T/home/lrej/Maildir" | grep -c .)" 1/0 \
            "LMTP: fileinto carried out, the rejected copy stored nowhere"
        out=$(msg "lmtp broken" | lmtp send --from alice@example.org --to lbroken@example.com)
        like "$out" 'data: 250 ' "LMTP: a broken script: 250"
        is "$(nfiles "$MD_BROKEN")" 1 "... the message in INBOX"
        like "$(cat "$LMTP_LOG")" '\.dovecot\.sieve' "... and lda-lmtpd logs the script's error"
    else
        not_ok "lda-lmtpd started"
    fi
else
    not_ok "lda-lmtpd is built ($LMTPD)"
fi

# ---------------------------------------------- the shipped spam script
# what each filter's mark makes of a message, "store Junk" or "keep INBOX"
mkdir -p "$T/spam"
chmod 755 "$T/spam"
n=0
while IFS='|' read -r want hdr; do
    n=$((n + 1))
    printf 'From: a@example.org\nTo: b@example.com\n%s\nSubject: s%d\n\nbody\n' \
        "$hdr" "$n" > "$T/spam/$n.eml"
    echo "$want|$hdr" > "$T/spam/$n.want"
done <<'EOF2'
store Junk|X-Spam-Flag: YES
store Junk|X-Spam-Flag: yes
keep INBOX|X-Spam-Flag: NO
store Junk|X-Spam-Status: Yes, score=7.9 required=5.0 tests=BAYES_99
keep INBOX|X-Spam-Status: No, score=0.1 required=5.0
store Junk|X-Spam: Yes
keep INBOX|X-Spam: No
store Junk|X-Spamd-Result: default: True [16.20 / 15.00]; BAYES_SPAM(5.10)[99.9%]
keep INBOX|X-Spamd-Result: default: False [1.20 / 15.00]; BAYES_HAM(-3.00)[99.9%]
keep INBOX|X-Mailer: none of them
EOF2
chmod 644 "$T"/spam/*
if [ -x "$LDA_SIEVE" ]; then
    out=$("$LDA_SIEVE" check "$SPAM_SCRIPT" 2>&1)
    is "$?" 0 "lda-sieve check contrib/sieve/spam-to-junk.sieve"
    diagl "$out"
    for w in "$T"/spam/*.want; do
        IFS='|' read -r want hdr < "$w"
        got=$("$LDA_SIEVE" test "$SPAM_SCRIPT" "${w%.want}.eml" 2>&1)
        is "$got" "$want" "lda-sieve test spam-to-junk.sieve: $hdr"
    done
else
    not_ok "lda-sieve is built ($LDA_SIEVE)"
fi
if command -v sievec >/dev/null 2>&1; then
    mkdir -p "$T/sievec"
    cp "$SPAM_SCRIPT" "$T/sievec/spam.sieve"
    chmod -R a+rwX "$T/sievec"
    if [ "$(id -u)" = 0 ]; then
        out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
              sievec "$T/sievec/spam.sieve" "$T/sievec/spam.svbin" 2>&1)
    else
        out=$(sievec "$T/sievec/spam.sieve" "$T/sievec/spam.svbin" 2>&1)
    fi
    is "$?" 0 "Pigeonhole's sievec compiles spam-to-junk.sieve"
    diagl "$out"
    # and Pigeonhole's sieve-test files each message where lda-sieve does
    cat > "$T/sievec/dovecot.conf" <<EOF2
mail_location = maildir:$T/sievec/mail
plugin {
  sieve = file:$T/sievec;active=$T/sievec/spam.sieve
}
EOF2
    chmod 644 "$T/sievec/dovecot.conf"
    bad=
    for w in "$T"/spam/*.want; do
        IFS='|' read -r want hdr < "$w"
        if [ "$(id -u)" = 0 ]; then
            out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
                  sieve-test -c "$T/sievec/dovecot.conf" "$T/sievec/spam.sieve" "${w%.want}.eml" 2>&1)
        else
            out=$(sieve-test -c "$T/sievec/dovecot.conf" "$T/sievec/spam.sieve" "${w%.want}.eml" 2>&1)
        fi
        got=$(printf '%s\n' "$out" | sed -n 's/^ \* store message in folder: \(.*\)$/\1/p' | head -n 1)
        [ "$got" = "${want#* }" ] || { bad="$bad [$hdr: $got]"; diagl "$out"; }
    done
    is "$bad" "" "Pigeonhole's sieve-test agrees on each message"
else
    diag "sievec (dovecot-sieve) not installed: not compared"
fi

# ---------------------------------------------- lda.8's other promises
# The active script a ManageSieve server keeps: a symlink into ~/sieve/.
account managed
as_user mkdir -p "$HOME_/sieve"
sv_write "$HOME_/sieve/rules.sieve" 'require "fileinto";
fileinto "Managed";'
as_user ln -s sieve/rules.sieve "$HOME_/.dovecot.sieve"
msg "via link" | dl -o create_folders=yes
is "$RC/$(nfiles "$MD" Managed)" "0/1" "the active script may be a symlink (ManageSieve's)"

# sieve = "" turns the user's script off; sieve_before still runs, and a
# missing entry of the list (blank-separated here) is logged and skipped.
account nosieve
script 'require "fileinto"; fileinto "User";'
sv_write "$GLOBAL/before-ns.sieve" 'require "imap4flags"; addflag "\\Flagged";'
msg "no user script" | dl -o create_folders=yes -o "sieve=" \
    -o "sieve_before=$T/nowhere.sieve $GLOBAL/before-ns.sieve"
is "$RC" 0 "sieve = (empty): exit 0"
is "$(nfiles "$MD" User)" 0 "... the user's script is not run"
like "$(folder_files "$MD" | head -n 1)" ':2,F$' "... sieve_before still is (its flag)"
like "$OUT" "global script '$T/nowhere\\.sieve': No such file" \
    "... a missing sieve_before entry is logged and skipped"

# Keywords have no place in a Maildir name: system flags stay, the
# keyword is left out and -V says so; the log line lists each folder.
account keyword
script 'require ["fileinto", "imap4flags"];
fileinto :flags ["\\Seen", "$Junk"] "Kw";
fileinto "Other";'
msg "keywords" | dl -o create_folders=yes
is "$RC" 0 "keywords: exit 0"
like "$(folder_files "$MD" Kw)" ':2,S$' "... \\Seen stored as S, \$Junk not stored"
like "$OUT" "keyword '\\\$Junk' not stored" "... and -V says so"
like "$OUT" 'folder=Kw,Other, size=' "the log line lists the folders stored into"



done_testing
