#!/bin/bash
# t1230-lmtp-postfix.sh - Postfix delivers through lda-lmtpd with the
# shipped contrib/postfix-main.cf.lmtp.snippet (lmtp(8), a unix socket)
#
# A private Postfix instance (tests/services/postfix.sh: own config, queue
# and data directories, smtpd on 127.0.0.1:<free port>) gets the
# snippet's main.cf lines as they are, virtual_transport included
# (lmtp:unix:private/lda-lmtp, relative to its queue directory, as with
# Debian's chrooted lmtp(8)).  lda-lmtpd runs as root without lmtp_user,
# with a passwd-file userdb whose accounts have two uids, and listens on
# that socket.  Mail is submitted by swaks and smtp-source; results are
# read from Postfix's maillog_file, its queue, lda-lmtpd's -V log, the
# outbox and the Maildirs:
#   - one message: delivered once, Return-Path and Delivered-To on top,
#     owned by the account's uid; two recipients in one transaction
#   - user+ext into its folder (create_folders = yes)
#   - a virtual alias: Postfix's ORCPT becomes orig_to and the event's
#     original_recipient
#   - an unknown user: bounced with 550 5.1.1, the bounce reaches the
#     sender's Maildir
#   - an unwritable Maildir: deferred (451), kept in the queue, delivered
#     once when it is fixed
#   - 1,000 messages: each delivered exactly once, the queue empty

. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/services/users.sh"
. "$TESTS_DIR/services/postfix.sh"

SNIPPET=$TOP_DIR/contrib/postfix-main.cf.lmtp.snippet
SOCKET_UNIT=$TOP_DIR/contrib/lda-lmtpd.socket

[ "$(id -u)" = 0 ] || skip_all "needs root (private Postfix instance, accounts with their own uids)"
PATH=$PATH:/usr/sbin
for c in postfix postconf postqueue swaks smtp-source python3 runuser; do
    command -v "$c" >/dev/null 2>&1 || skip_all "$c is not installed"
done
[ -x "$(postconf -h daemon_directory 2>/dev/null)/lmtp" ] || skip_all "postfix lmtp(8) client is missing"
[ -x "$LMTPD" ] || skip_all "lda-lmtpd is not built ($LMTPD)"
two_test_users
runuser -u ldatest1 -- test -x "$TEST_TMP" ||
    skip_all "ldatest1 cannot reach $TEST_TMP (set TMPDIR to a world-searchable directory)"

T=$TEST_TMP
LOAD=${LMTP_POSTFIX_LOAD:-1000}

# diagl TEXT - diag each line of TEXT
diagl() { local l; [ -n "$1" ] || return 0; while IFS= read -r l; do diag "$l"; done <<< "$1"; }

# ---------------------------------------------------------------- snippet
maincf=$(sed -n 's/^\([a-z_]*\)[[:space:]]*=[[:space:]]*\(.*[^[:space:]]\)[[:space:]]*$/\1 = \2/p' "$SNIPPET")
diag "main.cf lines under test:"; diagl "$maincf"
# setting KEY - its value in the snippet's main.cf lines
setting() { printf '%s\n' "$maincf" | sed -n "s/^$1 = //p"; }
is "$(setting virtual_transport)" "lmtp:unix:private/lda-lmtp" \
    "snippet: virtual_transport = lmtp:unix:private/lda-lmtp"
for k in lmtp_destination_recipient_limit lmtp_destination_concurrency_limit \
         lmtp_connection_cache_on_demand; do
    like "$(setting $k)" . "snippet: sets $k"
done
like "$(sed -n 's/^#[[:space:]]*virtual_transport[[:space:]]*=[[:space:]]*//p' "$SNIPPET")" \
    '^lmtp:inet:127\.0\.0\.1:24$' "snippet: the inet alternative, commented"
# the socket unit makes the very socket the snippet names
unit=$(grep -v '^[[:space:]]*#' "$SOCKET_UNIT")
like "$unit" 'ListenStream=/var/spool/postfix/private/lda-lmtp' \
    "lda-lmtpd.socket: ListenStream is <queue_directory>/private/lda-lmtp"
like "$unit" 'SocketUser=postfix' "lda-lmtpd.socket: SocketUser=postfix"
like "$unit" 'SocketMode=0600' "lda-lmtpd.socket: SocketMode=0600"

