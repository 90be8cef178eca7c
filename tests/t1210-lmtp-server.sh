#!/bin/bash
# t1210-lmtp-server.sh - lda-lmtpd as a server: privileges, envelope,
# big messages, signals, timeouts, reaping
#
# Started as root without lmtp_user, the listener and its connection
# processes stay root while each delivery is a child that becomes the
# account's uid: two accounts of one transaction get files of their own
# uids, and an account of ldatest1 whose Maildir lies in ldatest2's
# private base is refused by the kernel (4xx), not written as root.
# With lmtp_user = nobody everything runs as nobody and an account of
# another uid gets 451 4.3.5; started as ldatest1 the same for
# ldatest1.  ORCPT becomes orig_to= and the event's original_recipient
# as lda -a makes them; +detail and -m pick the folder as for lda;
# Return-Path and Delivered-To are added per recipient, as lda adds
# them.  A 5 MB message goes through an unlinked spool file in
# lmtp_spool_dir to two recipients byte for byte.  SIGTERM lets a
# transaction in flight finish (the socket gone at once, an idle client
# told 421 4.3.0, exit 0 at the end); SIGHUP rereads the settings and
# keeps the old ones when the new are broken; -t checks them (0 or 78);
# a busy address is 71, an unreadable config 78.  Command and DATA
# timeouts close the connection, delivering nothing; 50 hasty clients
# leave no zombie behind.

. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/services/users.sh"

[ -x "$LMTPD" ] || skip_all "no lda-lmtpd to test: $LMTPD"
[ "$(id -u)" = 0 ] || skip_all "needs root (the accounts' uids, lmtp_user)"
PATH=$PATH:/usr/sbin
for c in python3 setpriv useradd ps timeout; do
    command -v "$c" >/dev/null 2>&1 || skip_all "$c is not installed"
done
if [ ! -x "$LDA" ]; then
    echo "1..1"; not_ok "lda binary under test exists: $LDA"; exit 1
fi
two_test_users
setpriv --reuid="$U1" --regid="$G1" --clear-groups -- test -x "$TEST_TMP" ||
    skip_all "ldatest1 cannot reach $TEST_TMP (set TMPDIR to a world-searchable directory)"

T=$TEST_TMP
REAL_LMTPD=$LMTPD

# python3 resolved once: a version manager's shim on PATH can cost a
# second a call on a loaded machine, and this script (free_port, lmtp)
# starts Python some fifty times
PY3=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
if [ -x "$PY3" ]; then python3() { "$PY3" "$@"; }; fi

# diagl TEXT - diag each line of TEXT
diagl() { local l; [ -n "$1" ] || return 0; while IFS= read -r l; do diag "$l"; done <<< "$1"; }

# mkdir_for OWNER DIR... - make each DIR (mode 0700) owned by OWNER
mkdir_for() {
    local o=$1; shift
    mkdir -p "$@" && chown "$o" "$@" && chmod 700 "$@"
}

# waitfor SECONDS CMD... - poll CMD every 0.1 s until it succeeds
waitfor() {
    local n=$(($1 * 10)) i; shift
    for ((i = 0; i < n; i++)); do "$@" && return 0; sleep 0.1; done
    return 1
}

# has FILE ERE - FILE has a line matching ERE
has() { grep -Eq -- "$2" "$1" 2>/dev/null; }

# send ARGS... < MSG - one transaction over LMTP_SOCK (OUT, RC)
send() {
    OUT=$(lmtp send "$@" 2>&1)
    RC=$?
}

# lhlo_size - the SIZE line a new connection's LHLO shows
lhlo_size() {
    printf 'LHLO t1210.test\r\nQUIT\r\n' | lmtp raw --all --timeout 10 | grep '^250-SIZE' | tr -d '\r'
}

# users_of PID - the users of PID's children, sorted, unique, one line
users_of() { ps --ppid "$1" -o user= 2>/dev/null | sort -u | tr '\n' ' ' | sed 's/ $//'; }

# kids PID - the number of PID's children (zombies included)
kids() { ps --ppid "$1" --no-headers 2>/dev/null | wc -l | tr -d ' '; }

