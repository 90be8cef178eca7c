#!/bin/bash
# t1320-sieve-postfix.sh - Sieve end to end: Postfix delivers through lda
# (pipe(8)) and lda-lmtpd (lmtp(8)), Dovecot serves the result
#
# A private Postfix instance (tests/services/postfix.sh) sends example.com
# to lda-lmtpd (lmtp:unix:private/lda-lmtp, as t1230) and
# pipe.example.com to lda through pipe(8) (the master.cf entry of
# contrib/postfix-master.cf.snippet, as t0700).  Both read one lda.conf
# whose sieve_before is the shipped contrib/sieve/spam-to-junk.sieve
# (installed as the file's comments say), a passwd-file userdb whose
# accounts have their scripts in ~/.dovecot.sieve or userdb_sieve, and
# whose sendmail_path submits by SMTP to this instance (smtp_sendmail.py:
# the system's sendmail would need the system's Postfix configuration
# changed).  On each path:
#   - spam (SpamAssassin's X-Spam-Flag, rspamd's X-Spamd-Result) lands in
#     Junk and the user's script does not run for it
#   - the user's fileinto :create :flags "\\Seen" makes a folder that
#     Dovecot's IMAP lists, the message in it with \Seen
#   - reject: Postfix bounces the message to its sender, the reason in
#     the bounce
#   - a broken script: the message in INBOX
# and vacation (lda-lmtpd) answers through Postfix into the sender's
# Maildir exactly once for two messages; redirect (lda) reaches the
# other user's Maildir through Postfix; two accounts redirecting to each
# other end in a bounce (the loop refused by its Delivered-To).

. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib/sieve.sh"
. "$TESTS_DIR/services/users.sh"
. "$TESTS_DIR/services/postfix.sh"
. "$TESTS_DIR/services/dovecot.sh"

SNIPPET=$TOP_DIR/contrib/postfix-master.cf.snippet
SPAM_SCRIPT=$TOP_DIR/contrib/sieve/spam-to-junk.sieve

[ "$(id -u)" = 0 ] || skip_all "needs root (private Postfix and Dovecot, accounts with their own uids)"
PATH=$PATH:/usr/sbin
for c in postfix postconf postqueue swaks python3 runuser dovecot doveconf; do
    command -v "$c" >/dev/null 2>&1 || skip_all "$c is not installed"
done
[ -x "$(postconf -h daemon_directory 2>/dev/null)/lmtp" ] || skip_all "postfix lmtp(8) client is missing"
[ -x "$(postconf -h daemon_directory 2>/dev/null)/pipe" ] || skip_all "postfix pipe(8) daemon is missing"
[ -e /usr/lib/dovecot/imap ] || skip_all "dovecot-imapd is not installed"
[ -x "$LMTPD" ] || skip_all "lda-lmtpd is not built ($LMTPD)"
if [ ! -x "$LDA" ]; then
    echo "1..1"; not_ok "lda binary under test exists: $LDA"; exit 1
fi
case "$LDA$TEST_TMP" in
    *[[:space:]]*) skip_all "pipe(8) argv= cannot carry paths with white space" ;;
esac
two_test_users
runuser -u ldatest1 -- test -x "$TEST_TMP" ||
    skip_all "ldatest1 cannot reach $TEST_TMP (set TMPDIR to a world-searchable directory)"

T=$TEST_TMP
PY3=/usr/bin/python3
[ -x "$PY3" ] || PY3=$(command -v python3)

# diagl TEXT - diag each line of TEXT
diagl() { local l; [ -n "$1" ] || return 0; while IFS= read -r l; do diag "$l"; done <<< "$1"; }
# nfiles MAILDIR [FOLDER] - message files in the folder
nfiles() { folder_files "$@" | grep -c .; }
# with_subject MAILDIR TEXT - message files anywhere in MAILDIR with a
# header line "Subject: ...TEXT..."
with_subject() { all_files "$1" | xargs -r grep -l -F "Subject: $2" 2>/dev/null; }

# ---------------------------------------------------------------- files
# pipe(8) runs lda as ldatest1: it needs the binary, the script and the
# sendmail where it can reach them
mkdir -p "$T/bin" "$T/etc/sieve"
chmod 755 "$T/bin" "$T/etc" "$T/etc/sieve"
if ! runuser -u ldatest1 -- test -x "$LDA"; then
    cp "$LDA" "$T/bin/lda" && chmod 755 "$T/bin/lda"
    diag "ldatest1 cannot execute $LDA; using a copy at $T/bin/lda"
    LDA=$T/bin/lda
