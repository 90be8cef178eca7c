#!/bin/bash
# t0100 - delivery into new/, and every exit code with its status line
. "$(dirname "$0")/lib.sh"

M=$TEST_TMP/mail
C=$TEST_TMP/lda.conf
write_conf "$C" "maildir = $M/%d/%n/Maildir"
as_user mkdir -p "$M"

# deliver ARGS... - sample message through lda with config C
deliver() { sample_msg "$SUBJ" | run_lda -c "$C" "$@"; }

SUBJ=first
deliver -f alice@example.org -d bob@example.com
is "$RC" 0 "plain delivery exits 0"
is "$OUT" "" "a delivery prints nothing"
MD=$M/example.com/bob/Maildir
is "$(count_files "$MD/new")" 1 "one file in new/"
is "$(count_files "$MD/tmp")" 0 "nothing left in tmp/"
name=$(ls "$MD/new")
like "$name" '^[0-9]+\.M[0-9]{6}P[0-9]+\.[^/:]+,S=[0-9]+,W=[0-9]+$' \
    "file name is <sec>.M<usec>P<pid>.<host>,S=,W="
size=$(stat -c %s "$MD/new/$name")
lines=$(wc -l < "$MD/new/$name")
like "$name" ",S=$size,W=$((size + lines))\$" "S= is the size, W= the CRLF size"
is "$(stat -c %a "$MD/new/$name")" 600 "message file mode 0600"
is "$(head -n 2 "$MD/new/$name" | tr '\n' '|')" \
    "Return-Path: <alice@example.org>|Delivered-To: bob@example.com|" \
    "Return-Path and Delivered-To on top"
for d in tmp new cur; do
    check "created $d/" test -d "$MD/$d"
done

sample_msg | run_lda -V -c "$C" -f alice@example.org -d bob@example.com \
    -a Bob@Example.com
like "$OUT" 'to=<bob@example.com>, orig_to=<Bob@Example.com>, from=<alice@example.org>, folder=INBOX, size=[0-9]+, delay=[0-9.]+, status=sent \(new/[^ ]+\)' \
    "-V shows the syslog line"

sample_msg | run_lda -c "$C" -d 'bob/../x@example.com'
is "$RC" 67 "recipient with '/' exits 67"
like "$(first_line "$OUT")" '^5\.1\.3 ' "... with 5.1.3"
for bad in '.hidden@example.com' 'bob@..' 'a..b@example.com' \
           'bob@.example.com' "$(printf 'bo\001b@example.com')" 'bob@'; do
    sample_msg | run_lda -c "$C" -d "$bad"
    is "$RC/$(first_line "$OUT" | cut -c1-5)" "67/5.1.3" \
        "unsafe recipient refused: $(printf %q "$bad")"
done
check "nothing written outside the base" \
    test "$(find "$TEST_TMP" -name 'x' -o -name '.hidden' | wc -l)" = 0

write_conf "$TEST_TMP/nocreate.conf" "maildir = $M/%d/%n/Maildir" \
    "create_maildir = no"
sample_msg | run_lda -c "$TEST_TMP/nocreate.conf" -d nobody@example.com
is "$RC" 67 "unknown user (no Maildir, create_maildir = no) exits 67"
like "$(first_line "$OUT")" '^5\.1\.1 ' "... with 5.1.1"
sample_msg | run_lda -c "$TEST_TMP/nocreate.conf" -d bob@example.com
is "$RC" 0 "existing Maildir with create_maildir = no delivers"

write_conf "$TEST_TMP/nobase.conf" "maildir = $TEST_TMP/absent/%d/%n" \
    "create_maildir = no"
sample_msg | run_lda -c "$TEST_TMP/nobase.conf" -d bob@example.com
is "$RC" 75 "missing storage base defers (75), never bounces"
like "$(first_line "$OUT")" '^4\.2\.0 ' "... with 4.2.0"

chmod 500 "$MD/tmp"
deliver -d bob@example.com
is "$RC" 75 "unwritable Maildir defers (75)"
like "$(first_line "$OUT")" '^4\.2\.0 .*Permission denied' "... with 4.2.0"
chmod 700 "$MD/tmp"

printf 'Delivered-To: bob@example.com\nSubject: loop\n\nx\n' > "$TEST_TMP/loop"
run_lda -c "$C" -d bob@example.com < "$TEST_TMP/loop"
is "$RC" 0 "Delivered-To on top from the MTA is not a loop"
printf 'Delivered-To: bob@example.com\nReceived: x\nDelivered-To: bob@example.com\n\nx\n' \
    > "$TEST_TMP/loop2"
n=$(count_files "$MD/new")
run_lda -c "$C" -d bob@example.com < "$TEST_TMP/loop2"
is "$RC" 77 "a second Delivered-To for the recipient is a loop: 77"
like "$(first_line "$OUT")" '^5\.4\.6 ' "... with 5.4.6"
printf 'Subject: loop\nDelivered-To: Bob@Example.com\n\nx\n' \
    | run_lda -c "$C" -d bob@example.com
is "$RC/$(first_line "$OUT" | cut -c1-5)" "77/5.4.6" \
    "one Delivered-To below other fields is a loop when lda adds its own"
