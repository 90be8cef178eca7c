#!/bin/bash
# t0500 - +extension and -m folders, unsafe folder names, tmp/ cleanup
. "$(dirname "$0")/lib.sh"

C=$TEST_TMP/lda.conf
MD=$TEST_TMP/Maildir
write_conf "$C" "maildir = $MD"

# newest_in DIR - newest file in DIR/new, or nothing
count_in() { count_files "$1/new"; }

sample_msg | run_lda -c "$C" -d bob+news@example.com
is "$RC/$(count_in "$MD")" "0/1" "+ext without the folder goes to INBOX"
check "... and no folder is made (create_folders = no)" test ! -e "$MD/.news"

as_user mkdir -p "$MD/.news/new" "$MD/.news/cur" "$MD/.news/tmp"
sample_msg | run_lda -V -c "$C" -d bob+news@example.com
is "$RC/$(count_in "$MD/.news")" "0/1" "+ext goes to an existing folder"
like "$OUT" 'folder=news, .*status=sent \(\.news/new/' "... and the log names it"
sample_msg | run_lda -c "$C" -d bob@example.com -e news
is "$(count_in "$MD/.news")" 2 "-e ext selects the folder"
sample_msg | run_lda -c "$C" -d bob@example.com -e '' -m news
is "$(count_in "$MD/.news")" 3 "-m folder selects it; empty -e ignored"
sample_msg | run_lda -c "$C" -d bob+news@example.com -m ''
is "$(count_in "$MD/.news")" 4 "empty -m is ignored"
sample_msg | run_lda -c "$C" -o recipient_delimiter=- -d bob-news@example.com
is "$(count_in "$MD/.news")" 5 "recipient_delimiter = - splits at '-'"

sample_msg | run_lda -c "$C" -o create_folders=yes -d bob+Lists.Debian@example.com
is "$RC" 0 "create_folders = yes delivers to a new folder"
is "$(count_in "$MD/.lists.debian")" 1 "... made as .lists.debian (addresses are lower-cased)"
check "... marked with maildirfolder" test -f "$MD/.lists.debian/maildirfolder"
check "... with tmp/ and cur/" test -d "$MD/.lists.debian/tmp" -a -d "$MD/.lists.debian/cur"
sample_msg | run_lda -c "$C" -o create_folders=yes -m 'R&D' -d bob@example.com
check "'&' is written as '&-' (modified UTF-7)" test -d "$MD/.R&-D/new"

before=$(count_in "$MD")
n=0
for bad in '../../etc' '.hidden' 'a/b' 'a..b' '..' 'INBOX' 'x.' \
           "$(printf 'tab\there')" "$(printf 'caf\303\251')" \
           "$(head -c 255 /dev/zero | tr '\0' f)"; do
    sample_msg | run_lda -c "$C" -o create_folders=yes -m "$bad" -d bob@example.com
    n=$((n + 1))
    is "$RC/$(count_in "$MD")" "0/$((before + n))" \
        "unsafe folder $(printf %q "$bad" | cut -c1-20) goes to INBOX"
done
check "no folder escaped the Maildir" \
    test "$(find "$TEST_TMP" -mindepth 1 -maxdepth 1 | wc -l)" -le 2
is "$(find "$MD" -maxdepth 1 -name '.*' -type d | LC_ALL=C sort | tr '\n' ' ')" \
   "$MD/.R&-D $MD/.lists.debian $MD/.news " "only the three good folders exist"
sample_msg | run_lda -c "$C" -o create_folders=yes -m "$(head -c 254 /dev/zero | tr '\0' f)" -d bob@example.com
is "$(count_files "$MD/.$(head -c 254 /dev/zero | tr '\0' f)/new")" 1 "a 254-byte name is fine"

# tmp/ cleanup: an old file goes once tmp/ was not looked at for hours.
as_user sh -c "echo old > '$MD/tmp/old'; echo new > '$MD/tmp/fresh'"
touch -d '40 hours ago' "$MD/tmp/old"
sample_msg | run_lda -c "$C" -d bob@example.com
check "tmp/ looked at recently: old file kept for now" test -e "$MD/tmp/old"
touch -a -d '9 hours ago' "$MD/tmp"
sample_msg | run_lda -c "$C" -d bob@example.com
check "tmp/ unlooked-at for 8 hours: file older than 36 hours removed" test ! -e "$MD/tmp/old"
check "... a fresh one kept" test -e "$MD/tmp/fresh"

done_testing
