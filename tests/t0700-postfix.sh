#!/bin/bash
# t0700-postfix.sh - Postfix delivers through lda with the shipped
# contrib/postfix-master.cf.snippet (pipe(8), flags=DRhu)
#
# A private Postfix instance (own config, queue and data directories under
# $TEST_TMP, smtpd on 127.0.0.1:<free port>) gets the snippet's master.cf
# stanza with only the binary path (plus "-c <test config>") and the user
# changed, and the snippet's main.cf settings.  Mail is submitted by swaks;
# results are read from the instance's maillog_file and the Maildirs.

. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/services/users.sh"
. "$TESTS_DIR/services/postfix.sh"

SNIPPET=$TOP_DIR/contrib/postfix-master.cf.snippet

[ "$(id -u)" = 0 ] || skip_all "needs root (private Postfix instance, pipe user)"
PATH=$PATH:/usr/sbin
for c in postfix postconf postqueue swaks python3 runuser; do
    command -v "$c" >/dev/null 2>&1 || skip_all "$c is not installed"
done
[ -x "$(postconf -h daemon_directory 2>/dev/null)/pipe" ] || skip_all "postfix pipe(8) daemon is missing"
if [ ! -x "$LDA" ]; then
    echo "1..1"; not_ok "lda binary under test exists: $LDA"; exit 1
fi
case "$LDA$TEST_TMP" in
    *[[:space:]]*) skip_all "pipe(8) argv= cannot carry paths with white space" ;;
esac

ensure_user "$LDA_TEST_USER" || skip_all "cannot create test user $LDA_TEST_USER"
U=$LDA_TEST_USER
runuser -u "$U" -- test -x "$TEST_TMP" ||
    skip_all "test user $U cannot reach $TEST_TMP (set TMPDIR to a world-searchable directory)"
# pipe(8) runs lda as $U: if $U cannot reach the build tree (e.g. a clone
# under /root), run a copy of the binary under test from $TEST_TMP instead
if ! runuser -u "$U" -- test -x "$LDA"; then
    mkdir -p "$TEST_TMP/bin"
    cp "$LDA" "$TEST_TMP/bin/lda" && chmod 755 "$TEST_TMP/bin" "$TEST_TMP/bin/lda"
    diag "$U cannot execute $LDA; using a copy at $TEST_TMP/bin/lda"
    LDA=$TEST_TMP/bin/lda
fi

# diagl TEXT - diag each line of TEXT
diagl() { local l; [ -n "$1" ] || return 0; while IFS= read -r l; do diag "$l"; done <<< "$1"; }

# ---------------------------------------------------------------- snippet
stanza=$(grep -v '^[[:space:]]*#' "$SNIPPET" | sed '/^[[:space:]]*$/d')
like "$stanza" '^lda +unix +- +n +n +- +- +pipe' "snippet: master.cf service line for lda"
like "$stanza" 'flags=DRhu user=vmail argv=/usr/local/bin/lda -f \$\{sender\} -d \$\{user\}@\$\{nexthop\} -e \$\{extension\} -a \$\{original_recipient\}$' \
    "snippet: pipe attributes and argv as documented"
maincf=$(sed -n 's/^#[[:space:]]*\(virtual_transport\|lda_destination_recipient_limit\|virtual_mailbox_domains\)[[:space:]]*=[[:space:]]*\(.*[^[:space:]]\)[[:space:]]*$/\1 = \2/p' "$SNIPPET")
like "$maincf" 'virtual_transport = lda' "snippet: main.cf virtual_transport = lda"
like "$maincf" 'lda_destination_recipient_limit = 1' "snippet: main.cf lda_destination_recipient_limit = 1"

# Only the binary (with -c <test config> after it) and the user change.
LCONF=$TEST_TMP/lda.conf
shopt -u patsub_replacement 2>/dev/null || true
stanza=${stanza/argv=\/usr\/local\/bin\/lda /argv=$LDA -c $LCONF }
stanza=${stanza/user=vmail /user=$U }
printf '%s\n' "$stanza" > "$TEST_TMP/master.cf.lda"
diag "master.cf entry under test:"; diagl "$stanza"