is "$(count_files "$MD/new")" "$n" "loops leave nothing in new/"

head -c 5000 /dev/zero | tr '\0' x | run_lda -c "$C" \
    -o message_size_limit=4000 -d bob@example.com
is "$RC" 77 "over message_size_limit exits 77"
like "$(first_line "$OUT")" '^5\.2\.3 ' "... with 5.2.3"
is "$(count_files "$MD/tmp")" 0 "... and leaves nothing in tmp/"

write_conf "$TEST_TMP/bad.conf" "maildir = $M/%n" "colour = blue"
deliver -c "$TEST_TMP/bad.conf" -d bob@example.com
is "$RC" 75 "unknown config key defers"
like "$(first_line "$OUT")" "^4\.3\.5 config '.*bad.conf' line [0-9]+: unknown key 'colour'" \
    "... naming file, line and key"
write_conf "$TEST_TMP/bad2.conf" "quota = lots"
deliver -c "$TEST_TMP/bad2.conf" -d bob@example.com
is "$RC/$(first_line "$OUT" | cut -c1-5)" "75/4.3.5" "unparsable value defers"
deliver -c "$TEST_TMP/missing.conf" -d bob@example.com
is "$RC/$(first_line "$OUT" | cut -c1-5)" "75/4.3.5" "missing -c file defers"
deliver -o 'no_such=1' -d bob@example.com
is "$RC/$(first_line "$OUT" | cut -c1-5)" "75/4.3.5" "bad -o defers"
write_conf "$TEST_TMP/rel.conf" "maildir = Maildir/%n"
deliver -c "$TEST_TMP/rel.conf" -d bob@example.com
is "$RC/$(first_line "$OUT" | cut -c1-5)" "75/4.3.5" "relative maildir defers"
deliver
is "$RC/$(first_line "$OUT" | cut -c1-5)" "75/4.3.5" "no -d defers"
sample_msg | run_lda -Z -d bob@example.com
is "$RC/$(first_line "$OUT" | cut -c1-5)" "75/4.3.5" "unknown option defers"
run_lda -h
is "$RC" 0 "-h exits 0"
like "$OUT" '^usage: lda' "-h prints usage"

if [ "$(id -u)" = 0 ]; then
    printf 'maildir = %s/root/%%n\n' "$M" > "$TEST_TMP/root.conf"
    sample_msg | run_lda -c "$TEST_TMP/root.conf" -d bob@example.com
    is "$RC/$(first_line "$OUT" | cut -c1-5)" "75/4.3.5" \
        "as root without 'user' defers"
    check "... and writes nothing" test ! -e "$M/root"
    printf 'maildir = %s/root/%%n\nuser = root\n' "$M" > "$TEST_TMP/root.conf"
    sample_msg | run_lda -c "$TEST_TMP/root.conf" -d bob@example.com
    is "$RC/$(first_line "$OUT" | cut -c1-5)" "75/4.3.5" "user = root refused"
    sample_msg | run_lda -c "$C" -d owner@example.com
    is "$(stat -c %U "$M/example.com/owner/Maildir/new")" "$LDA_USER" \
        "as root, files belong to the configured user"
fi

# Extra words after the options (maildrop's form) are ignored, even
# when they look like options.
sample_msg | run_lda -c "$C" -d bob@example.com news bob@example.com -x -f
is "$RC" 0 "extra positional words are ignored"

# Null senders.
for s in '' '<>' 'MAILER-DAEMON'; do
    sample_msg | run_lda -c "$C" -f "$s" -d null@example.com
    f=$(ls -t "$M/example.com/null/Maildir/new" | head -n 1)
    is "$(head -n 1 "$M/example.com/null/Maildir/new/$f")" "Return-Path: <>" \
        "sender '$s' is the null sender"
done

# The default maildir, ~/Maildir/: the delivering account's home.
mkdir -p "$TEST_TMP/home"
[ -n "$LDA_USER" ] && chown "$LDA_USER" "$TEST_TMP/home"
: > "$TEST_TMP/empty.conf"
OUT=$(sample_msg | as_user env HOME="$TEST_TMP/home" "$LDA" \
      -c "$TEST_TMP/empty.conf" -d home@example.com 2>&1)
RC=$?
is "$RC" 0 "the default maildir ~/Maildir/ is the home's"
is "$(count_files "$TEST_TMP/home/Maildir/new")" 1 "... one message there"

# Timeout: stdin that never ends gives 75 well within the limit.
mkfifo "$TEST_TMP/fifo"
( exec 3>"$TEST_TMP/fifo"; sleep 8 ) &
writer=$!
run_lda -c "$C" -o delivery_timeout=2 -d slow@example.com < "$TEST_TMP/fifo"
is "$RC/$(first_line "$OUT" | cut -c1-5)" "75/4.3.0" "delivery_timeout defers"
is "$(count_files "$M/example.com/slow/Maildir/tmp")" 0 \
    "... leaving nothing in tmp/"
kill "$writer" 2>/dev/null; wait "$writer" 2>/dev/null

done_testing
