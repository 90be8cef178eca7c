#!/bin/bash
# t1000-userdb-passwd.sh - accounts from a Dovecot passwd-file
#
# lda with "userdb = passwd-file:FILE" delivers each recipient into the
# Maildir its entry names (userdb_mail=maildir:~/Maildir with the home,
# or maildir:/path/%d/%n/Maildir), as its uid, with its quota rules
# (maildirsize's first line; over quota 75/4.2.2); keys are full
# addresses first, then local parts; +extensions are cut for the lookup.
# An unknown user is 67/5.1.1, a missing or unreadable file 75/4.3.0, an
# unusable entry (bad uid, mbox:, relative home, bad quota) 75/4.3.5
# naming the user and the field; a per-domain path (%d.passwd) works.
# Then a private Dovecot (IMAP on 127.0.0.1) uses the very same file as
# its passdb and userdb: each message shows up in its own user's INBOX
# and nowhere else, and Dovecot's quota limits agree with maildirsize.

. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/services/users.sh"
. "$TESTS_DIR/services/dovecot.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root (accounts with their own uids, Dovecot)"
PATH=$PATH:/usr/sbin
for c in python3 runuser setpriv useradd; do
    command -v "$c" >/dev/null 2>&1 || skip_all "$c is not installed"
done
if [ ! -x "$LDA" ]; then
    echo "1..1"; not_ok "lda binary under test exists: $LDA"; exit 1
fi
two_test_users
runuser -u ldatest1 -- test -x "$TEST_TMP" ||
    skip_all "ldatest1 cannot reach $TEST_TMP (set TMPDIR to a world-searchable directory)"

T=$TEST_TMP
# homes and Maildir bases, each owned by the account that writes there
# (lda creates directories with umask 077: one base per uid)
for h in alice:$U1 bob:$U2 carol:$U1 dave:$U2 erin:$U1 good:$U1 grace:$U1; do
    mkdir -p "$T/home/${h%%:*}"
    chown "${h#*:}" "$T/home/${h%%:*}"
done
mkdir -p "$T/vm1" "$T/vm2" "$T/fallback"
chown "$U1:$G1" "$T/vm1"
chown "$U2:$G2" "$T/vm2" "$T/fallback"

PW=$T/users.passwd
cat > "$PW" <<EOF
# user:password:uid:gid:gecos:home:shell:extra_fields (Dovecot passwd-file)
alice@example.com:{PLAIN}pw-alice:$U1:$G1:Alice:$T/home/alice::userdb_mail=maildir:~/Maildir userdb_quota_rule=*:storage=10M
bob:{PLAIN}pw-bob:$U2:$G2::$T/home/bob::userdb_mail=maildir:~/Maildir userdb_quota_rule=*:storage=20M userdb_quota_rule2=*:messages=100
carol@example.com:{PLAIN}pw-carol:$U1:$G1::$T/home/carol::userdb_mail=maildir:$T/vm1/%d/%n/Maildir userdb_quota_rule=*:storage=1M userdb_quota_rule2=*:messages=2
dave@example.org:{PLAIN}pw-dave:$U2:$G2::$T/home/dave::userdb_mail=maildir:$T/vm2/%d/%n/Maildir userdb_quota_rule=*:storage=2K
erin@example.com:{PLAIN}pw-erin-full:$U1:$G1::$T/home/erin::userdb_mail=maildir:$T/vm1/%d/%n/Maildir
erin:{PLAIN}pw-erin:$U1:$G1::$T/home/erin::userdb_mail=maildir:~/Maildir
EOF
chmod 644 "$PW"

C=$T/lda.conf
write_conf "$C" "userdb = passwd-file:$PW" "maildir = $T/fallback/%d/%n/Maildir" \
    "quota = 5M" "quota_messages = 1000" "create_folders = no"

MD_alice=$T/home/alice/Maildir
MD_bob=$T/home/bob/Maildir
MD_carol=$T/vm1/example.com/carol/Maildir
MD_dave=$T/vm2/example.org/dave/Maildir
MD_erinfull=$T/vm1/example.com/erin/Maildir
MD_erin=$T/home/erin/Maildir

