#!/bin/bash
# t0800 - delivery to nfs:// Maildirs through a real NFSv4 server
# (nfs-ganesha on loopback): bytes, names, folders, quota, unknown users,
# missing storage, bad URLs, ownership and tmp/ cleanup over NFS
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/services/ganesha.sh"

[ "$(id -u)" = 0 ] || skip_all "nfs-ganesha needs root"

ns_init nfs
ns_start || { plan 1; not_ok "nfs-ganesha started"; exit 1; }
ok "nfs-ganesha serves $NS_URL (pid $(ns_pid))"

VM=$NS_EXPORT/vmail                     # what the server holds
mkdir "$VM"
chown "$LDA_USER" "$VM"
URL="nfs://127.0.0.1/export/vmail/%d/%n/Maildir?$NS_ARGS"
C=$TEST_TMP/lda.conf
write_conf "$C" "maildir = $URL" "hostname = mx1.example.net"
MD=$VM/example.com/bob/Maildir

# A message that takes many NFS writes: over 64 KiB, 8-bit, CRLF, long lines.
MSG=$TEST_TMP/msg
{
    printf 'From: Alice <alice@example.org>\r\nTo: bob@example.com\r\n'
    printf 'Subject: over NFS\r\nMessage-ID: <t0800@example.org>\r\n\r\n'
    for i in $(seq 3000); do printf 'line %d caf\303\251 \001\r\n' "$i"; done
    head -c 20000 /dev/zero | tr '\0' x
    printf '\r\nend\r\n'
} > "$MSG"

run_lda -c "$C" -f alice@example.org -d bob@example.com < "$MSG"
is "$RC" 0 "delivery over NFS exits 0"
is "$(count_files "$MD/new")" 1 "one file in the server's new/"
f=$(find "$MD/new" -type f | head -n 1)
{ printf 'Return-Path: <alice@example.org>\nDelivered-To: bob@example.com\n'
  tr -d '\r' < "$MSG"; } > "$TEST_TMP/want"
check "byte-exact: header lines, CRLF made LF" cmp -s "$TEST_TMP/want" "$f"
like "${f##*/}" "^[0-9]+\.M[0-9]{6}P[0-9]+\.mx1\.example\.net,S=$(stat -c %s "$f"),W=[0-9]+$" \
    "named with the configured host name and the real size"
is "$(stat -c %U "$f")" "$LDA_USER" "owned by the delivery account"
is "$(count_files "$MD/tmp")" 0 "nothing left in tmp/"

# The same message into a local Maildir: the two drivers agree.
write_conf "$TEST_TMP/local.conf" "maildir = $TEST_TMP/Maildir"
run_lda -c "$TEST_TMP/local.conf" -f alice@example.org -d bob@example.com < "$MSG"
check "local and NFS deliveries hold the same bytes" \
    cmp -s "$f" "$(find "$TEST_TMP/Maildir/new" -type f | head -n 1)"

sample_msg | run_lda -V -c "$C" -d bob@example.com
like "$OUT" "maildir 'nfs://127\.0\.0\.1/export/vmail/example\.com/bob/Maildir' \(storage root '/export/vmail', nfs driver\)" \
    "-V names the server, the mounted base and the driver"

# Folders
sample_msg | run_lda -c "$C" -d bob+news@example.com
is "$RC/$(count_files "$MD/new")" "0/3" "+ext without the folder goes to INBOX"
sample_msg | run_lda -c "$C" -o create_folders=yes -d bob+news@example.com
is "$RC/$(count_files "$MD/.news/new")" "0/1" "create_folders = yes makes .news over NFS"
check "... with maildirfolder, tmp/ and cur/" \
    test -f "$MD/.news/maildirfolder" -a -d "$MD/.news/tmp" -a -d "$MD/.news/cur"
sample_msg | run_lda -c "$C" -d bob+news@example.com
is "$RC/$(count_files "$MD/.news/new")" "0/2" "+ext into the existing folder"

# A Maildir and a folder half made (a crash while they were created)
# heal over NFS too.
HMD=$VM/example.com/heal/Maildir
mkdir -p "$HMD/tmp" "$HMD/.f/tmp"
chown -R "$LDA_USER" "$VM/example.com/heal"
sample_msg | run_lda -c "$C" -d heal@example.com
is "$RC/$(count_files "$HMD/new")" "0/1" "a Maildir with only tmp/ heals over NFS"
check "... cur/ made too" test -d "$HMD/cur"
sample_msg | run_lda -c "$C" -d heal+f@example.com
is "$RC/$(count_files "$HMD/.f/new")" "0/1" "a folder with only tmp/ heals over NFS"
check "... cur/ and maildirfolder made too" test -d "$HMD/.f/cur" -a -f "$HMD/.f/maildirfolder"

# Recipients are path parts, never URL text.
sample_msg | run_lda -c "$C" -d 'x?uid=0&version=3@example.com'
is "$RC" 0 "a local part holding URL syntax is delivered"
is "$(count_files "$VM/example.com/x?uid=0&version=3/Maildir/new")" 1 \
    "... into a directory of that literal name"
is "$(stat -c %U "$VM/example.com/x?uid=0&version=3/Maildir/new/"*)" "$LDA_USER" \
    "... as the delivery account, not uid 0"

# Quota over NFS
QC=$TEST_TMP/quota.conf
write_conf "$QC" "maildir = $URL" "quota = 10K"
QMD=$VM/example.com/carol/Maildir
n=0
for i in 1 2 3 4; do
    { printf 'Subject: q%d\n\n' "$i"; head -c 3000 /dev/zero | tr '\0' q; } \
        | run_lda -c "$QC" -d carol@example.com
    [ "$RC" = 0 ] && n=$((n + 1))