# ---------------------------------------------------------------- mailboxes
MAILROOT=$TEST_TMP/mail
mkmaildir() {       # mkmaildir DIR OWNER MODE
    mkdir -p "$1"/cur "$1"/new "$1"/tmp
    chown -R "$2" "$1"; chmod "$3" "$1" "$1"/cur "$1"/new "$1"/tmp
}
mkdir -p "$MAILROOT/example.com/bob" "$MAILROOT/example.com/carol"
chown -R "$U:$U" "$MAILROOT"
BOB=$MAILROOT/example.com/bob/Maildir
mkmaildir "$BOB" "$U:$U" 700
mkmaildir "$BOB/.news" "$U:$U" 700
# carol's Maildir exists but lda (running as $U) may not write it
CAROL=$MAILROOT/example.com/carol/Maildir
mkmaildir "$CAROL" root:root 700

cat > "$LCONF" <<EOF
# lda configuration for t0700-postfix.sh
maildir = $MAILROOT/%d/%n/Maildir
create_maildir = no
create_folders = no
recipient_delimiter = +
EOF
chmod 644 "$LCONF"

check "test user $U may run $LDA" runuser -u "$U" -- test -x "$LDA"

# ---------------------------------------------------------------- postfix
pf_init postfix
pf_master_append "$TEST_TMP/master.cf.lda"
while IFS= read -r line; do
    [ -n "$line" ] && pf_main "$line"
done <<< "$maincf"
# example.com is the snippet's example domain; accept every address in it
# and leave unknown users to lda (static:ok, as the snippet explains)
pf_main 'virtual_mailbox_domains = example.com' 'virtual_mailbox_maps = static:ok'
diag "postconf: $(postconf -c "$PF_CONF" -h virtual_transport) / $(postconf -c "$PF_CONF" -h lda_destination_recipient_limit)"

if ! pf_start; then
    not_ok "private postfix instance started"
    done_testing; exit
fi
ok "private postfix instance started on 127.0.0.1:$PF_PORT"

# msgfiles DIR - message files in DIR/new and DIR/cur
msgfiles() { find "$1/new" "$1/cur" -maxdepth 1 -type f 2>/dev/null | sort; }
# header_count FILE NAME - how often header NAME occurs in FILE's header
header_count() { awk -v h="$2" 'BEGIN{IGNORECASE=1; n=0} /^\r?$/{exit} index(tolower($0), tolower(h) ":")==1{n++} END{print n}' "$1"; }

# ---------------------------------------------- (1) one delivery to INBOX
if pf_send --from alice@example.org --to bob@example.com \
        --header 'Subject: t0700 inbox' --body 't0700 marker inbox'; then
    ok "(1) message to bob@example.com accepted ($PF_QID)"
    st=$(pf_wait_status "$PF_QID" bob@example.com 60)
    like "$st" 'relay=lda,.* status=sent ' "(1) status=sent via lda"
else
    not_ok "(1) message to bob@example.com accepted"