# diagl TEXT - diag each line of TEXT
diagl() { local l; [ -n "$1" ] || return 0; while IFS= read -r l; do diag "$l"; done <<< "$1"; }

# msg SUBJECT [SIZE] - a message, padded to about SIZE bytes
msg() {
    printf 'From: sender@example.org\nTo: someone@example.com\nSubject: %s\nMessage-ID: <%s.t1000@example.org>\n\n' \
        "$1" "$1.$RANDOM"
    python3 -c "import sys; print('x' * max(0, int(sys.argv[1]) - 100))" "${2:-0}"
}

# deliver RCPT SUBJECT [SIZE] [LDA-ARGS...] - run lda (RC, OUT)
deliver() {
    local rcpt=$1 subj=$2 size=${3:-0}
    shift 3 2>/dev/null || shift $#
    msg "$subj" "$size" | run_lda -c "$C" "$@" -f sender@example.org -d "$rcpt"
}

# subjects_in MAILDIR - the Subject lines of the files in new/, sorted
subjects_in() {
    find "$1/new" -maxdepth 1 -type f -exec sed -n 's/^Subject: //p' {} + 2>/dev/null |
        sort | tr '\n' ' ' | sed 's/ $//'
}

# delivered_ok RCPT SUBJECT MAILDIR UID DESC - lda exited 0 and SUBJECT is
# in MAILDIR/new, in a file owned by UID
delivered_ok() {
    local f
    is "$RC" 0 "$5: exit 0"
    [ "$RC" = 0 ] || diagl "$OUT"
    f=$(grep -l "^Subject: $2\$" "$3"/new/* 2>/dev/null | head -n 1)
    if [ -n "$f" ]; then
        ok "$5: in ${3#"$T"/}/new"
        is "$(stat -c %u "$f")" "$4" "$5: file owned by uid $4"
    else
        not_ok "$5: in ${3#"$T"/}/new"
        diag "files with that subject: $(grep -rl "^Subject: $2\$" "$T" 2>/dev/null | tr '\n' ' ')"
        not_ok "$5: file owned by uid $4"
    fi
}

# ------------------------------------------------------------ deliveries
deliver alice@example.com a1
delivered_ok alice@example.com a1 "$MD_alice" "$U1" "alice@example.com (full key, ~/Maildir)"
deliver alice+news@example.com a2
delivered_ok alice+news@example.com a2 "$MD_alice" "$U1" "alice+news@example.com (extension cut for the lookup)"
deliver bob@example.com b1
delivered_ok bob@example.com b1 "$MD_bob" "$U2" "bob@example.com (local-part key)"
deliver bob+x@example.net b2
delivered_ok bob+x@example.net b2 "$MD_bob" "$U2" "bob+x@example.net (local-part key, other domain, extension)"
deliver carol@example.com c1
delivered_ok carol@example.com c1 "$MD_carol" "$U1" "carol@example.com (maildir:/path/%d/%n/Maildir)"
deliver carol@example.com c2
delivered_ok carol@example.com c2 "$MD_carol" "$U1" "carol@example.com, second message"
deliver dave@example.org d1 1200
delivered_ok dave@example.org d1 "$MD_dave" "$U2" "dave@example.org (1200 bytes of a 2K quota)"
deliver erin@example.com e1
delivered_ok erin@example.com e1 "$MD_erinfull" "$U1" "erin@example.com: the full-address entry wins over 'erin'"
deliver erin@example.org e2
delivered_ok erin@example.org e2 "$MD_erin" "$U1" "erin@example.org: the local-part entry 'erin'"

# quotas: the entry's rules replace the quota settings (5M, 1000
# messages) as a whole, as Dovecot's per-user quota_rule replaces its
# default rule; the settings apply when the entry has no rule
is "$(head -n 1 "$MD_alice/maildirsize" 2>/dev/null)" 10485760S "alice: maildirsize limits 10485760S (storage=10M)"
is "$(head -n 1 "$MD_bob/maildirsize" 2>/dev/null)" 20971520S,100C "bob: maildirsize limits 20971520S,100C (storage=20M, messages=100)"
is "$(head -n 1 "$MD_carol/maildirsize" 2>/dev/null)" 1048576S,2C "carol: maildirsize limits 1048576S,2C (storage=1M, messages=2)"
is "$(head -n 1 "$MD_dave/maildirsize" 2>/dev/null)" 2048S "dave: maildirsize limits 2048S (storage=2K alone: no message limit)"
is "$(head -n 1 "$MD_erin/maildirsize" 2>/dev/null)" 5242880S,1000C "erin (no quota rule): the quota settings, 5242880S,1000C"

deliver carol@example.com c3
is "$RC/$(first_line "$OUT" | cut -c1-5)" 75/4.2.2 "carol: a third message over messages=2 defers with 4.2.2"
is "$(subjects_in "$MD_carol")" "c1 c2" "... and carol's Maildir holds only c1 c2"
deliver dave@example.org d2 1200
is "$RC/$(first_line "$OUT" | cut -c1-5)" 75/4.2.2 "dave: a second 1200 bytes over storage=2K defers with 4.2.2"
is "$(subjects_in "$MD_dave")" d1 "... and dave's Maildir holds only d1"

# ------------------------------------------------------------ failures
# unknown_ok RCPT DESC [LDA-ARGS...] - 67 with 5.1.1 naming RCPT's key
unknown_ok() {
    local rcpt=$1 desc=$2 key
    shift 2
    key=$(printf '%s' "$rcpt" | sed 's/+[^@]*@/@/')
    deliver "$rcpt" unknown 0 "$@"
    is "$RC" 67 "$desc: exit 67"
    like "$(first_line "$OUT")" "^5\\.1\\.1 .*$key" "$desc: first line '5.1.1 ... $key'"
}
unknown_ok zed@example.com "unknown user zed@example.com"
unknown_ok zed+ext@example.com "unknown user with an extension"
check "nothing delivered for unknown users (fallback maildir untouched)" \
    test -z "$(find "$T/fallback" -mindepth 1 -print -quit)"

# temp_ok CODE DESC - exit 75 and the first line starts with CODE
temp_ok() {
    is "$RC" 75 "$2: exit 75"
    like "$(first_line "$OUT")" "^${1//./\\.} " "$2: first line starts '$1'"
}
deliver alice@example.com x 0 -o "userdb=passwd-file:$T/nonexistent.passwd"
temp_ok 4.3.0 "missing passwd-file"
deliver alice@example.com x 0 -o "userdb=passwd-file:$T/home"
temp_ok 4.3.0 "passwd-file is a directory"
# unreadable: lda started as ldatest1 (alice's own uid) cannot open a
# root-only copy of the file
cp "$PW" "$T/private.passwd"
chmod 600 "$T/private.passwd"
C1=$T/lda-u1.conf
cat > "$C1" <<EOF
userdb = passwd-file:$T/private.passwd
maildir = $T/fallback/%d/%n/Maildir
EOF
chmod 644 "$C1"
msg x | OUT=$(setpriv --reuid="$U1" --regid="$G1" --clear-groups -- \
    "$LDA" -c "$C1" -f sender@example.org -d alice@example.com 2>&1)
RC=$?
temp_ok 4.3.0 "passwd-file unreadable (lda run as ldatest1, file root's 0600)"
is "$(subjects_in "$MD_alice")" "a1 a2" "nothing delivered to alice by the failed attempts"

# unusable entries: 4.3.5 naming the user and the field; the other
# entries of the same file stay usable
BAD=$T/bad.passwd
cat > "$BAD" <<EOF
baduid@example.com:x:nosuchuser-t1000:$G1::$T/home/good::userdb_mail=maildir:~/Maildir
baduid2@example.com:x:12x:$G1::$T/home/good::userdb_mail=maildir:~/Maildir
mbox@example.com:x:$U1:$G1::$T/home/good::userdb_mail=mbox:~/mail:INBOX=/var/mail/mbox
relhome@example.com:x:$U1:$G1::home/relhome::userdb_mail=maildir:~/Maildir
badquota@example.com:x:$U1:$G1::$T/home/good::userdb_mail=maildir:~/Maildir userdb_quota_rule=*:storage=lots
good@example.com:x:$U1:$G1::$T/home/good::userdb_mail=maildir:~/Maildir
EOF
chmod 644 "$BAD"

# unusable_ok RCPT FIELD-PATTERN DESC - 75, 4.3.5 naming RCPT and FIELD
unusable_ok() {
    deliver "$1" x 0 -o "userdb=passwd-file:$BAD"
    temp_ok 4.3.5 "$3"
    like "$(first_line "$OUT")" "$1" "$3: the message names the user"
    like "$(first_line "$OUT")" "$2" "$3: the message names the field"
}
unusable_ok baduid@example.com uid "uid names no user"
unusable_ok baduid2@example.com uid "uid '12x' is not a number"
unusable_ok mbox@example.com 'userdb_mail|[^_]mail[^d]' "userdb_mail=mbox:"
unusable_ok relhome@example.com home "relative home"
unusable_ok badquota@example.com quota "quota rule storage=lots"
check "nothing delivered for the unusable entries" \
    test ! -e "$T/home/good/Maildir/new" -o -z "$(find "$T/home/good/Maildir/new" -type f -print -quit 2>/dev/null)"
deliver good@example.com g1 0 -o "userdb=passwd-file:$BAD"
delivered_ok good@example.com g1 "$T/home/good/Maildir" "$U1" "a good entry in the same file"

# per-domain files: passwd-file:DIR/%d.passwd
DOMS=$T/domains
mkdir -p "$DOMS"
cat > "$DOMS/example.net.passwd" <<EOF
frank:x:$U2:$G2::$T/home/frank::
EOF
cat > "$DOMS/example.org.passwd" <<EOF
grace@example.org:x:$U1:$G1::$T/home/grace::userdb_mail=maildir:~/Maildir userdb_quota_rule=*:messages=7
EOF
chmod 644 "$DOMS"/*.passwd
deliver frank@example.net f1 0 -o "userdb=passwd-file:$DOMS/%d.passwd"
delivered_ok frank@example.net f1 "$T/fallback/example.net/frank/Maildir" "$U2" \
    "per-domain file, entry without userdb_mail: the maildir setting"
is "$(head -n 1 "$T/fallback/example.net/frank/Maildir/maildirsize" 2>/dev/null)" 5242880S,1000C \
    "... and the quota settings"
deliver grace+list@example.org g2 0 -o "userdb=passwd-file:$DOMS/%d.passwd"
delivered_ok grace+list@example.org g2 "$T/home/grace/Maildir" "$U1" "per-domain file example.org.passwd"
is "$(head -n 1 "$T/home/grace/Maildir/maildirsize" 2>/dev/null)" 7C "... with its messages=7 alone: 7C (no storage limit)"
unknown_ok henry@example.net "per-domain file without the user" -o "userdb=passwd-file:$DOMS/%d.passwd"
deliver frank@example.com x 0 -o "userdb=passwd-file:$DOMS/%d.passwd"
temp_ok 4.3.0 "per-domain file missing (example.com.passwd)"

# everything each Maildir holds, once more, after all the failures
is "$(subjects_in "$MD_alice")" "a1 a2" "alice's Maildir: a1 a2"
is "$(subjects_in "$MD_bob")" "b1 b2" "bob's Maildir: b1 b2"
is "$(subjects_in "$MD_carol")" "c1 c2" "carol's Maildir: c1 c2"
is "$(subjects_in "$MD_dave")" "d1" "dave's Maildir: d1"
is "$(subjects_in "$MD_erinfull")" "e1" "erin@example.com's Maildir: e1"
is "$(subjects_in "$MD_erin")" "e2" "erin's Maildir: e2"

# ------------------------------------------------------------ dovecot
if ! command -v dovecot >/dev/null 2>&1 || ! command -v doveadm >/dev/null 2>&1 ||
   [ ! -e /usr/lib/dovecot/imap ]; then
    diag "dovecot or dovecot-imapd is not installed: IMAP part skipped"
    done_testing; exit
fi
dc_init_passwd dovecot "$PW" "$T" passwd-file
QUOTA_PLUGIN=
if [ -e /usr/lib/dovecot/modules/lib10_quota_plugin.so ]; then
    QUOTA_PLUGIN=yes
    dc_conf_append 'mail_plugins = $mail_plugins quota' \
        'plugin {' '  quota = maildir:User quota' '}'
fi
if ! dc_start; then
    not_ok "private dovecot (passwd-file userdb $PW) started"
    done_testing; exit
fi
ok "private dovecot (passwd-file userdb and passdb) started on 127.0.0.1:$DC_PORT"

# imap_has LOGIN PASSWORD WANT - every message of every mailbox of LOGIN over IMAP:
# only INBOX, holding exactly the subjects WANT
imap_has() {
    local login=$1 pass=$2 want=$3 dump=$T/imap/$1 boxes got
    if boxes=$(python3 "$TESTS_DIR/services/imap_dump.py" 127.0.0.1 "$DC_PORT" \
                "$login" "$pass" "$dump" 2>&1); then
        ok "IMAP: $login logs in with its own password, all mailboxes fetched"
    else
        not_ok "IMAP: $login logs in with its own password, all mailboxes fetched"
        diagl "$boxes"; diagl "$(tail -n 10 "$DC_LOG")"
    fi
    got=$(cat "$dump"/*/*.eml 2>/dev/null | tr -d '\r' | sed -n 's/^Subject: //p' | sort |
          tr '\n' ' ' | sed 's/ $//')
    is "$got" "$want" "IMAP: $login sees exactly: $want"
    is "$(printf '%s\n' "$boxes" | awk '{print $1}' | tr '\n' ' ')" "INBOX " \
        "IMAP: $login has only INBOX"
}
imap_has alice@example.com pw-alice "a1 a2"
imap_has bob pw-bob "b1 b2"
imap_has carol@example.com pw-carol "c1 c2"
imap_has dave@example.org pw-dave "d1"
imap_has erin@example.com pw-erin-full "e1"
imap_has erin pw-erin "e2"