fi
# installed as its comments say
install -m 644 "$SPAM_SCRIPT" "$T/etc/sieve/spam-to-junk.sieve"
install -m 644 "$TESTS_DIR/services/smtp_sendmail.py" "$T/bin/smtp_sendmail.py"
SENDLOG=$T/sendmail.log
: > "$SENDLOG"
chmod 666 "$SENDLOG"
# PF_PORT is known once pf_init has run: the sendmail reads it then
cat > "$T/bin/sendmail" <<EOF
#!/bin/sh
exec $PY3 $T/bin/smtp_sendmail.py --port "\$(cat $T/bin/smtp-port)" --log $SENDLOG -- "\$@"
EOF
chmod 755 "$T/bin/sendmail"

# ---------------------------------------------------------------- accounts
VM=$T/vm
mkdir -p "$VM/1" "$VM/2"
chown "$U1:$G1" "$VM/1"; chown "$U2:$G2" "$VM/2"
chmod 755 "$VM"
PW=$T/users.passwd
: > "$PW"; chmod 644 "$PW"
# account ADDRESS UIDNO [EXTRA...] - ADDRESS in the passwd-file (home
# $VM/UIDNO/ADDRESS, Maildir ~/Maildir); HOME_ and MD
account() {
    local a=$1 n=$2 u g; shift 2
    if [ "$n" = 1 ]; then u=$U1 g=$G1; else u=$U2 g=$G2; fi
    HOME_=$VM/$n/$a
    MD=$HOME_/Maildir
    echo "$a:{PLAIN}x:$u:$g::$HOME_::userdb_mail=maildir:~/Maildir $*" >> "$PW"
    mkdir -p "$HOME_"; chown "$u:$g" "$HOME_"
}
# script TEXT - the current account's ~/.dovecot.sieve
script() { sv_write "$HOME_/.dovecot.sieve" "$1"; }

PROJECTS='require ["fileinto", "imap4flags", "mailbox"];
# the user files project mail, read, into a folder of its own
if header :contains "subject" "project" {
    fileinto :create :flags "\\Seen" "Projects";
} elsif header :contains "subject" "entwurf" {
    fileinto :create "Archiv/Entwürfe";
}'
BROKEN='require "fileinto";
if header :contains "subject" "x" {
    fileinto "X"
}}'

account alice@example.com 2;     ALICE=$MD
account carol@example.com 1;     CAROL=$MD
account bob@example.com 1;       BOB=$MD;     script "$PROJECTS"
account vac@example.com 1;       VAC=$MD
script 'require "vacation";
vacation :days 2 :subject "Out of office" "I am away until Monday.";'
# rej's script is named by the userdb
sv_write "$T/etc/sieve/rej.sieve" 'require "reject";
reject "This address takes no mail.";'
account rej@example.com 1 "userdb_sieve=$T/etc/sieve/rej.sieve"; REJ=$MD
account broken@example.com 1;    BRK=$MD;     script "$BROKEN"
account dave@pipe.example.com 1; DAVE=$MD;    script "$PROJECTS"
account fwd@pipe.example.com 1;  FWD=$MD
script 'redirect "carol@example.com";'
account prej@pipe.example.com 1; PREJ=$MD
script 'require "ereject";
ereject "Nobody reads prej.";'
account pbroken@pipe.example.com 1; PBRK=$MD; script "$BROKEN"
# two accounts that redirect to each other
account loopa@example.com 1;     LOOPA=$MD
script 'redirect "loopb@pipe.example.com";'
account loopb@pipe.example.com 1; LOOPB=$MD
script 'redirect "loopa@example.com";'

C=$T/lda.conf
cat > "$C" <<EOF
# lda.conf for t1320-sieve-postfix.sh: lda-lmtpd as root, lda as ldatest1
userdb = passwd-file:$PW
maildir = $T/fallback/%d/%n/Maildir
create_folders = no
sieve_before = $T/etc/sieve/spam-to-junk.sieve
sendmail_path = $T/bin/sendmail
EOF
chmod 644 "$C"