# cannot_connect ADDRESS - a connection to ADDRESS (/path or host:port)
# fails
cannot_connect() {
    python3 - "$1" <<'EOF'
import socket, sys
a = sys.argv[1]
try:
    if a.startswith("/"):
        s = socket.socket(socket.AF_UNIX)
        s.connect(a)
    else:
        h, p = a.rsplit(":", 1)
        s = socket.create_connection((h, int(p)), 5)
    s.close()
except OSError:
    sys.exit(0)
sys.exit(1)
EOF
}

# owner FILE - uid:gid of FILE ("missing" when there is none)
owner() { if [ -n "$1" ] && [ -e "$1" ]; then stat -c %u:%g "$1"; else echo missing; fi; }

# the_file DIR - the first regular file in DIR (empty when none)
the_file() { find "$1" -maxdepth 1 -type f 2>/dev/null | sort | head -n 1; }

# event RCPT FIELD - FIELD of the data of the message.new event for
# RCPT in the outbox OB, as JSON ("none": no such event, "several")
event() {
    python3 - "$OB/new" "$1" "$2" <<'EOF'
import json, os, sys
d, rcpt, field = sys.argv[1:]
found = []
for n in sorted(os.listdir(d)) if os.path.isdir(d) else []:
    e = json.load(open(os.path.join(d, n)))
    if e.get("type") == "message.new" and e["data"].get("recipient") == rcpt:
        found.append(e["data"])
if not found:
    print("none")
elif len(found) > 1:
    print("several")
else:
    print(json.dumps(found[0].get(field)))
EOF
}

# msg SUBJECT - a small message
msg() {
    printf 'From: Alice <alice@example.org>\nTo: bob@example.com\nSubject: %s\nMessage-ID: <%s.%s@t1210.example.org>\n\nHello.\n.leading dot\n' \
        "$1" "$1" "$RANDOM$RANDOM"
}

# ====================================================== root, no lmtp_user
# The accounts' bases are private to their uids: only a delivery that
# really runs as ldatest1 (or ldatest2) can make a Maildir there.
mkdir_for "$U1:$G1" "$T/vm1"
mkdir_for "$U2:$G2" "$T/vm2"
mkdir -p "$T/vmroot" && chmod 777 "$T/vmroot"
mkdir_for root "$T/sa" "$T/spoolA"
PW=$T/users.passwd
cat > "$PW" <<EOF
a@example.com:x:$U1:$G1::/nonexistent::userdb_mail=maildir:$T/vm1/%n/Maildir
b@example.com:x:$U2:$G2::/nonexistent::userdb_mail=maildir:$T/vm2/%n/Maildir
sneak@example.com:x:$U1:$G1::/nonexistent::userdb_mail=maildir:$T/vm2/%n/Maildir
root@example.com:x:0:0::/nonexistent::userdb_mail=maildir:$T/vmroot/%n/Maildir
n@example.com:x:$(id -u nobody):$(id -g nobody)::/nonexistent::userdb_mail=maildir:$T/vmn/%n/Maildir
other@example.com:x:$U1:$G1::/nonexistent::userdb_mail=maildir:$T/vm1/%n/Maildir
EOF
chmod 644 "$PW"
CA=$T/sa/lda.conf
write_conf "$CA" "userdb = passwd-file:$PW" "lmtp_spool_dir = $T/spoolA"
chmod 644 "$CA"

if lmtpd_start "$T/sa" "$CA"; then
    is "$(ps -o user= -p "$LMTP_PID")" root "root, no lmtp_user: the listener runs as root"
    msg privs | send --from alice@example.org --to a@example.com --to b@example.com \
        --to sneak@example.com --to root@example.com
    diagl "$OUT"
    like "$OUT" 'data: 250 2\.0\.0 <a@example\.com> delivered to INBOX' "... a (ldatest1) delivered"
    like "$OUT" 'data: 250 2\.0\.0 <b@example\.com> delivered to INBOX' "... b (ldatest2) delivered"
    like "$OUT" 'data: 45[12] 4\.[0-9]+\.[0-9]+ ' \
        "... sneak (ldatest1, Maildir in ldatest2's private base): a 45x reply"
    like "$(printf '%s\n' "$OUT" | grep '^data:' | sed -n 3p)" '^data: 45[12] 4\.' \
        "... and that reply is the third, sneak's"
    like "$(printf '%s\n' "$OUT" | grep '^data:' | sed -n 4p)" '^data: 451 4\.3\.5 ' \
        "... root (uid 0): 451 4.3.5"
    MA=$T/vm1/a/Maildir MB=$T/vm2/b/Maildir
    is "$(owner "$(the_file "$MA/new")")" "$U1:$G1" "... a's message owned by ldatest1"
    is "$(owner "$(the_file "$MB/new")")" "$U2:$G2" "... b's message owned by ldatest2"
    is "$(owner "$MA")/$(owner "$MB")" "$U1:$G1/$U2:$G2" "... and each Maildir by its account"
    is "$(ls "$T/vm2")" b "... nothing made for sneak in ldatest2's base"
    is "$(find "$T/vmroot" -mindepth 1 | wc -l)" 0 "... nothing made for root"

    # --- 5 MB, spooled, to both accounts -------------------------------------
    python3 - "$T/big.msg" <<'EOF'