fi
files=$(msgfiles "$BOB")
n=$(printf '%s' "$files" | grep -c .)
is "$n" 1 "(1) exactly one message file in bob's Maildir INBOX"
is "$(msgfiles "$BOB/.news" | grep -c .)" 0 "(1) nothing in folder .news"
is "$(count_files "$BOB/tmp")" 0 "(1) bob's tmp/ is empty"
f=$(printf '%s\n' "$files" | head -n 1)
if [ -n "$f" ] && [ -f "$f" ]; then
    is "$(sed -n 1p "$f")" "Return-Path: <alice@example.org>" "(1) first line is Return-Path"
    is "$(sed -n 2p "$f")" "Delivered-To: bob@example.com" "(1) second line is Delivered-To"
    is "$(header_count "$f" Return-Path)" 1 "(1) exactly one Return-Path header"
    is "$(header_count "$f" Delivered-To)" 1 "(1) exactly one Delivered-To header"
    check "(1) subject and body arrived" \
        grep -q '^Subject: t0700 inbox' "$f"
    check "(1) body marker arrived" grep -q '^t0700 marker inbox' "$f"
    base=${f##*/}
    like "$base" '^[0-9]+\.M[0-9]+P[0-9]+\.[^/]+,S=[0-9]+,W=[0-9]+$' "(1) file name <sec>.M<usec>P<pid>.<host>,S=,W= ($base)"
    size=$(stat -c %s "$f")
    is "$(printf '%s' "$base" | sed -n 's/.*,S=\([0-9]*\).*/\1/p')" "$size" "(1) S= is the file size"
    is "$(printf '%s' "$base" | sed -n 's/.*,W=\([0-9]*\).*/\1/p')" "$((size + $(grep -c '' "$f")))" \
        "(1) W= is the size with CRLF line ends"
    is "$(stat -c %U "$f")" "$U" "(1) message file owned by the pipe user"
else
    not_ok "(1) delivered message file is readable"
fi

# ---------------------------------------------- (2) extension -> folder
if pf_send --from alice@example.org --to bob+news@example.com \
        --header 'Subject: t0700 news' --body 't0700 marker news'; then
    st=$(pf_wait_status "$PF_QID" bob+news@example.com 60)
    like "$st" 'relay=lda,.* status=sent ' "(2) bob+news@example.com: status=sent"
else
    not_ok "(2) message to bob+news@example.com accepted"
fi
nf=$(msgfiles "$BOB/.news")
is "$(printf '%s' "$nf" | grep -c .)" 1 "(2) one message in folder .news"
is "$(msgfiles "$BOB" | grep -c .)" 1 "(2) INBOX still holds only the first message"
f=$(printf '%s\n' "$nf" | head -n 1)
if [ -n "$f" ] && [ -f "$f" ]; then
    check "(2) it is the news message" grep -q '^t0700 marker news' "$f"
    is "$(sed -n 2p "$f")" "Delivered-To: bob+news@example.com" "(2) Delivered-To carries the full recipient"
    is "$(header_count "$f" Delivered-To)" 1 "(2) exactly one Delivered-To header"
else
    not_ok "(2) folder message file is readable"
fi

# ---------------------------------------------- (3) unknown user bounces
if pf_send --from alice@example.org --to nobody@example.com \
        --header 'Subject: t0700 unknown' --body 't0700 marker unknown'; then
    st=$(pf_wait_status "$PF_QID" nobody@example.com 60)
    like "$st" 'relay=lda,.* dsn=5\.1\.1, status=bounced ' "(3) unknown user: dsn=5.1.1 status=bounced"
    diag "(3) $st"
    # the bounce was made: the message left the queue
    ok=
    for i in $(seq 1 240); do
        pf_queue_has "$PF_QID" || { ok=1; break; }
        sleep 0.25
    done
    check "(3) bounced message left the queue" test -n "$ok"
else
    not_ok "(3) message to nobody@example.com accepted"
fi
check "(3) no Maildir created for the unknown user" \
    test ! -e "$MAILROOT/example.com/nobody"

# ---------------------------------------------- (4) unwritable -> deferred
if pf_send --from alice@example.org --to carol@example.com \
        --header 'Subject: t0700 unwritable' --body 't0700 marker unwritable'; then
    Q4=$PF_QID
    st=$(pf_wait_status "$Q4" carol@example.com 60)
    like "$st" 'relay=lda,.* dsn=4\.2\.0, status=deferred ' "(4) unwritable Maildir: dsn=4.2.0 status=deferred"
    diag "(4) $st"
    check "(4) message is still in the queue (postqueue -p)" pf_queue_has "$Q4"
    is "$(grep -F " $Q4: to=<carol@example.com>," "$PF_LOG" | grep -c 'status=bounced')" 0 \
        "(4) never bounced"
else
    not_ok "(4) message to carol@example.com accepted"
fi
is "$(find "$CAROL" -type f | wc -l | tr -d ' ')" 0 "(4) nothing written into carol's Maildir"

# nothing in this instance bounced except the unknown user
is "$(grep -c 'relay=lda,.*status=bounced' "$PF_LOG")" 1 "only the unknown user bounced"

done_testing
