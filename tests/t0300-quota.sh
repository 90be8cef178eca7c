#!/bin/bash
# t0300 - Maildir++ quota: limits, refusals, warnings, recounts, the lock
. "$(dirname "$0")/lib.sh"

C=$TEST_TMP/lda.conf
MD=$TEST_TMP/Maildir
write_conf "$C" "maildir = $MD" "quota = 1000" "quota_warning = 50,90" \
    "add_headers = no"

# msg N - a message of exactly N bytes
msg() { python3 -c "import sys; sys.stdout.write('Subject: q\n\n' + 'x' * ($1 - 13) + '\n')"; }

# recount - "<bytes> <count>" summed over new/ and cur/ of every folder
recount() {
    find "$MD" -path "$MD/.Trash" -prune -o -type f \( -path '*/new/*' -o -path '*/cur/*' \) \
        -printf '%s\n' | awk '{b += $1; n++} END {printf "%d %d\n", b, n}'
}
# claimed - "<bytes> <count>" summed over maildirsize's delta lines
claimed() { claimed_in "$MD"; }
claimed_in() { awk 'NR > 1 {b += $1; n += $2} END {printf "%d %d\n", b, n}' "$1/maildirsize"; }

msg 300 | run_lda -V -c "$C" -f a@b -d bob@example.com
is "$RC" 0 "first message within quota"
is "$(head -n 1 "$MD/maildirsize")" "1000S" "maildirsize starts with the limits"
is "$(claimed)" "300 1" "maildirsize counts it"
msg 300 | run_lda -V -c "$C" -f a@b -d bob@example.com
like "$OUT" "quota warning: 50% reached: 600 of 1000 bytes" "crossing 50% is logged"
msg 300 | run_lda -V -c "$C" -f a@b -d bob@example.com
like "$OUT" "quota warning: 90% reached" "crossing 90% is logged"
unlike_50=$(printf '%s' "$OUT" | grep -c "50% reached")
is "$unlike_50" 0 "a threshold is logged once, when crossed"
msg 300 | run_lda -c "$C" -f a@b -d bob@example.com
is "$RC" 75 "over quota defers by default (75)"
like "$(first_line "$OUT")" '^4\.2\.2 mailbox full' "... with 4.2.2"
is "$(count_files "$MD/new")" 3 "... and nothing new in new/"
is "$(count_files "$MD/tmp")" 0 "... nor in tmp/"
is "$(claimed)" "$(recount)" "maildirsize equals a recount"
msg 300 | run_lda -c "$C" -o quota_full=bounce -f a@b -d bob@example.com
is "$RC/$(first_line "$OUT" | cut -c1-5)" "77/5.2.2" "quota_full = bounce: 77 with 5.2.2"
msg 1100 | run_lda -c "$C" -o quota=2000 -o quota_full=defer -f a@b -d carol@example.com \
    -o maildir="$TEST_TMP/carol"
is "$RC" 0 "a new limit takes effect"
msg 3000 | run_lda -c "$C" -o quota=2000 -f a@b -d carol@example.com -o maildir="$TEST_TMP/carol"
is "$RC/$(first_line "$OUT" | cut -c1-5)" "77/5.2.2" \
    "a message larger than the whole quota bounces even with defer"
is "$(head -n 1 "$TEST_TMP/carol/maildirsize")" "2000S" "new limits rewrite the first line"

# Messages limit.
M2=$TEST_TMP/count
for i in 1 2; do
    msg 100 | run_lda -c "$C" -o quota=0 -o quota_messages=2 -o maildir="$M2" -f a@b -d d@example.com
done
is "$(head -n 1 "$M2/maildirsize")" "2C" "message limit alone is written as 2C"
msg 100 | run_lda -c "$C" -o quota=0 -o quota_messages=2 -o maildir="$M2" -f a@b -d d@example.com
is "$RC/$(first_line "$OUT" | cut -c1-5)" "75/4.2.2" "a third message over quota_messages = 2 defers"

# Stale numbers: over quota on paper, but a recount shows room.
M3=$TEST_TMP/stale
msg 100 | run_lda -c "$C" -o maildir="$M3" -f a@b -d e@example.com
printf '1000S\n100 1\n800 3\n' > "$M3/maildirsize"
chown --reference="$M3/new" "$M3/maildirsize"
msg 300 | run_lda -c "$C" -o maildir="$M3" -f a@b -d e@example.com
is "$RC" 0 "apparently full with several delta lines: recounted, delivered"
is "$(tail -n +2 "$M3/maildirsize" | awk '{b+=$1;n+=$2} END {print b, n}')" "400 2" \
    "... and the file holds the recount"

