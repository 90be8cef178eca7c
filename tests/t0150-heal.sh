#!/bin/bash
# t0150 - half-made Maildirs and folders heal; storage root vs account
#
# A crash while a Maildir or folder is being made leaves some of tmp/,
# new/, cur/ (and a folder's maildirfolder) missing: the next delivery
# makes what is missing and delivers, with or without quota, whatever
# create_maildir says.  A new account whose home does not exist yet
# gets its home and Maildir on first delivery, below the storage root
# (which is never made: missing, it is storage not mounted, 4.2.0); the
# directories above the Maildir take the storage root's mode, the
# Maildir is 0700, all owned by the delivery account.
. "$(dirname "$0")/lib.sh"

C=$TEST_TMP/lda.conf
write_conf "$C" "add_headers = no" "create_folders = yes"
T=$TEST_TMP

# deliver MAILDIR [ARGS...] - one sample message
deliver() {
    local md=$1; shift
    sample_msg heal | run_lda -c "$C" -o maildir="$md" "$@" -f a@b -d bob@example.com
}

# whole DIR - tmp/, new/ and cur/ are directories
whole() { test -d "$1/tmp" && test -d "$1/new" && test -d "$1/cur"; }

# Every subset of tmp/ new/ cur/ a crash can leave, in the Maildir.
n=0
for have in "" tmp new cur "tmp new" "tmp cur" "new cur"; do
    for quota in 0 100000; do
        n=$((n + 1))
        md=$T/half$n
        as_user mkdir "$md"
        for d in $have; do as_user mkdir "$md/$d"; done
        deliver "$md" -o quota=$quota
        is "$RC/$(count_files "$md/new")" "0/1" \
            "Maildir with only '$have' (quota $quota): delivered"
        check "... and whole again" whole "$md"
    done
done

# create_maildir = no heals an existing Maildir too: the account exists.
md=$T/nocreate
as_user mkdir -p "$md/tmp"
deliver "$md" -o create_maildir=no
is "$RC/$(count_files "$md/new")" "0/1" "create_maildir = no: a half Maildir heals"

# Folders: every part missing in turn.
for have in "" tmp "tmp new" "cur new" maildirfolder; do
    n=$((n + 1))
    md=$T/fold$n
    as_user mkdir -p "$md/tmp" "$md/new" "$md/cur" "$md/.work"
    for d in $have; do
        if [ "$d" = maildirfolder ]; then as_user touch "$md/.work/$d"
        else as_user mkdir "$md/.work/$d"; fi
    done
    deliver "$md" -m work -o quota=100000
    is "$RC/$(count_files "$md/.work/new")" "0/1" "folder with only '$have': delivered"
    check "... and whole again" whole "$md/.work"
    check "... with maildirfolder" test -f "$md/.work/maildirfolder"
done

# A Maildir gone missing under the delivery: nothing but the root.
md=$T/bare
as_user mkdir "$md"
deliver "$md"
is "$RC" 0 "an empty Maildir directory is made whole"
check "... all three" whole "$md"
like "$(stat -c %a "$md/new")" '^700$' "... new/ is 0700"

# Storage root: a userdb home that does not exist yet.
S=$T/vmail
as_user mkdir "$S"
chmod 2750 "$S"
P=$T/passwd
uid=$(id -u "${LDA_USER:-$(id -un)}")
gid=$(id -g "${LDA_USER:-$(id -un)}")
echo "bob@example.com::$uid:$gid::$S/example.com/bob::userdb_mail=maildir:~/Maildir" > "$P"
echo "carol@example.com::$uid:$gid::$S/example.com/carol::" >> "$P"
echo "dave@example.org::$uid:$gid::$T/elsewhere/dave::" >> "$P"
write_conf "$T/u.conf" "userdb = passwd-file:$P" "storage_root = $S" "maildir = ~/Maildir"
sample_msg | run_lda -c "$T/u.conf" -f a@b -d bob@example.com
is "$RC" 0 "a new account whose home does not exist: delivered"
is "$(count_files "$S/example.com/bob/Maildir/new")" 1 "... into its new home's Maildir"
is "$(stat -c '%a %u' "$S/example.com")" "2750 $uid" \
    "... per-domain directory: the storage root's mode, the account's owner"
is "$(stat -c '%a %u' "$S/example.com/bob")" "2750 $uid" "... home: the same"
like "$(stat -c '%a %u' "$S/example.com/bob/Maildir")" "^2?700 $uid\$" \
    "... Maildir: 0700 (and the set-group-ID bit it inherits)"
sample_msg | run_lda -c "$T/u.conf" -f a@b -d carol@example.com
is "$RC/$(count_files "$S/example.com/carol/Maildir/new")" "0/1" \
    "a second account of the domain (default maildir = ~/Maildir)"
sample_msg | run_lda -c "$T/u.conf" -f a@b -d dave@example.org
is "$RC/$(first_line "$OUT" | cut -c1-5)" "75/4.3.5" \
    "a home outside every storage_root: 75 with 4.3.5"
like "$OUT" "outside every storage_root" "... saying why"
check "... and nothing made there" test ! -e "$T/elsewhere"

# The storage root missing is storage not mounted: 4.2.0, nothing made.
write_conf "$T/m.conf" "userdb = passwd-file:$P" "storage_root = $T/gone" \
    "maildir = ~/Maildir"
sed -i "s|$S|$T/gone|" "$P"
sample_msg | run_lda -c "$T/m.conf" -f a@b -d bob@example.com
is "$RC/$(first_line "$OUT" | cut -c1-5)" "75/4.2.0" "storage root missing: 75 with 4.2.0"
like "$OUT" "storage root '$T/gone' too" "... naming it"
check "... and nothing made under it" test ! -e "$T/gone"

# Without storage_root, a "~" Maildir's root is derived from its path:
# the first two directories when the Maildir is two levels below them.
sed -i "s|$T/gone|$S/d2|" "$P"
write_conf "$T/d.conf" "userdb = passwd-file:$P" "maildir = ~/Maildir"
sample_msg | run_lda -c "$T/d.conf" -V -f a@b -d bob@example.com
is "$RC/$(count_files "$S/d2/example.com/bob/Maildir/new")" "0/1" \
    "no storage_root: a new home below a derived root is made"
like "$OUT" "storage root '$(echo "$T" | cut -d/ -f1-3)'" \
    "... the derived root is the first two directories"

# A template with a variable guards its fixed part, as before.
sample_msg | run_lda -c "$C" -o maildir="$T/nobase/%d/%n" -f a@b -d bob@example.com
is "$RC/$(first_line "$OUT" | cut -c1-5)" "75/4.2.0" \
    "a template's missing fixed part: 75 with 4.2.0"
check "... nothing made" test ! -e "$T/nobase"

done_testing
