#!/bin/bash
# t1020-userdb-privs.sh - delivering as the account's uid and gid
#
# Started as root, lda switches to the uid and gid a userdb gives for
# the recipient: the Maildir it creates and the message file belong to
# ldatest1 (or ldatest2, given by name); uid 0 or gid 0 in an entry is
# refused (75, 4.3.5, nothing delivered); an entry without a uid falls
# back to the "user" setting (nobody); without a gid, the "group"
# setting or the uid's own group applies.  Started as another user
# (setpriv), lda serves only accounts with its own uid (else 75, 4.3.5).
# The same for passwd-file and tcp (uid and gid in the JSON value).

. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/services/users.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root (switching to the accounts' uids)"
PATH=$PATH:/usr/sbin
for c in python3 setpriv useradd; do
    command -v "$c" >/dev/null 2>&1 || skip_all "$c is not installed"
done
if [ ! -x "$LDA" ]; then
    echo "1..1"; not_ok "lda binary under test exists: $LDA"; exit 1
fi
two_test_users
NOBODY_UID=$(id -u nobody)
NOBODY_GID=$(id -g nobody)
setpriv --reuid="$U1" --regid="$G1" --clear-groups -- test -x "$TEST_TMP" ||
    skip_all "ldatest1 cannot reach $TEST_TMP (set TMPDIR to a world-searchable directory)"

T=$TEST_TMP
# one Maildir base per owner (lda makes directories with umask 077)
mkdir -p "$T/vm1" "$T/vm2" "$T/vmn" "$T/vmroot"
chown "$U1:$G1" "$T/vm1"
chown "$U2:$G2" "$T/vm2"
chown nobody "$T/vmn"
chmod 777 "$T/vmroot"       # writable by anyone: a refusal is lda's, not the kernel's
mkdir -p "$T/vmgrp"
chown "root:$G2" "$T/vmgrp"
chmod 770 "$T/vmgrp"        # only for the group ldatest2

# diagl TEXT - diag each line of TEXT
diagl() { local l; [ -n "$1" ] || return 0; while IFS= read -r l; do diag "$l"; done <<< "$1"; }

# deliver CONF RCPT [LDA-ARGS...] - run lda as root (RC, OUT)
deliver() {
    local conf=$1 rcpt=$2
    shift 2
    sample_msg "to $rcpt" | run_lda -c "$conf" "$@" -f alice@example.org -d "$rcpt"
}

# deliver_as UID GID CONF RCPT - run lda as UID:GID, no other groups (RC, OUT)
deliver_as() {
    local uid=$1 gid=$2 conf=$3 rcpt=$4
    sample_msg "to $rcpt" | OUT=$(setpriv --reuid="$uid" --regid="$gid" --clear-groups -- \
        "$LDA" -c "$conf" -f alice@example.org -d "$rcpt" 2>&1)
    RC=$?
}

# owned_ok MAILDIR UID GID DESC - exit 0, one file in MAILDIR/new, and
# the Maildir, its new/ cur/ tmp/ and the file all owned by UID:GID
owned_ok() {
    local md=$1 want="$2:$3" f got
    is "$RC" 0 "$4: exit 0"
    [ "$RC" = 0 ] || diagl "$OUT"
    is "$(count_files "$md/new")" 1 "$4: one file in new/"
    f=$(find "$md/new" -maxdepth 1 -type f 2>/dev/null | head -n 1)
    got=$(for p in "$md" "$md/new" "$md/cur" "$md/tmp" ${f:+"$f"}; do
              stat -c %u:%g "$p" 2>/dev/null || echo missing
          done | sort -u | tr '\n' ' ')
    is "$got" "$want " "$4: Maildir, new/ cur/ tmp/ and the file owned by $want"
}

# refused_ok CODE DESC - exit 75, the first line starts with CODE
refused_ok() {
    is "$RC" 75 "$2: exit 75"
    like "$(first_line "$OUT")" "^${1//./\\.} " "$2: first line starts '$1'"
}

# nothing_in DIR DESC - DIR holds nothing at all
nothing_in() {
    check "$2: nothing created in ${1#"$T"/}" test -z "$(find "$1" -mindepth 1 -print -quit 2>/dev/null)"
}

# ------------------------------------------------------------ passwd-file
PW=$T/users.passwd
cat > "$PW" <<EOF
one@example.com:x:$U1:$G1::/nonexistent::userdb_mail=maildir:$T/vm1/%d/%n/Maildir userdb_quota_rule=*:storage=1M
two@example.com:x:ldatest2:ldatest2::/nonexistent::userdb_mail=maildir:$T/vm2/%d/%n/Maildir
root@example.com:x:0:$G1::/nonexistent::userdb_mail=maildir:$T/vmroot/%d/%n/Maildir
rootgid@example.com:x:$U1:0::/nonexistent::userdb_mail=maildir:$T/vmroot/%d/%n/Maildir
ovr@example.com:x:$U2:$G2::/nonexistent::userdb_mail=maildir:$T/vmroot/%d/%n/Maildir userdb_uid=0
nouid@example.com:x::::::userdb_mail=maildir:$T/vmn/%d/%n/Maildir
nogid@example.com:x:$U1:::/nonexistent::userdb_mail=maildir:$T/vm1/%d/%n/Maildir
nogid2@example.com:x:$U1:::/nonexistent::userdb_mail=maildir:$T/vm1/%d/%n/Maildir
grp1@example.com:x:$U1:$G1::/nonexistent::userdb_mail=maildir:$T/vmgrp/%n/Maildir
grp2@example.com:x:$U1:$G2::/nonexistent::userdb_mail=maildir:$T/vmgrp/%n/Maildir
EOF
chmod 644 "$PW"
C=$T/lda-passwd.conf
write_conf "$C" "userdb = passwd-file:$PW" "maildir = $T/vmroot/%d/%n/Maildir"
chmod 644 "$C"

deliver "$C" one@example.com
owned_ok "$T/vm1/example.com/one/Maildir" "$U1" "$G1" "passwd-file, uid/gid of ldatest1 ($U1:$G1)"
is "$(stat -c %u:%g "$T/vm1/example.com/one/Maildir/maildirsize" 2>/dev/null)" "$U1:$G1" \
    "... maildirsize owned by ldatest1 too"
is "$(stat -c %u:%g "$T/vm1/example.com" "$T/vm1/example.com/one" 2>/dev/null | sort -u)" "$U1:$G1" \
    "... and the directories lda made above the Maildir"
deliver "$C" two@example.com
owned_ok "$T/vm2/example.com/two/Maildir" "$U2" "$G2" "passwd-file, uid/gid by name ldatest2 ($U2:$G2)"

deliver "$C" root@example.com
refused_ok 4.3.5 "passwd-file, uid 0"
deliver "$C" rootgid@example.com
refused_ok 4.3.5 "passwd-file, gid 0"
deliver "$C" ovr@example.com
refused_ok 4.3.5 "passwd-file, userdb_uid=0 override"
nothing_in "$T/vmroot" "root accounts"

deliver "$C" nouid@example.com
owned_ok "$T/vmn/example.com/nouid/Maildir" "$NOBODY_UID" "$NOBODY_GID" \
    "passwd-file, entry without uid: the user setting (nobody)"

deliver "$C" nogid@example.com
owned_ok "$T/vm1/example.com/nogid/Maildir" "$U1" "$G1" \
    "passwd-file, entry without gid, no group setting: ldatest1's own group"
deliver "$C" nogid2@example.com -o group=ldatest2
is "$RC" 0 "passwd-file, entry without gid, group = ldatest2: exit 0"
f=$(find "$T/vm1/example.com/nogid2/Maildir/new" -type f 2>/dev/null | head -n 1)
is "$( [ -n "$f" ] && stat -c %u:%g "$f")" "$U1:$G2" "... file owned by ldatest1:ldatest2 (the group setting)"

# supplementary groups are dropped: lda started as root with ldatest2 as
# an extra group cannot use it for an account of ldatest1:ldatest1
# (the base vmgrp is root:ldatest2 0770), but the account with gid
# ldatest2 can
sample_msg grp | OUT=$(setpriv --groups="$G2" -- "$LDA" -c "$C" -f alice@example.org \
    -d grp1@example.com 2>&1)
RC=$?
is "$RC" 75 "root with supplementary group ldatest2, account ldatest1:ldatest1, base only for ldatest2: exit 75"
[ "$RC" = 75 ] || diagl "$OUT"
nothing_in "$T/vmgrp" "supplementary groups dropped"
deliver "$C" grp2@example.com
owned_ok "$T/vmgrp/grp2/Maildir" "$U1" "$G2" "account ldatest1:ldatest2 in the same base"

# lda started as ldatest1: its own account, yes; another uid's, no
deliver_as "$U1" "$G1" "$C" one@example.com
is "$RC" 0 "lda run as ldatest1 for an account of uid ldatest1: exit 0"
[ "$RC" = 0 ] || diagl "$OUT"
is "$(count_files "$T/vm1/example.com/one/Maildir/new")" 2 "... delivered (2 files in one's new/)"
deliver_as "$U1" "$G1" "$C" two@example.com
refused_ok 4.3.5 "lda run as ldatest1 for an account of uid ldatest2"
is "$(count_files "$T/vm2/example.com/two/Maildir/new")" 1 "... nothing delivered (still 1 file in two's new/)"

# ------------------------------------------------------------ tcp
if [ ! -f "$TESTS_DIR/services/accounts.sh" ]; then
    not_ok "tests/services/accounts.sh exists (tcp part)"
    done_testing; exit
fi
. "$TESTS_DIR/services/accounts.sh"
ACCTS=$T/accounts.json
python3 - "$ACCTS" "$T" "$U1" "$G1" <<'EOF'
import json, sys
path, t, u1, g1 = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
accounts = {
    "tone@example.com": {"uid": u1, "gid": g1, "maildir": t + "/vm1/%d/%n/Maildir", "quota": "1M"},
    "ttwo@example.com": {"uid": "ldatest2", "gid": "ldatest2", "maildir": t + "/vm2/%d/%n/Maildir"},
    "troot@example.com": {"uid": 0, "gid": g1, "maildir": t + "/vmroot/%d/%n/Maildir"},
    "trootgid@example.com": {"uid": u1, "gid": 0, "maildir": t + "/vmroot/%d/%n/Maildir"},
    "tnouid@example.com": {"maildir": t + "/vmn/%d/%n/Maildir"},
}
json.dump(accounts, open(path, "w"), indent=1)
EOF
if ! acct_start "$ACCTS"; then
    not_ok "account service started"
    done_testing; exit
fi
CT=$T/lda-tcp.conf
write_conf "$CT" "userdb = tcp:127.0.0.1:$ACCT_PORT" "userdb_timeout = 5s" \
    "maildir = $T/vmroot/%d/%n/Maildir"
chmod 644 "$CT"

deliver "$CT" tone@example.com
owned_ok "$T/vm1/example.com/tone/Maildir" "$U1" "$G1" "tcp, uid/gid of ldatest1 ($U1:$G1)"
is "$(stat -c %u:%g "$T/vm1/example.com/tone/Maildir/maildirsize" 2>/dev/null)" "$U1:$G1" \
    "... maildirsize owned by ldatest1 too"
deliver "$CT" ttwo@example.com
owned_ok "$T/vm2/example.com/ttwo/Maildir" "$U2" "$G2" "tcp, uid/gid by name ldatest2 ($U2:$G2)"
deliver "$CT" troot@example.com
refused_ok 4.3.5 "tcp, uid 0"
deliver "$CT" trootgid@example.com
refused_ok 4.3.5 "tcp, gid 0"
nothing_in "$T/vmroot" "tcp root accounts"
deliver "$CT" tnouid@example.com
owned_ok "$T/vmn/example.com/tnouid/Maildir" "$NOBODY_UID" "$NOBODY_GID" \
    "tcp, value without uid: the user setting (nobody)"

deliver_as "$U1" "$G1" "$CT" tone@example.com
is "$RC" 0 "tcp, lda run as ldatest1 for an account of uid ldatest1: exit 0"
[ "$RC" = 0 ] || diagl "$OUT"
is "$(count_files "$T/vm1/example.com/tone/Maildir/new")" 2 "... delivered (2 files in tone's new/)"
deliver_as "$U1" "$G1" "$CT" ttwo@example.com
refused_ok 4.3.5 "tcp, lda run as ldatest1 for an account of uid ldatest2"
is "$(count_files "$T/vm2/example.com/ttwo/Maildir/new")" 1 "... nothing delivered (still 1 file in ttwo's new/)"

done_testing