# Dovecot reads the same quota rules: its limits equal maildirsize's
if [ -n "$QUOTA_PLUGIN" ]; then
    for u in alice@example.com:"$MD_alice" bob:"$MD_bob" carol@example.com:"$MD_carol" \
             dave@example.org:"$MD_dave"; do
        login=${u%%:*} md=${u#*:}
        first=$(head -n 1 "$md/maildirsize" 2>/dev/null)
        s=$(printf '%s' "$first" | tr ',' '\n' | sed -n 's/^ *\([0-9]*\)S$/\1/p')
        m=$(printf '%s' "$first" | tr ',' '\n' | sed -n 's/^ *\([0-9]*\)C$/\1/p')
        q=$(doveadm_ -f tab quota get -u "$login" 2>&1)
        want="$( [ -n "$s" ] && echo $(( (s + 1023) / 1024 )) || echo -)/${m:--}"
        got="$(printf '%s\n' "$q" | awk -F'\t' '$2=="STORAGE"{print ($4=="" ? "-" : $4)}')/$(
               printf '%s\n' "$q" | awk -F'\t' '$2=="MESSAGE"{print ($4=="" ? "-" : $4)}')"
        is "$got" "$want" "doveadm quota limits of $login (KiB/messages) agree with maildirsize '$first'"
    done
fi
is "$(grep -ciE 'error|panic|fatal|corrupt|broken' "$DC_LOG")" 0 "no errors in the Dovecot log"
diagl "$(grep -iE 'error|panic|fatal|corrupt|broken' "$DC_LOG" | head -n 10)"

done_testing
