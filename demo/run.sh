#!/bin/sh
# demo/run.sh LDA - deliver the sample message into ./demo/Maildir
#
# Delivers demo/sample.eml twice: to bob@example.com (INBOX) and to
# bob+news@example.com (folder .news, created by create_folders), then
# shows the files, the quota file and the new-mail event lda wrote into
# ./demo/outbox (lda-notifyd would send it on).  Run from the top of the
# checkout.
set -u
lda=$1
dir=$(pwd)/demo
md=$dir/Maildir
ob=$dir/outbox
as=
mkdir -p "$ob"
if [ "$(id -u)" = 0 ]; then
    # lda never writes as root: deliver as the checkout's owner, or nobody.
    as=$(stat -c %U "$dir")
    [ "$as" = root ] && as=nobody
    mkdir -p "$md" && chown "$as" "$md" "$ob"
    as="-o user=$as"
fi
for rcpt in bob@example.com bob+news@example.com; do
    # shellcheck disable=SC2086
    "$lda" -V -c "$dir/lda.conf" -o "maildir=$md" -o "outbox=$ob" $as \
        -d "$rcpt" -f alice@example.org \
        < "$dir/sample.eml"
    rc=$?
    echo "lda -d $rcpt: exit $rc"
    [ $rc = 0 ] || exit 1
done
echo
echo "Delivered into $md:"
find "$md" -type f | sort | sed "s|^$dir/||"
echo
echo "maildirsize (Maildir++ quota: limits, then <bytes> <messages> lines):"
cat "$md/maildirsize"
echo
f=$(ls -t "$md/new" | head -n 1)
echo "First lines of new/$f:"
head -n 4 "$md/new/$f"
echo
e=$(ls -t "$ob/new" | head -n 1)
echo "The last new-mail event, outbox/new/$e:"
cat "$ob/new/$e"
echo