# ---------------------------------------------------------------- accounts
# Maildir bases, one per uid (lda makes directories with umask 077)
mkdir -p "$T/vm1/example.com/carol" "$T/vm2" "$T/fallback"
chown -R "$U1:$G1" "$T/vm1"
chown "$U2:$G2" "$T/vm2" "$T/fallback"
BOB=$T/vm1/example.com/bob/Maildir
CAROL=$T/vm1/example.com/carol/Maildir
ALICE=$T/vm2/example.com/alice/Maildir
LOADMD=$T/vm2/example.com/load/Maildir
# carol's Maildir exists, but her uid may not write it
mkdir -p "$CAROL/cur" "$CAROL/new" "$CAROL/tmp"
chown -R root:root "$CAROL"; chmod 700 "$CAROL" "$CAROL"/*

PW=$T/users.passwd
cat > "$PW" <<EOF
bob@example.com:{PLAIN}x:$U1:$G1::$T/vm1/example.com/bob::userdb_mail=maildir:$T/vm1/%d/%n/Maildir
carol@example.com:{PLAIN}x:$U1:$G1::$T/vm1/example.com/carol::userdb_mail=maildir:$T/vm1/%d/%n/Maildir
alice@example.com:{PLAIN}x:$U2:$G2::$T/vm2/example.com/alice::userdb_mail=maildir:$T/vm2/%d/%n/Maildir
load@example.com:{PLAIN}x:$U2:$G2::$T/vm2/example.com/load::userdb_mail=maildir:$T/vm2/%d/%n/Maildir
EOF
chmod 644 "$PW"
OB=$T/outbox
mkdir -p "$OB"; chmod 1777 "$OB"

C=$T/lda.conf
cat > "$C" <<EOF
# lda.conf for t1230-lmtp-postfix.sh: lda-lmtpd as root, no lmtp_user
userdb = passwd-file:$PW
maildir = $T/fallback/%d/%n/Maildir
create_folders = yes
outbox = $OB
EOF
chmod 644 "$C"

# ---------------------------------------------------------------- postfix
pf_init postfix
mapfile -t lines <<< "$maincf"
# example.com is the snippet's example domain; accept every address in it
# and leave unknown users to lda-lmtpd (static:ok, as the snippet says);
# list+team@ is an alias of bob@, so its ORCPT differs from the recipient;
# smtpd takes the 1,000 messages as fast as they come
pf_main "${lines[@]}" \
    'virtual_mailbox_domains = example.com' 'virtual_mailbox_maps = static:ok' \
    'virtual_alias_maps = inline:{ list+team@example.com=bob@example.com }' \
    'in_flow_delay = 0'
if ! pf_start; then
    not_ok "private postfix instance started"
    done_testing; exit
fi
ok "private postfix instance started on 127.0.0.1:$PF_PORT"
is "$(postconf -c "$PF_CONF" -h virtual_transport)" "lmtp:unix:private/lda-lmtp" \
    "instance uses the snippet's virtual_transport unchanged"

# The socket the transport names, in this instance's queue directory.
SOCK=$PF_DIR/spool/private/lda-lmtp
if ! lmtpd_start "$T" "$C" -l "unix:$SOCK"; then
    not_ok "lda-lmtpd started"
    done_testing; exit
fi
ok "lda-lmtpd started (pid $LMTP_PID), listening on $SOCK"
check "its socket is in the queue directory's private/" test -S "$SOCK"

# msgfiles DIR - message files in DIR/new and DIR/cur
msgfiles() { find "$1/new" "$1/cur" -maxdepth 1 -type f 2>/dev/null | sort; }
# nfiles DIR - how many
nfiles() { msgfiles "$1" | grep -c .; }
# header_count FILE NAME - how often header NAME occurs in FILE's header
header_count() { awk -v h="$2" 'BEGIN{IGNORECASE=1; n=0} /^\r?$/{exit} index(tolower($0), tolower(h) ":")==1{n++} END{print n}' "$1"; }
# wait_until SECS CMD... - poll CMD every 0.25 s until it succeeds
wait_until() {
    local secs=$1 i; shift
    for i in $(seq 1 $((secs * 4))); do "$@" && return 0; sleep 0.25; done
    "$@"
}
# pf_wait_line QID RCPT STATUS [SECS] - wait for QID's "status=STATUS"
# line for RCPT and print it
pf_wait_line() {
    local line
    _line() {
        line=$(grep -F " $1: to=<$2>," "$PF_LOG" | grep " status=$3 " | head -n 1)
        [ -n "$line" ]
    }
    if wait_until "${4:-60}" _line "$1" "$2" "$3"; then printf '%s\n' "$line"; return 0; fi
    diag "no status=$3 for $1 to=<$2>; log tail:"; diagl "$(tail -n 10 "$PF_LOG")"
    return 1
}
# queue_gone QID - QID has left the queue
queue_gone() { [ -n "$1" ] && ! pf_queue_has "$1"; }
# event SUBJECT EXPR - EXPR (python, d = the event's data) of the one
# message.new event whose subject is SUBJECT
event() {
    python3 - "$OB/new" "$1" "$2" <<'EOF'
import json, os, sys
found = []
for n in os.listdir(sys.argv[1]):
    e = json.load(open(os.path.join(sys.argv[1], n)))
    if e.get("type") == "message.new" and e["data"].get("subject") == sys.argv[2]:
        found.append(e["data"])
if len(found) != 1:
    print("%d events with that subject" % len(found))
else:
    print(json.dumps(eval(sys.argv[3], {}, {"d": found[0]})))
EOF
}
# submit N WORD FROM TO RCPT STATUS - swaks "Subject: t1230 WORD" (body
# "t1230 marker WORD") from FROM to TO, then wait for RCPT's status=STATUS;
# QID = the queue id, ST = that log line (empty, and a failed test, when
# the message was not accepted)
submit() {
    QID= ST=
    if ! pf_send --from "$3" --to "$4" \
            --header "Subject: t1230 $2" --body "t1230 marker $2"; then
        not_ok "($1) message to $4 accepted"
        return 1
    fi
    QID=$PF_QID
    ST=$(pf_wait_line "$QID" "$5" "$6" 60)
    diag "($1) $ST"
}
# sent_as RCPT FOLDER - the reason Postfix logs for lda-lmtpd's 250 reply
# (an extended regular expression)
sent_as() {
    printf 'status=sent \\(250 2\\.0\\.0 <%s> delivered to %s\\)' \
        "$(printf '%s' "$1" | sed 's/[.+]/\\&/g')" "$2"
}

# ---------------------------------------------- (1) one message, delivered once
submit 1 inbox alice@example.org bob@example.com bob@example.com sent
like "$ST" "relay=[^ ]*private/lda-lmtp[^ ]*, .*dsn=2\\.0\\.0, $(sent_as bob@example.com INBOX)" \
    "(1) status=sent through the socket, the server's reply as the reason"
check "(1) left the queue" wait_until 30 queue_gone "$QID"
is "$(grep -F " $QID: to=<bob@example.com>," "$PF_LOG" | grep -c ' status=')" 1 \
    "(1) one delivery attempt logged"
is "$(nfiles "$BOB")" 1 "(1) exactly one message file in bob's INBOX"
is "$(count_files "$BOB/tmp")" 0 "(1) bob's tmp/ is empty"
f=$(msgfiles "$BOB" | head -n 1)
if [ -n "$f" ]; then
    is "$(sed -n 1p "$f")" "Return-Path: <alice@example.org>" "(1) first line is Return-Path"
    is "$(sed -n 2p "$f")" "Delivered-To: bob@example.com" "(1) second line is Delivered-To"
    is "$(header_count "$f" Return-Path)" 1 "(1) exactly one Return-Path header"
    is "$(header_count "$f" Delivered-To)" 1 "(1) exactly one Delivered-To header"
    check "(1) the body arrived" grep -q '^t1230 marker inbox' "$f"
    check "(1) no CR stored" bash -c "! grep -q \$'\\r' '$f'"
    is "$(stat -c %u "$f")" "$U1" "(1) file owned by bob's uid ($U1)"
else
    not_ok "(1) delivered message file is readable"
fi

# ---------------------------------------------- (2) two recipients, one transaction
submit 2 both alice@example.org bob@example.com,alice@example.com bob@example.com sent
like "$ST" "$(sent_as bob@example.com INBOX)" "(2) bob: sent"
like "$(pf_wait_line "$QID" alice@example.com sent 60)" "$(sent_as alice@example.com INBOX)" \
    "(2) alice: sent"
fb=$(grep -l '^t1230 marker both' "$BOB"/new/* 2>/dev/null)
fa=$(grep -l '^t1230 marker both' "$ALICE"/new/* 2>/dev/null)
is "$(printf '%s' "$fb" | grep -c .)/$(printf '%s' "$fa" | grep -c .)" 1/1 \
    "(2) one copy in bob's INBOX, one in alice's"
is "$(sed -n 2p "$fa" 2>/dev/null)" "Delivered-To: alice@example.com" "(2) alice's copy: Delivered-To alice"
is "$(sed -n 2p "$fb" 2>/dev/null)" "Delivered-To: bob@example.com" "(2) bob's copy: Delivered-To bob"
is "$(stat -c %u "$fb" 2>/dev/null)/$(stat -c %u "$fa" 2>/dev/null)" "$U1/$U2" \
    "(2) each copy owned by its account's uid"

# ---------------------------------------------- (3) extension -> folder
submit 3 news alice@example.org bob+news@example.com bob+news@example.com sent
like "$ST" "$(sent_as bob+news@example.com news)" "(3) bob+news@example.com: delivered to news"
check "(3) folder .news made (create_folders = yes)" test -f "$BOB/.news/maildirfolder"
is "$(nfiles "$BOB/.news")" 1 "(3) one message in folder .news"
is "$(nfiles "$BOB")" 2 "(3) INBOX holds only the two earlier messages"
f=$(msgfiles "$BOB/.news" | head -n 1)
check "(3) it is the news message" grep -q '^t1230 marker news' "${f:-/nonexistent}"
is "$(sed -n 2p "${f:-/nonexistent}" 2>/dev/null)" "Delivered-To: bob+news@example.com" \
    "(3) Delivered-To carries the full recipient"

# ---------------------------------------------- (4) alias: ORCPT
submit 4 orcpt alice@example.org list+team@example.com bob@example.com sent
like "$ST" "orig_to=<list\\+team@example\\.com>, relay=.*$(sent_as bob@example.com INBOX)" \
    "(4) Postfix rewrote list+team@ to bob@ and delivered"
is "$(event 't1230 orcpt' '[d["recipient"], d["original_recipient"]]')" \
    '["bob@example.com", "list+team@example.com"]' \
    "(4) event: recipient bob@, original_recipient from ORCPT (xtext decoded)"
like "$(grep -F 'to=<bob@example.com>' "$LMTP_LOG" | grep -F 'orig_to=' | tail -n 1)" \
    'orig_to=<list\+team@example\.com>, from=<alice@example\.org>, .*status=sent' \
    "(4) lda-lmtpd logs orig_to=<list+team@example.com>"
is "$(event 't1230 inbox' 'd["original_recipient"]')" '"bob@example.com"' \
    "(1) event: original_recipient is the address itself without an alias"

# ---------------------------------------------- (5) unknown user bounces
submit 5 unknown alice@example.com nobody@example.com nobody@example.com bounced
like "$ST" 'dsn=5\.1\.1, status=bounced \(host [^ ]*private/lda-lmtp[^ ]* said: 550 5\.1\.1 ' \
    "(5) unknown user: 550 5.1.1, status=bounced"
check "(5) the bounced message left the queue" wait_until 60 queue_gone "$QID"
_bounce() { grep -l -F 'nobody@example.com' "$ALICE"/new/* 2>/dev/null | head -n 1 | grep -q .; }
if wait_until 60 _bounce; then
    f=$(grep -l -F 'nobody@example.com' "$ALICE"/new/* | head -n 1)
    ok "(5) the bounce reached the sender's Maildir (alice@example.com)"
    is "$(sed -n 1p "$f")" "Return-Path: <>" "(5) the bounce has the null sender"
    check "(5) the bounce names 5.1.1" grep -q '5\.1\.1' "$f"
    check "(5) and carries the original message" grep -q '^t1230 marker unknown' "$f"
else
    not_ok "(5) the bounce reached the sender's Maildir (alice@example.com)"
fi
check "(5) no Maildir made for the unknown user" test ! -e "$T/vm1/example.com/nobody" -a ! -e "$T/fallback/example.com"

# ---------------------------------------------- (6) unwritable -> deferred
submit 6 unwritable alice@example.org carol@example.com carol@example.com deferred
like "$ST" 'dsn=4\.2\.0, status=deferred \(host [^ ]*private/lda-lmtp[^ ]* said: 451 4\.2\.0 ' \
    "(6) unwritable Maildir: 451 4.2.0, status=deferred"
check "(6) the message is still in the queue (postqueue -p)" pf_queue_has "$QID"
is "$(grep -F " $QID: to=<carol@example.com>," "$PF_LOG" | grep -c 'status=bounced')" 0 \
    "(6) never bounced"
left=$(find "$CAROL" -type f)
is "$(printf '%s' "$left" | grep -c .)" 0 "(6) nothing written into carol's Maildir"
diagl "$left"
# once the Maildir is fixed, the retry delivers it, once
chown -R "$U1:$G1" "$CAROL"
[ -n "$QID" ] && postqueue -c "$PF_CONF" -i "$QID"
like "$(pf_wait_line "$QID" carol@example.com sent 60)" "$(sent_as carol@example.com INBOX)" \
    "(6) after the fix the retry is delivered"
check "(6) and it left the queue" wait_until 30 queue_gone "$QID"
is "$(nfiles "$CAROL")" 1 "(6) exactly one copy in carol's INBOX"

# ---------------------------------------------- (7) 1,000 messages
before=$(grep -c ' status=sent ' "$PF_LOG")
out=$(smtp-source -s 4 -m "$LOAD" -l 600 -M lda-test.localdomain -f alice@example.org \
      -t load@example.com "127.0.0.1:$PF_PORT" 2>&1)
is "$?" 0 "(7) smtp-source submitted $LOAD messages"
diagl "$(printf '%s' "$out" | head -n 5)"
_load_done() { [ "$(count_files "$LOADMD/new")" -ge "$LOAD" ] &&
               postqueue -c "$PF_CONF" -p 2>/dev/null | grep -q 'Mail queue is empty'; }
# generous: under ASan each delivery costs several times more
wait_until 600 _load_done
sleep 1
is "$(count_files "$LOADMD/new")" "$LOAD" "(7) $LOAD message files in load's Maildir"
like "$(postqueue -c "$PF_CONF" -p 2>&1)" 'Mail queue is empty' "(7) Postfix's queue is empty"
is "$(count_files "$LOADMD/tmp")" 0 "(7) nothing left in tmp/"
# each file carries its queue id in Postfix's Received: line: the ids in
# the Maildir are the ids Postfix logged as sent, each exactly once
ids_md=$(grep -h -o -m 1 'with E*SMTP id [0-9A-Za-z]*' "$LOADMD"/new/* 2>/dev/null | awk '{print $4}' | sort)
ids_log=$(grep -F ' to=<load@example.com>,' "$PF_LOG" | grep ' status=sent ' |
          sed -n 's/.*: \([0-9A-Za-z]*\): to=<load@example.com>,.*/\1/p' | sort)