import random, sys
r = random.Random(1210)
with open(sys.argv[1], "w") as f:
    f.write("From: alice@example.org\nTo: a@example.com\nSubject: big\n"
            "Message-ID: <big@t1210.example.org>\n\n")
    pool = "".join(r.choice("abcdefghij .:-") for _ in range(65536))
    n = 0
    while n < 5 * 1024 * 1024:
        k = r.choice((0, 1, 60, 76, 200, 998, 5000))
        o = r.randrange(65536 - k)
        line = pool[o:o + k]
        if r.random() < 0.05:
            line = "." + line          # dot-stuffed on the wire
        f.write(line + "\n")
        n += len(line) + 1
    f.write("." + "y" * 100000 + "\nend\n")   # one line of 100 KB
EOF
    rm -f "$T/go-big"
    lmtp send --from alice@example.org --to a@example.com --to b@example.com \
        --pause-at 3000000 --go "$T/go-big" < "$T/big.msg" > "$T/big.out" 2>&1 &
    bigc=$!
    waitfor 30 has "$T/big.out" '^paused'
    check "5 MB: the client paused after 3 MB of data" has "$T/big.out" '^paused'
    spooled() { find /proc/[0-9]*/fd -maxdepth 1 -lname "$T/spoolA/*" 2>/dev/null | grep -q .; }
    waitfor 10 spooled
    check "... meanwhile a file in lmtp_spool_dir is open" spooled
    is "$(ls -A "$T/spoolA")" "" "... and unlinked: the directory lists nothing"
    is "$(users_of "$LMTP_PID")" root "... the connection process runs as root"
    touch "$T/go-big"
    wait "$bigc"
    is "$?" 0 "... the client got a 250 for each recipient"
    diagl "$(cat "$T/big.out")"
    is "$(ls -A "$T/spoolA")" "" "... nothing left in lmtp_spool_dir afterwards"
    for m in "$MA" "$MB"; do
        f=$(find "$m/new" -type f -size +4M | head -n 1)
        check "... ${m#"$T"/}: the message after Return-Path and Delivered-To is byte-identical" \
            cmp -s <(tail -n +3 "${f:-/dev/null}") "$T/big.msg"
        is "$(head -n 2 "${f:-/dev/null}" | cut -d: -f1 | tr '\n' ' ')" "Return-Path Delivered-To " \
            "... ${m#"$T"/}: its first two lines are Return-Path and Delivered-To"
    done
    is "$(owner "$(find "$MA/new" -type f -size +4M | head -n 1)")/$(owner "$(find "$MB/new" -type f -size +4M | head -n 1)")" \
        "$U1:$G1/$U2:$G2" "... each copy owned by its account"
    is "$(find "$MA/tmp" "$MB/tmp" -type f | wc -l)" 0 "... nothing left in tmp/"
    lmtpd_stop "$LMTP_PID"
else
    not_ok "root, no lmtp_user: lda-lmtpd started"
fi