done
is "$n/$RC" "3/75" "quota = 10K: three 3 KB messages fit, the fourth defers"
like "$(first_line "$OUT")" '^4\.2\.2 mailbox full' "... with 4.2.2"
is "$(count_files "$QMD/new")" 3 "... and is not stored"
is_recounted "$QMD" "maildirsize on the server equals a recount"
check "no lock left" test ! -e "$QMD/maildirsize.lock"
{ printf 'Subject: q5\n\n'; head -c 3000 /dev/zero | tr '\0' q; } \
    | run_lda -c "$QC" -o quota_full=bounce -d carol@example.com
is "$RC/$(first_line "$OUT" | cut -c1-5)" "77/5.2.2" "quota_full = bounce: 77 and 5.2.2"

# Unknown users and missing storage
sample_msg | run_lda -c "$C" -o create_maildir=no -d nobody-here@example.com
is "$RC/$(first_line "$OUT" | cut -c1-5)" "67/5.1.1" \
    "create_maildir = no, no Maildir under an existing base: 67 (5.1.1)"
sample_msg | run_lda -c "$C" -o "maildir=nfs://127.0.0.1/export/missing/%d/%n/Maildir?$NS_ARGS" \
    -d bob@example.com
is "$RC" 75 "a base missing on the server defers"
like "$(first_line "$OUT")" '^4\.[0-9]\.[0-9] mount nfs://127\.0\.0\.1/export/missing\?.*\(nfs: ' \
    "... saying which mount failed, in the server's words"
check "... and creates nothing" test ! -e "$NS_EXPORT/missing"

# Bad URLs and unreachable servers are temporary, with a clear reason.
for bad in 'nfs://' 'nfs://127.0.0.1' 'nfs:///export/%n'; do
    sample_msg | run_lda -c "$C" -o "maildir=$bad" -d bob@example.com
    is "$RC/$(first_line "$OUT" | cut -c1-5)" "75/4.3.5" "maildir = $bad: 75 (4.3.5)"
done
for creds in uid=0 gid=0 'uid=5&gid=00'; do
    sample_msg | run_lda -c "$C" -o "maildir=nfs://127.0.0.1/export/vmail/%n?$NS_ARGS&$creds" \
        -d bob@example.com
    is "$RC/$(first_line "$OUT" | cut -c1-5)" "75/4.3.5" "URL argument $creds (root) refused: 75 (4.3.5)"
done
sample_msg | run_lda -c "$C" -o "maildir=nfs://127.0.0.1/export/vmail/%d/%n/Maildir?$NS_ARGS&uid=$(id -u "$LDA_USER")" \
    -d bob@example.com
is "$RC" 0 "URL argument uid=$(id -u "$LDA_USER") is used"
dead=$(free_port)
sample_msg | run_lda -c "$C" -o "maildir=nfs://127.0.0.1/export/vmail/%n?version=4&nfsport=$dead" \
    -d bob@example.com
is "$RC" 75 "no server listening: 75"
like "$(first_line "$OUT")" '^4\.[0-9]\.[0-9] mount ' "... naming the mount"

# tmp/ cleanup works over NFS too (tmp/'s atime records the last look).
echo old > "$MD/tmp/old"; echo new > "$MD/tmp/fresh"
chown "$LDA_USER" "$MD/tmp/old" "$MD/tmp/fresh"
touch -d '40 hours ago' "$MD/tmp/old"
touch -a -d '9 hours ago' "$MD/tmp"
sample_msg | run_lda -c "$C" -d bob@example.com
is "$RC" 0 "delivery with an old file in tmp/"
check "tmp/ file older than 36 hours removed over NFS" test ! -e "$MD/tmp/old"
check "... a fresh one kept" test -e "$MD/tmp/fresh"
check "... tmp/'s atime set to now" \
    test "$(( $(date +%s) - $(stat -c %X "$MD/tmp") ))" -lt 3600

# Sieve over NFS: the tmp/ file read back and linked into two folders
# (one with flags, into cur/), the vacation memory written on the server.
SV=$TEST_TMP/sieve
mkdir -p "$SV"
cat > "$SV/script.sieve" <<'EOS'
require ["fileinto", "copy", "imap4flags", "mailbox", "vacation"];
if header :contains "subject" "sieve over nfs" {
    fileinto :create :flags "\\Seen" "Junk";
    fileinto :copy :create "Lists/nfs";
    vacation :days 1 "Away.";
}
EOS
cat > "$SV/sendmail" <<'EOS'
#!/bin/sh
echo "$*" >> "$(dirname "$0")/calls"
cat > /dev/null
EOS
chmod 755 "$SV/sendmail"
chmod -R a+rwX "$SV"
for i in 1 2; do
    sample_msg "sieve over nfs" | run_lda -c "$C" -o "sieve=$SV/script.sieve" \
        -o "sendmail_path=$SV/sendmail" -f alice@example.org -d bob@example.com
    is "$RC" 0 "Sieve over NFS: delivery $i exits 0"
done
is "$(count_files "$MD/.Junk/cur")/$(count_files "$MD/.Lists.nfs/new")" "2/2" \
    "... into Junk's cur/ and Lists/nfs's new/ (made with :create)"
j=$(find "$MD/.Junk/cur" -type f | head -n 1)
like "${j##*/}" ':2,S$' "... the Junk copy flagged \\Seen"
is "$(stat -c %h "$j")" 2 "... one file linked into both folders"
is "$(ls "$MD/tmp")" "fresh" "... nothing of its own left in tmp/"
is "$(wc -l < "$SV/calls")" 1 "vacation answered once in its period over NFS"
check "... its memory on the server" test -s "$MD/lda-vacation"

done_testing