# ---------------------------------------------------------------- postfix
pf_init postfix
echo "$PF_PORT" > "$T/bin/smtp-port"; chmod 644 "$T/bin/smtp-port"
# the snippet's pipe(8) entry with the binary (and -c) and the user changed
stanza=$(grep -v '^[[:space:]]*#' "$SNIPPET" | sed '/^[[:space:]]*$/d')
shopt -u patsub_replacement 2>/dev/null || true
stanza=${stanza/argv=\/usr\/local\/bin\/lda /argv=$LDA -c $C }
stanza=${stanza/user=vmail /user=ldatest1 }
printf '%s\n' "$stanza" > "$T/master.cf.lda"
pf_master_append "$T/master.cf.lda"
pf_main 'virtual_mailbox_domains = example.com, pipe.example.com' \
    'virtual_mailbox_maps = static:ok' \
    'virtual_transport = lmtp:unix:private/lda-lmtp' \
    'transport_maps = inline:{ pipe.example.com=lda: }' \
    'lda_destination_recipient_limit = 1' \
    'lmtp_destination_recipient_limit = 1' 'in_flow_delay = 0'
if ! pf_start; then
    not_ok "private postfix instance started"
    done_testing; exit
fi
ok "private postfix instance started on 127.0.0.1:$PF_PORT"
SOCK=$PF_DIR/spool/private/lda-lmtp
if ! lmtpd_start "$T" "$C" -l "unix:$SOCK"; then
    not_ok "lda-lmtpd started"
    done_testing; exit
fi
ok "lda-lmtpd started (pid $LMTP_PID) on $SOCK"

# send N FROM TO SUBJECT [HEADER...] - submit; QID; the status line for
# TO in ST (empty when none came in 60 s)
send() {
    local n=$1 from=$2 to=$3 subj=$4 h args=(); shift 4
    for h in "$@"; do args+=(--add-header "$h"); done
    QID='' ST=''
    if ! pf_send --from "$from" --to "$to" --header "Subject: $subj" \
            --body "t1320 marker: $subj" "${args[@]}"; then
        not_ok "($n) message to $to accepted"
        return 1
    fi
    QID=$PF_QID
    ST=$(pf_wait_status "$QID" "$to" 60)
    diag "($n) $ST"
}
# bounce_for SUBJECT - a bounce in alice's Maildir carrying SUBJECT
bounce_for() {
    all_files "$ALICE" | xargs -r grep -l -F "t1320 marker: $1" 2>/dev/null |
        xargs -r grep -l '^Return-Path: <>' 2>/dev/null | head -n 1 | grep .
}

# ---------------------------------------------- (1) spam to Junk, both paths
send 1 alice@example.com bob@example.com "project spam" 'X-Spam-Flag: YES'
like "$ST" 'status=sent ' "(1) lmtp: spam delivered"
is "$(nfiles "$BOB" Junk)/$(nfiles "$BOB" Projects)/$(nfiles "$BOB")" 1/0/0 \
    "(1) lmtp: X-Spam-Flag: YES in Junk, the user's script not run"
send 1 alice@example.com dave@pipe.example.com "project spam" \
    'X-Spamd-Result: default: True [15.10 / 15.00]; BAYES_SPAM(5.10)[99.9%]'
like "$ST" 'relay=lda,.* status=sent ' "(1) pipe: spam delivered"
is "$(nfiles "$DAVE" Junk)/$(nfiles "$DAVE" Projects)/$(nfiles "$DAVE")" 1/0/0 \
    "(1) pipe: X-Spamd-Result: default: True in Junk, the user's script not run"

# ---------------------------------------------- (2) the user's fileinto with \Seen
send 2 alice@example.com bob@example.com "project plan" \
    'X-Spam-Status: No, score=0.3 required=5.0'
like "$ST" 'status=sent ' "(2) lmtp: delivered"
is "$(folder_files "$BOB" Projects | sed -n 's#.*/\(cur\)/[^/]*\(:2,S\)$#\1\2#p')" "cur:2,S" \
    "(2) lmtp: in Projects' cur/ with :2,S"