# ====================================================== root, lmtp_user = nobody
mkdir_for nobody "$T/vmn" "$T/sb" "$T/spoolB"
CB=$T/sb/lda.conf
write_conf "$CB" "userdb = passwd-file:$PW" "lmtp_user = nobody" "lmtp_spool_dir = $T/spoolB"
chmod 644 "$CB"
if lmtpd_start "$T/sb" "$CB"; then
    is "$(ps -o user= -p "$LMTP_PID")" nobody "lmtp_user = nobody: the listener runs as nobody"
    msg nobody | send --from alice@example.org --to n@example.com --to other@example.com
    diagl "$OUT"
    like "$OUT" 'data: 250 2\.0\.0 <n@example\.com> delivered to INBOX' "... n (uid nobody) delivered"
    is "$(owner "$(the_file "$T/vmn/n/Maildir/new")")" "$(id -u nobody):$(id -g nobody)" \
        "... its file owned by nobody"
    like "$(printf '%s\n' "$OUT" | grep '^data:' | sed -n 2p)" '^data: 451 4\.3\.5 ' \
        "... other (uid ldatest1): 451 4.3.5"
    check "... nothing made for other" test ! -e "$T/vm1/other"
    printf 'LHLO idle.test\r\n' | lmtp raw --timeout 20 > "$T/sb-idle.out" &
    idle=$!
    waitfor 10 has "$T/sb-idle.out" '^250'
    is "$(users_of "$LMTP_PID")" nobody "... a connection process runs as nobody"
    lmtpd_stop "$LMTP_PID"
    wait "$idle"
else
    not_ok "lmtp_user = nobody: lda-lmtpd started"
fi

# ====================================================== started as ldatest1
mkdir_for "$U1:$G1" "$T/sn" "$T/spoolN"
CN=$T/sn/lda.conf
write_conf "$CN" "userdb = passwd-file:$PW" "lmtp_spool_dir = $T/spoolN"
chmod 644 "$CN"
printf '#!/bin/sh\nexec setpriv --reuid=%s --regid=%s --clear-groups -- "%s" "$@"\n' \
    "$U1" "$G1" "$REAL_LMTPD" > "$T/as-ldatest1"
chmod 755 "$T/as-ldatest1"
LMTPD=$T/as-ldatest1
if lmtpd_start "$T/sn" "$CN"; then
    is "$(ps -o user= -p "$LMTP_PID")" ldatest1 "started as ldatest1: the listener runs as ldatest1"
    msg asuser | send --from alice@example.org --to a@example.com --to b@example.com
    diagl "$OUT"
    like "$OUT" 'data: 250 2\.0\.0 <a@example\.com> delivered to INBOX' "... a (ldatest1) delivered"
    like "$(printf '%s\n' "$OUT" | grep '^data:' | sed -n 2p)" '^data: 451 4\.3\.5 ' \
        "... b (ldatest2): 451 4.3.5"
    is "$(count_files "$T/vm1/a/Maildir/new")/$(count_files "$T/vm2/b/Maildir/new")" 3/2 \
        "... one more file for a, none for b"
    lmtpd_stop "$LMTP_PID"
else
    not_ok "started as ldatest1: lda-lmtpd started"
fi
LMTPD=$REAL_LMTPD

# ====================================================== envelope and folders
# root without lmtp_user, deliveries as nobody (the user setting)
OB=$T/ob
mkdir_for nobody "$T/m" "$T/ob" "$T/lda" "$T/sm"
C=$T/sm/lda.conf
write_conf "$C" "maildir = $T/m/%n/Maildir" "outbox = $OB" "create_folders = yes" \
    "message_size_limit = 10000000"