# A file of 5120 bytes or more is recounted.
M4=$TEST_TMP/big
msg 100 | run_lda -c "$C" -o maildir="$M4" -o quota=10M -f a@b -d f@example.com
for i in $(seq 1 700); do echo "1 0"; echo "-1 0"; done >> "$M4/maildirsize"
msg 100 | run_lda -c "$C" -o maildir="$M4" -o quota=10M -f a@b -d f@example.com
check "a maildirsize over 5120 bytes is recounted" test "$(stat -c %s "$M4/maildirsize")" -lt 100
is "$(head -n 1 "$M4/maildirsize")" "10485760S" "sizes use 1024 multiples (10M)"

# Folders count in the root's maildirsize, Trash too (Dovecot's rule);
# quota_count_trash = no is Courier's: Trash neither counted nor limited.
M5=$TEST_TMP/folders
as_user mkdir -p "$M5/.lists/new" "$M5/.lists/cur" "$M5/.lists/tmp" "$M5/.Trash/cur"
as_user sh -c "printf 'trash' > '$M5/.Trash/cur/1.x,S=5000'"
msg 200 | run_lda -c "$C" -o maildir="$M5" -o quota=10000 -f a@b -d g+lists@example.com
is "$RC" 0 "delivery into a folder"
is "$(count_files "$M5/.lists/new")" 1 "... lands in the folder"
is "$(tail -n +2 "$M5/maildirsize" | awk '{b+=$1;n+=$2} END {print b, n}')" "5200 2" \
    "... counts in the root maildirsize, Trash counted too"
as_user rm -f "$M5/maildirsize"
msg 200 | run_lda -c "$C" -o maildir="$M5" -o quota=10000 -o quota_count_trash=no \
    -f a@b -d g+lists@example.com
is "$(tail -n +2 "$M5/maildirsize" | awk '{b+=$1;n+=$2} END {print b, n}')" "400 2" \
    "quota_count_trash = no: Trash not counted"

# -m Trash obeys the limit like any folder; with quota_count_trash = no
# it is the admin's choice that Trash takes mail past it, uncounted.
M7=$TEST_TMP/trash
for i in 1 2 3; do
    msg 300 | run_lda -c "$C" -o maildir="$M7" -o create_folders=yes -f a@b \
        -d t@example.com -m Trash
done
msg 300 | run_lda -c "$C" -o maildir="$M7" -o create_folders=yes -f a@b \
    -d t@example.com -m Trash
is "$RC/$(first_line "$OUT" | cut -c1-5)" "75/4.2.2" \
    "-m Trash past the quota is refused, after a recount"
is "$(count_files "$M7/.Trash/new")" 3 "... and not stored"
msg 300 | run_lda -c "$C" -o maildir="$M7" -o create_folders=yes \
    -o quota_count_trash=no -f a@b -d t@example.com -m Trash
is "$RC/$(count_files "$M7/.Trash/new")" "0/4" \
    "quota_count_trash = no: -m Trash delivers past the limit"

# The lock is honoured: a held maildirsize.lock makes lda wait, then defer.
M6=$TEST_TMP/locked
msg 100 | run_lda -c "$C" -o maildir="$M6" -f a@b -d h@example.com
as_user touch "$M6/maildirsize.lock"
msg 100 | run_lda -c "$C" -o maildir="$M6" -o delivery_timeout=2 -f a@b -d h@example.com
is "$RC/$(first_line "$OUT" | cut -c1-5)" "75/4.3.0" "a held lock is waited for, then 75"
is "$(count_files "$M6/new")/$(count_files "$M6/tmp")" "1/0" "... leaving nothing behind"
check "... and the other holder's lock in place" test -e "$M6/maildirsize.lock"
rm -f "$M6/maildirsize.lock"

# No limits: maildirsize is left alone.
M7=$TEST_TMP/nolimit
msg 100 | run_lda -c "$C" -o maildir="$M7" -o quota=0 -f a@b -d i@example.com
check "without limits no maildirsize is made" test ! -e "$M7/maildirsize"

done_testing