send 2 alice@example.com dave@pipe.example.com "project plan"
like "$ST" 'relay=lda,.* status=sent ' "(2) pipe: delivered"
is "$(folder_files "$DAVE" Projects | sed -n 's#.*/\(cur\)/[^/]*\(:2,S\)$#\1\2#p')" "cur:2,S" \
    "(2) pipe: in Projects' cur/ with :2,S"
send 2 alice@example.com bob@example.com "lunch"
is "$(nfiles "$BOB")" 1 "(2) other mail in INBOX"
send 2 alice@example.com bob@example.com "entwurf"
is "$(nfiles "$BOB" 'Archiv.Entw&APw-rfe')" 1 "(2) fileinto :create \"Archiv/Entwürfe\": Dovecot's name on disk"

# ---------------------------------------------- (3) reject bounces, both paths
send 3 alice@example.com rej@example.com "reject lmtp"
like "$ST" 'dsn=5\.7\.1, status=bounced .*550 5\.7\.1 This address takes no mail' \
    "(3) lmtp: 550 5.7.1 with the reason, bounced"
send 3 alice@example.com prej@pipe.example.com "reject pipe"
like "$ST" 'relay=lda,.*dsn=5\.7\.1, status=bounced .*Nobody reads prej' \
    "(3) pipe: exit 77, 5.7.1 with the reason, bounced"
is "$(all_files "$REJ" | grep -c .)/$(all_files "$PREJ" | grep -c .)" 0/0 \
    "(3) nothing stored for the rejecting accounts"
if wait_until 60 bounce_for "reject lmtp" > /dev/null; then
    f=$(bounce_for "reject lmtp")
    ok "(3) lmtp: the bounce reached the sender's Maildir"
    check "(3) lmtp: it gives the reason" grep -q 'This address takes no mail' "$f"
else
    not_ok "(3) lmtp: the bounce reached the sender's Maildir"
fi
if wait_until 60 bounce_for "reject pipe" > /dev/null; then
    f=$(bounce_for "reject pipe")
    ok "(3) pipe: the bounce reached the sender's Maildir"
    check "(3) pipe: it gives the reason" grep -q 'Nobody reads prej' "$f"
else
    not_ok "(3) pipe: the bounce reached the sender's Maildir"
fi

# ---------------------------------------------- (4) a broken script: INBOX
send 4 alice@example.com broken@example.com "broken lmtp"
like "$ST" 'status=sent ' "(4) lmtp: a broken script: delivered"
is "$(nfiles "$BRK")" 1 "(4) lmtp: in INBOX"
send 4 alice@example.com pbroken@pipe.example.com "broken pipe"
like "$ST" 'relay=lda,.* status=sent ' "(4) pipe: a broken script: delivered"
is "$(nfiles "$PBRK")" 1 "(4) pipe: in INBOX"

# ---------------------------------------------- (5) vacation, once
# replies - vacation replies in alice's Maildir
replies() { with_subject "$ALICE" "Out of office" | grep -c .; }
send 5 alice@example.com vac@example.com "are you there"
like "$ST" 'status=sent ' "(5) first message to vac delivered"
_replied() { [ "$(replies)" -ge 1 ]; }
wait_until 60 _replied
is "$(replies)" 1 "(5) the answer reached the sender's Maildir through Postfix"
send 5 alice@example.com vac@example.com "are you there still"
like "$ST" 'status=sent ' "(5) second message to vac delivered"
# the second answer, were there one, is queued before the delivery ends
_queue_empty() { postqueue -c "$PF_CONF" -p 2>/dev/null | grep -q 'Mail queue is empty'; }
wait_until 60 _queue_empty
is "$(replies)" 1 "(5) the second message in the period is not answered"
is "$(nfiles "$VAC")" 2 "(5) vac keeps both"
f=$(with_subject "$ALICE" "Out of office" | head -n 1)
if [ -n "$f" ]; then
    is "$(sed -n 1p "$f")" "Return-Path: <>" "(5) the answer has the null sender"
    check "(5) it says Auto-Submitted: auto-replied" grep -qi '^Auto-Submitted: auto-replied' "$f"
    check "(5) it carries the reason" grep -q 'I am away until Monday' "$f"
fi
is "$(grep -c 'to=<alice@example.com> sent' "$SENDLOG")" 1 "(5) sendmail called once for it"