chmod 644 "$C"
if lmtpd_start "$T/sm" "$C"; then
    SM_PID=$LMTP_PID SM_PORT=$LMTP_PORT
    is "$(ps -o user= -p "$LMTP_PID")" root "envelope server: the listener runs as root"

    # --- ORCPT ------------------------------------------------------------------
    msg orcpt | send --from alice@example.org --to oscar@example.com --orcpt 'orig+2Bx@example.org'
    is "$RC" 0 "ORCPT: delivered"
    [ "$RC" = 0 ] || diagl "$OUT"
    like "$(cat "$LMTP_LOG")" 'to=<oscar@example\.com>, orig_to=<orig\+x@example\.org>, from=<alice@example\.org>, folder=INBOX, size=[0-9]+, delay=[0-9.]+, status=sent' \
        "... the log line has orig_to=<orig+x@example.org> (xtext decoded)"
    is "$(event oscar@example.com original_recipient)" '"orig+x@example.org"' \
        "... the event's original_recipient is orig+x@example.org"
    msg noorcpt | send --from alice@example.org --to nora@example.com
    is "$RC" 0 "no ORCPT: delivered"
    like "$(grep 'to=<nora@example.com>' "$LMTP_LOG")" '^lda-lmtpd: .*to=<nora@example\.com>, from=<alice@example\.org>, .*status=sent' \
        "... the log line has no orig_to"
    is "$(event nora@example.com original_recipient)" null "... the event's original_recipient is null"
    msg lda-a | run_lda -c "$C" -f alice@example.org -a 'orig+x@example.org' -d lisa@example.com
    is "$RC" 0 "lda -a orig+x@example.org: delivered"
    is "$(event lisa@example.com original_recipient)" "$(event oscar@example.com original_recipient)" \
        "... the same original_recipient as ORCPT gave"

    # --- +detail ----------------------------------------------------------------
    msg detail | send --from alice@example.org --to 'bob+news@example.com'
    like "$OUT" 'data: 250 2\.0\.0 <bob\+news@example\.com> delivered to news' \
        "+detail: delivered to news"
    is "$(count_files "$T/m/bob/Maildir/.news/new")" 1 "... the file is in .news/new"
    check "... a folder made with its maildirfolder" test -f "$T/m/bob/Maildir/.news/maildirfolder"

    # --- Return-Path, Delivered-To per recipient, as lda adds them -------------
    msg headers > "$T/headers.msg"
    send --from alice@example.org --to bob@example.com --to carol@example.com < "$T/headers.msg"
    is "$RC" 0 "two recipients: both delivered"
    fb=$(the_file "$T/m/bob/Maildir/new") fc=$(the_file "$T/m/carol/Maildir/new")
    is "$(head -n 2 "${fb:-/dev/null}" | tr '\n' '|')" 'Return-Path: <alice@example.org>|Delivered-To: bob@example.com|' \
        "... bob's copy starts with Return-Path and his Delivered-To"
    is "$(head -n 2 "${fc:-/dev/null}" | tr '\n' '|')" 'Return-Path: <alice@example.org>|Delivered-To: carol@example.com|' \
        "... carol's with Return-Path and hers"
    is "$(cat "${fb:-/dev/null}" "${fc:-/dev/null}" | grep -c '^Delivered-To:')" 2 \
        "... one Delivered-To in each"
    write_conf "$T/lda/lda.conf" "maildir = $T/lda/%n/Maildir"
    run_lda -c "$T/lda/lda.conf" -f alice@example.org -d bob@example.com < "$T/headers.msg"
    check "... bob's copy is byte for byte what lda delivers" \
        cmp "${fb:-/dev/null}" "$(the_file "$T/lda/bob/Maildir/new")"

    # --- many hasty clients: no zombie -----------------------------------------
    python3 - "$LMTP_SOCK" "$LMTP_PORT" <<'EOF'
import socket, sys
for i in range(50):
    if i % 2:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[2])), 5)
    else:
        s = socket.socket(socket.AF_UNIX)
        s.connect(sys.argv[1])
    s.close()