is "$(printf '%s\n' "$ids_md" | grep -c .)" "$LOAD" "(7) each file has a queue id"
is "$(printf '%s\n' "$ids_md" | sort -u | grep -c .)" "$LOAD" "(7) no queue id twice in the Maildir"
is "$(printf '%s\n' "$ids_log" | grep -c .)" "$LOAD" "(7) Postfix logged $LOAD status=sent"
if [ "$ids_md" = "$ids_log" ]; then ok "(7) the Maildir's ids are exactly the ids sent"
else not_ok "(7) the Maildir's ids are exactly the ids sent"
     diag "only in one of them: $(comm -3 <(printf '%s\n' "$ids_md") <(printf '%s\n' "$ids_log") | head -n 5 | tr '\n' ' ')"
fi
is "$(grep -F ' to=<load@example.com>,' "$PF_LOG" | grep -c -E ' status=(deferred|bounced) ')" 0 \
    "(7) none deferred or bounced"
is "$(grep -c 'status=sent (250 2.0.0 <load@example.com> delivered to INBOX)' "$PF_LOG")" "$LOAD" \
    "(7) each with the server's own reply"
diag "(7) $(( $(grep -c ' status=sent ' "$PF_LOG") - before )) deliveries logged"
check "(7) every file owned by load's uid" \
    test -z "$(find "$LOADMD/new" -type f ! -uid "$U2" | head -n 1)"

# nothing bounced but the unknown user, nothing deferred but carol's
is "$(grep -c ' status=bounced ' "$PF_LOG")" 1 "only the unknown user bounced"
is "$(grep -c ' status=deferred ' "$PF_LOG")" 1 "only the unwritable Maildir deferred"

# ---------------------------------------------- the end
# Postfix may still hold a cached connection: it gets 421 and is closed
lmtpd_stop "$LMTP_PID"
is "$?" 0 "lda-lmtpd exits by itself on SIGTERM"

done_testing