# ---------------------------------------------- (6) redirect through Postfix
send 6 alice@example.com fwd@pipe.example.com "forward me"
like "$ST" 'relay=lda,.* status=sent ' "(6) pipe: the redirecting delivery succeeded"
is "$(all_files "$FWD" | grep -c .)" 0 "(6) nothing stored for the redirecting account"
_redirected() { with_subject "$CAROL" "forward me" | grep -q .; }
if wait_until 60 _redirected; then
    f=$(with_subject "$CAROL" "forward me" | head -n 1)
    ok "(6) the message reached carol's Maildir through Postfix"
    is "$(sed -n 1p "$f")" "Return-Path: <alice@example.com>" "(6) with the original sender"
    check "(6) whole" grep -q '^t1320 marker: forward me' "$f"
else
    not_ok "(6) the message reached carol's Maildir through Postfix"
fi
is "$(nfiles "$CAROL")" 1 "(6) once"

# ---------------------------------------------- (7) a redirect loop ends
# loopa (lmtp) -> loopb (pipe) -> loopa: the second delivery to loopa
# sees its own Delivered-To and refuses (5.4.6), Postfix bounces
send 7 alice@example.com loopa@example.com "round and round"
like "$ST" 'status=sent ' "(7) the first delivery to loopa redirects"
_looped() { grep -F 'to=<loopa@example.com>' "$PF_LOG" | grep -q 'status=bounced'; }
if wait_until 60 _looped; then
    like "$(grep -F 'to=<loopa@example.com>' "$PF_LOG" | grep 'status=bounced' | head -n 1)" \
        'dsn=5\.4\.6' "(7) the message coming back to loopa is refused as a loop (5.4.6)"
else
    not_ok "(7) the message coming back to loopa is refused as a loop"
fi
wait_until 60 _queue_empty
is "$(grep -F 'to=<loopa@example.com>' "$PF_LOG" | grep -c ' status=')" 2 \
    "(7) loopa saw it twice, no more"
is "$(all_files "$LOOPA" | grep -c .)/$(all_files "$LOOPB" | grep -c .)" 0/0 "(7) nothing stored"
if wait_until 60 bounce_for "round and round" > /dev/null; then
    ok "(7) the sender got the bounce"
else
    not_ok "(7) the sender got the bounce"
fi

# ---------------------------------------------- (8) Dovecot IMAP
dc_init_passwd dovecot "$PW" "$VM"
if dc_start; then
    ok "private dovecot started on 127.0.0.1:$DC_PORT"
    for who in bob@example.com dave@pipe.example.com; do
        out=$(python3 "$TESTS_DIR/services/imap_flags.py" 127.0.0.1 "$DC_PORT" \
                  "$who" "$DC_PASS" 2>&1)
        is "$?" 0 "(8) IMAP: $who logged in, flags fetched"
        diagl "$out"
        is "$(printf '%s\n' "$out" | awk -F'\t' '$1=="Projects"{print $2 "|" $3}')" \
            '\Seen|project plan' "(8) IMAP: $who's Projects holds the message, \\Seen"
        is "$(printf '%s\n' "$out" | awk -F'\t' '$1=="Junk"{print $2 "|" $3}')" \
            '-|project spam' "(8) IMAP: $who's Junk holds the spam, unseen"
    done
    out=$(python3 "$TESTS_DIR/services/imap_flags.py" 127.0.0.1 "$DC_PORT" \
              bob@example.com "$DC_PASS" 2>&1)
    is "$(printf '%s\n' "$out" | awk -F'\t' '$1=="Archiv.Entw&APw-rfe"{print $3}')" entwurf \
        "(8) IMAP: bob's \"Archiv.Entwürfe\" (LIST: Archiv.Entw&APw-rfe) holds the message"
    is "$(grep -ciE 'error|panic|fatal|corrupt|broken' "$DC_LOG")" 0 "(8) no errors in Dovecot's log"
    diagl "$(grep -iE 'error|panic|fatal|corrupt|broken' "$DC_LOG" | head -n 5)"
else
    not_ok "private dovecot started"
fi

# nothing else bounced or deferred
is "$(grep -c ' status=bounced ' "$PF_LOG")" 3 "only the two rejections and the loop bounced"
is "$(grep -c ' status=deferred ' "$PF_LOG")" 0 "nothing deferred"
diagl "$(grep ' status=deferred ' "$PF_LOG" | head -n 5)"

done_testing