EOF
    sleep 1
    waitfor 10 test "$(kids "$LMTP_PID")" = 0
    is "$(kids "$LMTP_PID")" 0 "50 clients that connect and leave at once: the listener has no child left"
    msg after | send --from alice@example.org --to zed@example.com
    is "$RC" 0 "... and serves on"

    # --- -t, and the start failures -------------------------------------------
    OUT=$(timeout 20 "$LMTPD" -t -c "$C" -l "inet:127.0.0.1:$SM_PORT" 2>&1)
    RC=$?
    is "$RC" 0 "-t with good settings: exit 0 (the busy -l address is not bound)"
    [ "$RC" = 0 ] || diagl "$OUT"
    cp "$C" "$T/bad.conf"
    echo "quota = banana" >> "$T/bad.conf"
    OUT=$(timeout 20 "$LMTPD" -t -c "$T/bad.conf" 2>&1)
    RC=$?
    is "$RC" 78 "-t with quota = banana: exit 78"
    like "$OUT" '(^|lda-lmtpd: )4\.3\.5 .*quota' "... printing a 4.3.5 line naming quota"
    OUT=$(timeout 20 "$LMTPD" -c "$C" -l "inet:127.0.0.1:$SM_PORT" -P "$T/busy.pid" 2>&1)
    RC=$?
    is "$RC" 71 "start on an address in use: exit 71"
    check "... no pidfile" test ! -e "$T/busy.pid"
    mkdir_for nobody "$T/unread"
    chmod 600 "$C"
    OUT=$(timeout 20 setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
        "$LMTPD" -c "$C" -l "unix:$T/unread/s.sock" -P "$T/unread/pid" 2>&1)
    RC=$?
    chmod 644 "$C"
    is "$RC" 78 "start with an unreadable config: exit 78"
    [ "$RC" = 78 ] || diagl "$OUT"
    check "... nothing listening" test ! -e "$T/unread/s.sock"

    # --- SIGHUP ----------------------------------------------------------------
    is "$(lhlo_size)" "250-SIZE 10000000" "LHLO shows SIZE 10000000"
    sed -i 's/^message_size_limit = .*/message_size_limit = 20000000/' "$C"
    kill -HUP "$LMTP_PID"
    waitfor 10 test "$(lhlo_size)" = "250-SIZE 20000000"
    is "$(lhlo_size)" "250-SIZE 20000000" "SIGHUP after message_size_limit = 20000000: a new LHLO shows it"
    sed -i 's/^message_size_limit = .*/message_size_limit = 30000000/' "$C"
    echo "quota = banana" >> "$C"
    kill -HUP "$LMTP_PID"
    waitfor 10 has "$LMTP_LOG" 'banana'
    like "$(grep banana "$LMTP_LOG")" "quota" "SIGHUP with quota = banana: the log says what is wrong"
    check "... the server goes on" kill -0 "$LMTP_PID"
    is "$(lhlo_size)" "250-SIZE 20000000" "... with the previous settings (SIZE 20000000)"
    msg afterhup | send --from alice@example.org --to hugo@example.com
    is "$RC" 0 "... and delivers"
    is "$(count_files "$T/m/hugo/Maildir/new")" 1 "... (hugo's file is there)"
    lmtpd_stop "$LMTP_PID"
else
    not_ok "envelope server: lda-lmtpd started"
fi

# ====================================================== -m on the command line
mkdir_for nobody "$T/smf"
CM=$T/smf/lda.conf
write_conf "$CM" "maildir = $T/mf/%n/Maildir" "create_folders = yes"
chmod 644 "$CM"
mkdir_for nobody "$T/mf"
if lmtpd_start "$T/smf" "$CM" -m Archive; then
    msg archive | send --from alice@example.org --to 'bob+news@example.com' --to carol@example.com
    like "$OUT" 'data: 250 2\.0\.0 <bob\+news@example\.com> delivered to Archive' \
        "-m Archive: bob+news delivered to Archive"
    like "$OUT" 'data: 250 2\.0\.0 <carol@example\.com> delivered to Archive' \
        "... carol too"
    is "$(count_files "$T/mf/bob/Maildir/.Archive/new")/$(count_files "$T/mf/carol/Maildir/.Archive/new")" 1/1 \
        "... both files in .Archive/new"
    is "$(find "$T/mf" -path '*/.news*' | wc -l)/$(count_files "$T/mf/carol/Maildir/new")" 0/0 \
        "... none in .news or INBOX"
    msg lda-m | run_lda -c "$CM" -m Archive -f alice@example.org -d 'lena+news@example.com'
    is "$RC/$(count_files "$T/mf/lena/Maildir/.Archive/new")" 0/1 "as lda -m Archive does"
    lmtpd_stop "$LMTP_PID"
else
    not_ok "-m Archive: lda-lmtpd started"
fi

