#!/bin/bash
# t0200 - what lands in the file: line ends, From lines, odd bytes, size
. "$(dirname "$0")/lib.sh"

C=$TEST_TMP/lda.conf
MD=$TEST_TMP/Maildir
write_conf "$C" "maildir = $MD"

# deliver_file IN ARGS... - deliver IN; LAST is the newest file in new/
deliver_file() {
    local in=$1; shift
    run_lda -c "$C" "$@" < "$in"
    LAST=$MD/new/$(ls -t "$MD/new" | head -n 1)
}

# body_of FILE - FILE without lda's two added lines
body_of() { tail -n +3 "$1"; }

printf 'Subject: crlf\r\n\r\nline one\r\nline two\r\nlone\rcr\r\n' > "$TEST_TMP/crlf"
deliver_file "$TEST_TMP/crlf" -f a@example.org -d bob@example.com
is "$RC" 0 "CRLF message delivered"
is "$(body_of "$LAST" | od -An -c | tr -s ' ' | tr -d '\n')" \
   "$(printf 'Subject: crlf\n\nline one\nline two\nlone\rcr\n' | od -An -c | tr -s ' ' | tr -d '\n')" \
   "CRLF becomes LF, a lone CR stays"

printf 'From alice@example.org Mon Nov 23 10:00:00 2026\nSubject: mbox\n\nx\n' > "$TEST_TMP/from"
deliver_file "$TEST_TMP/from" -d bob@example.com
is "$(head -n 1 "$LAST")" "Return-Path: <alice@example.org>" \
    "without -f the sender comes from the From line"
check "the From line is dropped" sh -c "! grep -q '^From ' '$LAST'"
deliver_file "$TEST_TMP/from" -f other@example.org -d bob@example.com
is "$(head -n 1 "$LAST")" "Return-Path: <other@example.org>" "-f wins over the From line"

# A From line whose sender does not fit names no sender: not the null one.
{ printf 'From '; head -c 2000 /dev/zero | tr '\0' a; printf '@example.org Mon Nov 23 10:00:00 2026\nSubject: long\n\nx\n'; } \
    > "$TEST_TMP/longfrom"
deliver_file "$TEST_TMP/longfrom" -d bob@example.com
is "$(head -n 1 "$LAST")" "Delivered-To: bob@example.com" \
    "a From line's sender too long to keep: unknown, no Return-Path: <>"

sample_msg > "$TEST_TMP/nofrom"
deliver_file "$TEST_TMP/nofrom" -d bob@example.com
is "$(head -n 1 "$LAST")" "Delivered-To: bob@example.com" \
    "no -f and no From line: no Return-Path is invented"

printf 'Subject: odd\n\nnul\000byte \377\376 8-bit\n' > "$TEST_TMP/odd"
head -c 5000 /dev/zero | tr '\0' y >> "$TEST_TMP/odd"
printf '\nno final newline' >> "$TEST_TMP/odd"
deliver_file "$TEST_TMP/odd" -f a@example.org -d bob@example.com
is "$RC" 0 "NUL, 8-bit, a 5000-byte line and no final newline: delivered"
check "... byte for byte" cmp -s <(body_of "$LAST") "$TEST_TMP/odd"

: > "$TEST_TMP/empty"
deliver_file "$TEST_TMP/empty" -f a@example.org -d bob@example.com
is "$RC/$(wc -l < "$LAST")" "0/2" "an empty message gets just the two lines"

# The MTA (pipe(8) flags R and D) already wrote the trace lines.
printf 'Return-Path: <a@example.org>\nDelivered-To: bob+x@example.com\nSubject: t\n\nx\n' > "$TEST_TMP/trace"
deliver_file "$TEST_TMP/trace" -f a@example.org -d bob+x@example.com
is "$RC" 0 "message with the MTA's trace lines delivered"
check "... with no second copy of them" cmp -s "$LAST" "$TEST_TMP/trace"
deliver_file "$TEST_TMP/trace" -f a@example.org -d bob@example.com -e x
check "Delivered-To with the extension counts as ours" cmp -s "$LAST" "$TEST_TMP/trace"
deliver_file "$TEST_TMP/trace" -f a@example.org -d carol@example.com
is "$(sed -n 1p "$LAST")" "Delivered-To: carol@example.com" \
    "a Delivered-To for someone else gets ours added"

printf 'Return-Path: <other@example.net>\nSubject: t\n\nx\n' > "$TEST_TMP/otherrp"
deliver_file "$TEST_TMP/otherrp" -f a@example.org -d bob@example.com
is "$(sed -n 1p "$LAST")" "Return-Path: <a@example.org>" \
    "a Return-Path naming another sender does not replace ours"
printf 'Return-Path: <>\nDelivered-To: bob@example.com\n\nx\n' > "$TEST_TMP/nullrp"
deliver_file "$TEST_TMP/nullrp" -f MAILER-DAEMON -d bob@example.com
check "pipe(8)'s null-sender lines count as ours" cmp -s "$LAST" "$TEST_TMP/nullrp"

deliver_file "$TEST_TMP/nofrom" -o add_headers=no -f a@example.org -d bob@example.com
check "add_headers = no stores the message as is" cmp -s "$LAST" "$TEST_TMP/nofrom"

deliver_file "$TEST_TMP/nofrom" -f "$(printf 'evil@x\nBcc: victim@y')" -d bob@example.com
is "$(sed -n 1p "$LAST")" "Return-Path: <evil@x?Bcc: victim@y>" \
    "a sender cannot inject a header"

# A CR exactly at a 64 KiB read boundary, followed by LF.
{ head -c 65535 /dev/zero | tr '\0' z; printf '\r\nend\r\n'; } > "$TEST_TMP/edge"
deliver_file "$TEST_TMP/edge" -o add_headers=no -d bob@example.com
check "CRLF split across reads becomes LF" \
    cmp -s "$LAST" <(head -c 65535 /dev/zero | tr '\0' z; printf '\nend\n')

# 50 MB, streamed.
python3 - "$TEST_TMP/big" <<'PY'
import sys, random
r = random.Random(1)
with open(sys.argv[1], "wb") as f:
    f.write(b"Subject: big\r\n\r\n")
    line = bytes(r.randrange(33, 127) for _ in range(998)) + b"\r\n"
    for _ in range(50 * 1000 * 1000 // len(line)):
        f.write(line)
PY
deliver_file "$TEST_TMP/big" -o add_headers=no -d bob@example.com
is "$RC" 0 "50 MB message delivered"
check "... byte-exact after CRLF to LF" \
    cmp -s "$LAST" <(sed 's/\r$//' "$TEST_TMP/big")
size=$(stat -c %s "$LAST")
like "$LAST" ",S=$size,W=$(stat -c %s "$TEST_TMP/big")\$" \
    "... S= is the stored size, W= the CRLF size"
is "$(count_files "$MD/tmp")" 0 "nothing left in tmp/"

done_testing