# ====================================================== SIGTERM
mkdir_for nobody "$T/st" "$T/t"
CT=$T/st/lda.conf
write_conf "$CT" "maildir = $T/t/%n/Maildir"
chmod 644 "$CT"
if lmtpd_start "$T/st" "$CT"; then
    ST_PID=$LMTP_PID
    rm -f "$T/go-term"
    { msg term; head -c 20000 /dev/zero | tr '\0' 'z'; echo; } > "$T/term.msg"
    lmtp send --from alice@example.org --to bob@example.com --to carol@example.com \
        --pause-at 5000 --go "$T/go-term" < "$T/term.msg" > "$T/term.out" 2>&1 &
    termc=$!
    printf 'LHLO idle.test\r\n' | lmtp raw --timeout 30 --end > "$T/idle.out" &
    idlec=$!
    waitfor 20 has "$T/term.out" '^paused'
    waitfor 20 has "$T/idle.out" '^250'
    check "SIGTERM: a client is in DATA" has "$T/term.out" '^paused'
    check "... another is idle after LHLO" has "$T/idle.out" '^250'
    kill -TERM "$ST_PID"
    waitfor 20 has "$T/idle.out" '^(closed|timeout)$'
    like "$(grep -v '^closed$' "$T/idle.out" | tail -n 1)" '^421 4\.3\.0 ' "... the idle client gets 421 4.3.0"
    is "$(tail -n 1 "$T/idle.out")" closed "... and is disconnected"
    waitfor 10 test ! -e "$LMTP_SOCK"
    check "... the socket is gone" test ! -e "$LMTP_SOCK"
    check "... a new connection is refused (unix)" cannot_connect "$LMTP_SOCK"
    check "... a new connection is refused (inet)" cannot_connect "127.0.0.1:$LMTP_PORT"
    check "... the server waits for the transaction in flight" kill -0 "$ST_PID"
    touch "$T/go-term"
    wait "$termc"
    is "$?" 0 "... the client sends the rest and gets its replies"
    is "$(grep -c '^data: 250 2\.0\.0 ' "$T/term.out")" 2 "... two 250s"
    [ "$(grep -c '^data: 250' "$T/term.out")" = 2 ] || diagl "$(cat "$T/term.out")"
    is "$(count_files "$T/t/bob/Maildir/new")/$(count_files "$T/t/carol/Maildir/new")" 1/1 \
        "... one file for each"
    waitfor 20 eval '! kill -0 "$ST_PID" 2>/dev/null'
    if kill -0 "$ST_PID" 2>/dev/null; then
        not_ok "... then the server exits"
    else
        wait "$ST_PID"
        is "$?" 0 "... then the server exits 0"
    fi
    check "... removing its pidfile" test ! -e "$T/st/lmtpd.pid"
    wait "$idlec"
else
    not_ok "SIGTERM: lda-lmtpd started"
fi

# ====================================================== timeouts
mkdir_for nobody "$T/sc" "$T/sd" "$T/to"
CC=$T/sc/lda.conf
write_conf "$CC" "maildir = $T/to/%n/Maildir" "lmtp_command_timeout = 2s"
chmod 644 "$CC"
if lmtpd_start "$T/sc" "$CC"; then
    OUT=$(printf 'LHLO idle.test\r\n' | lmtp raw --timeout 30 --end)
    like "$(printf '%s\n' "$OUT" | tail -n 2 | head -n 1)" '^421 4\.4\.2 ' \
        "lmtp_command_timeout = 2s: an idle client gets 421 4.4.2"
    is "$(printf '%s\n' "$OUT" | tail -n 1)" closed "... and is disconnected"
    lmtpd_stop "$LMTP_PID"
else
    not_ok "command timeout: lda-lmtpd started"
fi
CD=$T/sd/lda.conf
write_conf "$CD" "maildir = $T/to/%n/Maildir" "lmtp_data_timeout = 2s"
chmod 644 "$CD"
if lmtpd_start "$T/sd" "$CD"; then
    msg first | send --from alice@example.org --to dave@example.com
    is "$RC" 0 "lmtp_data_timeout = 2s: a first message delivered"
    OUT=$(msg stalled | lmtp send --from alice@example.org --to dave@example.com \
        --pause-at 40 --go "$T/never" --timeout 30 2>&1)
    RC=$?
    is "$(printf '%s\n' "$OUT" | tail -n 1)" closed "... a client idle in DATA is disconnected"
    [ "$(printf '%s\n' "$OUT" | tail -n 1)" = closed ] || diagl "$OUT"
    is "$(count_files "$T/to/dave/Maildir/new")" 1 "... nothing more delivered"
    is "$(count_files "$T/to/dave/Maildir/tmp")" 0 "... nothing left in tmp/"
    lmtpd_stop "$LMTP_PID"
else
    not_ok "DATA timeout: lda-lmtpd started"
fi

done_testing
