#!/bin/bash
# t1200-lmtp-protocol.sh - lda-lmtpd's side of the LMTP dialogue (RFC 2033)
#
# A client sends exact bytes (tests/services/lmtp_client.py) and the
# test checks each reply's code and enhanced status code: greeting and
# LHLO capabilities, the refusals (HELO/EHLO, sequence, syntax, unknown
# parameters and commands, SIZE), RSET NOOP VRFY HELP QUIT, a whole
# transaction pipelined in one write, the recipient limit, the command
# line limit, dot-stuffing and line ends in the stored file, one reply
# per recipient in RCPT order with each failure's "X.Y.Z text" equal to
# what lda prints for the same recipient and message, lda's log line, a
# client gone in the middle of DATA, a stalled client beside a healthy
# one, the command timeout and the error limit.  As root the server runs
# with lmtp_user = nobody (deliveries in its connection processes).

. "$(dirname "$0")/lib.sh"

[ -x "$LMTPD" ] || skip_all "lda-lmtpd under test not built: $LMTPD"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
if [ ! -x "$LDA" ]; then
    echo "1..1"; not_ok "lda binary under test exists: $LDA"; exit 1
fi

T=$TEST_TMP
ACCOUNT=${LDA_USER:-$(id -un)}
AUID=$(id -u "$ACCOUNT")
AGID=$(id -g "$ACCOUNT")
SERVER_OPTS=()
[ "$(id -u)" = 0 ] && SERVER_OPTS=(-o "lmtp_user=$ACCOUNT")
FROM=a@example.org

# Every recipient has an entry: local-part keys, the Maildir from the
# maildir setting; "full" may hold one message.
PW=$T/users.passwd
for u in bob c1 c2 c3 p1 p2 p3 m1 m2 m3 m4 ok1 ok2 loop abort next healthy stalled big; do
    echo "$u:x:$AUID:$AGID::$T/home/$u::"
done > "$PW"
echo "full:x:$AUID:$AGID::$T/home/full::userdb_quota_rule=*:messages=1" >> "$PW"
chmod 644 "$PW"
as_user mkdir -p "$T/mail" "$T/spool"
mkdir -p "$T/s1" "$T/s2"

C=$T/lda.conf
write_conf "$C" "userdb = passwd-file:$PW" "maildir = $T/mail/%n" \
    "message_size_limit = 10M"
chmod 644 "$C"
LIMIT=10485760

# diagl TEXT - diag each line of TEXT
diagl() { local l; [ -n "$1" ] || return 0; while IFS= read -r l; do diag "$l"; done <<< "$1"; }

# talk BYTES - send BYTES in one write; the replies (the last line of
# each, the greeting first) one a line, "(closed)" when the server closed
talk() { printf '%s' "$1" | lmtp raw --show-close --timeout 20; }

# crlf - standard input with each LF made CRLF
crlf() { sed 's/$/\r/'; }

# replies_are REPLIES WANT|DESC... - the Nth line of REPLIES is the Nth
# WANT (a whole line when WANT ends in "$", else a prefix such as
# "503 5.5.1 "), and there are no more lines than WANTs
replies_are() {
    local got=$1 n=0 w want line bad=0 lines; shift
    mapfile -t lines <<< "$got"
    for w in "$@"; do
        want=${w%%|*} line=${lines[n]-}
        n=$((n + 1))
        if [ "${want%\$}" != "$want" ]; then want=${want%\$}; else line=${line:0:${#want}}; fi
        [ "$line" = "$want" ] || bad=1
        is "$line" "$want" "${w#*|}"
    done
    [ "${#lines[@]}" = "$n" ] || bad=1
    is "${#lines[@]}" "$n" "... $n replies in all"
    [ "$bad" = 0 ] || { diag "all the replies:"; diagl "$got"; }
}

# stored_as NAME FILE DESC - NAME's Maildir holds one message, FILE
# under the Return-Path and Delivered-To lines lda puts on top, and
# nothing in tmp/
stored_as() {
    local md=$T/mail/$1 f
    f=$(find "$md/new" -type f 2>/dev/null | head -n 1)
    if [ "$(count_files "$md/new")" = 1 ] &&
       cmp -s "$f" <(printf 'Return-Path: <%s>\nDelivered-To: %s@example.com\n' "$FROM" "$1"; cat "$2"); then
        ok "$3"
    else
        not_ok "$3"
        diag "$1's new/: $(files_in "$md/new" | tr '\n' ' ')"
        [ -z "$f" ] || diagl "$(cmp <(printf 'Return-Path: <%s>\nDelivered-To: %s@example.com\n' "$FROM" "$1"; cat "$2") "$f" 2>&1)"
    fi
    is "$(count_files "$md/tmp")" 0 "... nothing left in $1's tmp/"
}

# none_for NAME DESC - nothing at all stored for NAME (no file under its Maildir)
none_for() { is "$(find "$T/mail/$1" -type f 2>/dev/null | wc -l)" 0 "$2"; }

# lda_says RCPT MSG [ARGS...] - the first line lda prints for RCPT and
# MSG with the same settings (and ARGS)
lda_says() {
    local rcpt=$1 msg=$2; shift 2
    run_lda -c "$C" "$@" -f "$FROM" -d "$rcpt" < "$msg"
    first_line "$OUT"
}

if ! lmtpd_start "$T/s1" "$C" "${SERVER_OPTS[@]}" -o "lmtp_spool_dir=$T/spool"; then
    not_ok "lda-lmtpd started"; done_testing; exit
fi
ok "lda-lmtpd started (unix:$LMTP_SOCK, 127.0.0.1:$LMTP_PORT)"

# lmtp_tcp MODE ARGS... - the scripted client over TCP
lmtp_tcp() { python3 "$TESTS_DIR/services/lmtp_client.py" "127.0.0.1:$LMTP_PORT" "$@"; }

# ------------------------------------------------------------ greeting, LHLO
R=$(printf 'LHLO client.example\r\nQUIT\r\n' | lmtp raw --all --show-close --timeout 20)
like "$(sed -n 1p <<< "$R")" '^220 [^ ]+ LMTP lda-lmtpd ready$' "greeting: 220 HOSTNAME LMTP lda-lmtpd ready"
H=$(sed -n 1p <<< "$R" | cut -d' ' -f2)
is "$(sed -n 2,7p <<< "$R" | tr '\n' '|')" \
    "250-$H|250-PIPELINING|250-ENHANCEDSTATUSCODES|250-8BITMIME|250-SIZE $LIMIT|250 DSN|" \
    "LHLO: 250-$H, PIPELINING, ENHANCEDSTATUSCODES, 8BITMIME, SIZE $LIMIT, DSN"
like "$(sed -n 8p <<< "$R")" '^221 2\.0\.0 ' "QUIT: 221 2.0.0"
is "$(sed -n '9,$p' <<< "$R")" "(closed)" "... and the server closes the connection"

# ------------------------------------------------------------ sequence
R=$(talk $'MAIL FROM:<a@example.org>\r\nRCPT TO:<bob@example.com>\r\nHELO client.example\r\nEHLO client.example\r\nLHLO\r\nLHLO client.example\r\nRCPT TO:<bob@example.com>\r\nDATA\r\nMAIL FROM:<a@example.org>\r\nMAIL FROM:<a@example.org>\r\nDATA\r\nRCPT TO:<../x@example.com>\r\nDATA\r\nLHLO client.example\r\nRCPT TO:<bob@example.com>\r\nQUIT\r\n')
replies_are "$R" \
    "220 |greeting" \
    "503 5.5.1 |MAIL before LHLO: 503 5.5.1" \
    "503 5.5.1 |RCPT before LHLO: 503 5.5.1" \
    "500 5.5.1 |HELO refused: 500 5.5.1" \
    "500 5.5.1 |EHLO refused: 500 5.5.1" \
    "501 5.5.4 |LHLO without a name: 501 5.5.4" \
    "250 DSN\$|LHLO" \
    "503 5.5.1 |RCPT before MAIL: 503 5.5.1" \
    "503 5.5.1 |DATA before MAIL: 503 5.5.1" \
    "250 2.1.0 Ok\$|MAIL: 250 2.1.0 Ok" \
    "503 5.5.1 |nested MAIL: 503 5.5.1" \
    "503 5.5.1 |DATA without recipients: 503 5.5.1" \
    "553 5.1.3 |unsafe recipient ../x@example.com: 553 5.1.3" \
    "503 5.5.1 |DATA with only a refused recipient: 503 5.5.1" \
    "250 DSN\$|LHLO again" \
    "503 5.5.1 |LHLO again ended the transaction: RCPT gets 503 5.5.1" \
    "221 2.0.0 |QUIT: 221 2.0.0" \
    "(closed)\$|... and the server closes the connection"

# ------------------------------------------------------------ syntax, other verbs
LONGFROM=$(head -c 1001 /dev/zero | tr '\0' s)@example.org
# each MAIL that should fail is followed by RSET: one accepted by
# mistake does not turn the next ones into nested MAILs
R=$(talk "LHLO client.example"$'\r\nXYZZY\r\nMAIL FROM:a@example.org\r\nRSET\r\nMAIL FROM <a@example.org>\r\nRSET\r\nMAIL FROM:<a@example.org> FOO=bar\r\nRSET\r\nMAIL FROM:<a\001b@example.org>\r\nRSET\r\n'"MAIL FROM:<$LONGFROM>"$'\r\nRSET\r\n'"MAIL FROM:<a@example.org> SIZE=$((LIMIT + 1))"$'\r\nRSET\r\n'"MAIL FROM:<a@example.org> SIZE=$LIMIT BODY=8BITMIME RET=HDRS ENVID=x+2By"$'\r\nRCPT TO:bob@example.com\r\nRCPT TO <bob@example.com>\r\nRCPT TO:<bob@example.com> NOTIFY=NEVER ORCPT=rfc822;bob+2Bx@example.com\r\nRSET\r\nRCPT TO:<bob@example.com>\r\nMAIL FROM:<>\r\nmail from:<a@example.org>\r\nnoop\r\nVRFY bob@example.com\r\nHELP\r\nQUIT\r\n')
replies_are "$R" \
    "220 |greeting" \
    "250 DSN\$|LHLO" \
    "500 5.5.2 |unknown command: 500 5.5.2" \
    "501 5.5.4 |MAIL FROM without <...>: 501 5.5.4" \
    "250 2.0.0 Ok\$|RSET" \
    "501 5.5.4 |MAIL FROM without the colon: 501 5.5.4" \
    "250 2.0.0 Ok\$|RSET" \
    "555 5.5.4 |unknown MAIL parameter FOO=bar: 555 5.5.4" \
    "250 2.0.0 Ok\$|RSET" \
    "501 5.1.7 |sender with a control character: 501 5.1.7" \
    "250 2.0.0 Ok\$|RSET" \
    "501 5.1.7 |sender over 1000 bytes: 501 5.1.7" \
    "250 2.0.0 Ok\$|RSET" \
    "552 5.3.4 |SIZE=$((LIMIT + 1)) over message_size_limit: 552 5.3.4" \
    "250 2.0.0 Ok\$|RSET" \
    "250 2.1.0 Ok\$|MAIL with SIZE=$LIMIT BODY RET ENVID: 250 2.1.0 Ok" \
    "501 5.5.4 |RCPT TO without <...>: 501 5.5.4" \
    "501 5.5.4 |RCPT TO without the colon: 501 5.5.4" \
    "250 2.1.5 Ok\$|RCPT with NOTIFY and ORCPT: 250 2.1.5 Ok" \
    "250 2.0.0 Ok\$|RSET: 250 2.0.0 Ok" \
    "503 5.5.1 |RSET ended the transaction: RCPT gets 503 5.5.1" \
    "250 2.1.0 Ok\$|MAIL FROM:<> (the null sender): 250 2.1.0 Ok" \
    "503 5.5.1 |lower-case 'mail from' is MAIL: nested, 503 5.5.1" \
    "250 2.0.0 Ok\$|lower-case 'noop': 250 2.0.0 Ok" \
    "252 2.5.0 |VRFY: 252 2.5.0" \
    "214 2.0.0 |HELP: 214 2.0.0" \
    "221 2.0.0 |QUIT: 221 2.0.0" \
    "(closed)\$|... and the server closes the connection"
none_for bob "nothing delivered without DATA"

# ------------------------------------------------------------ line lengths
# A command line may have 2048 bytes (CRLF excluded); a longer one gets
# one 500 5.5.2 and the rest of it is skipped.  Data lines have no limit.
L2048="VRFY $(head -c 2043 /dev/zero | tr '\0' v)"
L2049="VRFY $(head -c 2044 /dev/zero | tr '\0' v)"
L10K="NOOP $(head -c 9995 /dev/zero | tr '\0' n)"
{ printf 'Subject: long lines\n\n'
  head -c 5000 /dev/zero | tr '\0' f; echo
  head -c 70000 /dev/zero | tr '\0' s; echo
  echo end; } > "$T/long.msg"
R=$( { printf 'LHLO client.example\r\n%s\r\n%s\r\n%s\r\nMAIL FROM:<%s>\r\nRCPT TO:<c3@example.com>\r\nDATA\r\n' \
           "$L2048" "$L2049" "$L10K" "$FROM"
       crlf < "$T/long.msg"; printf '.\r\nQUIT\r\n'; } | lmtp raw --show-close --timeout 20)
replies_are "$R" \
    "220 |greeting" \
    "250 DSN\$|LHLO" \
    "252 2.5.0 |a command line of 2048 bytes is served: VRFY 252 2.5.0" \
    "500 5.5.2 line too long\$|a command line of 2049 bytes: 500 5.5.2 line too long" \
    "500 5.5.2 line too long\$|a command line of 10000 bytes: one 500 5.5.2 line too long" \
    "250 2.1.0 Ok\$|... and the session goes on: MAIL 250 2.1.0 Ok" \
    "250 2.1.5 Ok\$|RCPT 250 2.1.5 Ok" \
    "354 |DATA 354" \
    "250 2.0.0 <c3@example.com> delivered to INBOX\$|delivered: 250 2.0.0 <c3@example.com> delivered to INBOX" \
    "221 2.0.0 |QUIT" \
    "(closed)\$|closed"
stored_as c3 "$T/long.msg" "lines of 5,000 and 70,000 bytes in the data stored intact"

# ------------------------------------------------------------ dot-stuffing, line ends
# On the wire: "..hidden", ".x", "...two", ".." (a body line "." stuffed),
# a bare LF line end and a bare CR inside a line.
R=$(printf 'LHLO client.example\r\nMAIL FROM:<%s>\r\nRCPT TO:<c1@example.com>\r\nDATA\r\nSubject: dots\r\n\r\n..hidden\r\n.x\r\n...two\r\n..\r\nmiddle\r\nbare lf\nlone\rcr\r\nend\r\n.\r\nQUIT\r\n' "$FROM" |
    lmtp raw --show-close --timeout 20)
replies_are "$R" \
    "220 |greeting" "250 DSN\$|LHLO" "250 2.1.0 Ok\$|MAIL" "250 2.1.5 Ok\$|RCPT" "354 |DATA" \
    "250 2.0.0 <c1@example.com> delivered to INBOX\$|the dotted message is delivered" \
    "221 2.0.0 |QUIT" "(closed)\$|closed"
printf 'Subject: dots\n\n.hidden\nx\n..two\n.\nmiddle\nbare lf\nlone\rcr\nend\n' > "$T/dots.want"
stored_as c1 "$T/dots.want" "stored unstuffed ('..hidden' '.x' '...two' '..' as '.hidden' 'x' '..two' '.'), CRLF as LF, the bare CR kept"

R=$(printf 'LHLO client.example\nMAIL FROM:<%s>\nRCPT TO:<c2@example.com>\nDATA\nSubject: lf\n\n..dot\nline\n.\nQUIT\n' "$FROM" |
    lmtp raw --show-close --timeout 20)
replies_are "$R" \
    "220 |greeting" "250 DSN\$|bare LF commands: LHLO" "250 2.1.0 Ok\$|bare LF commands: MAIL" \
    "250 2.1.5 Ok\$|bare LF commands: RCPT" "354 |bare LF commands: DATA" \
    "250 2.0.0 <c2@example.com> delivered to INBOX\$|bare LF data ended by '.' and a bare LF: delivered" \
    "221 2.0.0 |bare LF commands: QUIT" "(closed)\$|closed"
printf 'Subject: lf\n\n.dot\nline\n' > "$T/lf.want"
stored_as c2 "$T/lf.want" "bare LF data stored with LF, unstuffed"

# ------------------------------------------------------------ pipelining
sample_msg pipelined > "$T/pipe.msg"
R=$( { printf 'LHLO client.example\r\nMAIL FROM:<%s>\r\nRCPT TO:<p1@example.com>\r\nRCPT TO:<p2@example.com>\r\nRCPT TO:<p3@example.com>\r\nDATA\r\n' "$FROM"
       crlf < "$T/pipe.msg"; printf '.\r\nQUIT\r\n'; } | lmtp raw --show-close --timeout 20)
replies_are "$R" \
    "220 |pipelined: greeting" "250 DSN\$|pipelined: LHLO" "250 2.1.0 Ok\$|pipelined: MAIL" \
    "250 2.1.5 Ok\$|pipelined: RCPT p1" "250 2.1.5 Ok\$|pipelined: RCPT p2" "250 2.1.5 Ok\$|pipelined: RCPT p3" \
    "354 |pipelined: DATA" \
    "250 2.0.0 <p1@example.com> delivered to INBOX\$|pipelined: first reply after DATA is p1's" \
    "250 2.0.0 <p2@example.com> delivered to INBOX\$|pipelined: then p2's" \
    "250 2.0.0 <p3@example.com> delivered to INBOX\$|pipelined: then p3's" \
    "221 2.0.0 |pipelined: QUIT" "(closed)\$|pipelined: closed"
for u in p1 p2 p3; do stored_as "$u" "$T/pipe.msg" "pipelined: $u holds the message"; done

# ------------------------------------------------------------ the log line
# lmtpd_logline RCPT - the last "to=<RCPT>" line lda-lmtpd logged
lmtpd_logline() { grep -a "^lda-lmtpd: to=<$1>" "$LMTP_LOG" | tail -n 1; }
# shape LINE - LINE without its program name, addresses, size, delay, file name
shape() {
    sed -E 's/^[a-z-]+: //; s/<[^>]*>/<A>/g; s/size=[0-9]+/size=N/; s/delay=[0-9]+\.[0-9]{3}/delay=D/; s/ \(new\/[^)]*\)$/ (new\/F)/' <<< "$1"
}
LOGL=$(lmtpd_logline p2@example.com)
F=$(files_in "$T/mail/p2/new" | head -n 1)
is "$LOGL" "lda-lmtpd: to=<p2@example.com>, from=<$FROM>, folder=INBOX, size=$(stat -c %s "$T/mail/p2/new/$F" 2>/dev/null), delay=${LOGL##*delay=}" \
    "log line for p2: to=<p2@example.com>, from=<$FROM>, folder=INBOX, size= the stored size"
like "$LOGL" ", delay=[0-9]+\.[0-9]{3}, status=sent \(new/$F\)\$" "... status=sent (new/ the file in p2's new/)"
run_lda -V -c "$C" -f "$FROM" -d bob@example.com < "$T/pipe.msg"
is "$(shape "$LOGL")" "$(shape "$(grep -a '^lda: to=<' <<< "$OUT" | tail -n 1)")" \
    "... the same shape as lda's line for a delivery"
rm -rf "$T/mail/bob"

# ------------------------------------------------------------ mixed outcomes
# ok1 delivered; zed unknown; full over its 1-message quota; ../x unsafe
# (refused at RCPT); loop already delivered to twice; ok2 delivered.
sample_msg first | run_lda -c "$C" -f "$FROM" -d full@example.com
is "$RC" 0 "full's one allowed message delivered by lda"
printf 'Delivered-To: loop@example.com\nReceived: from relay.example by mx.example\nDelivered-To: loop@example.com\nSubject: mixed\n\nmixed outcomes\n' > "$T/mixed.msg"
R=$( { printf 'LHLO client.example\r\nMAIL FROM:<%s>\r\n' "$FROM"
       for r in ok1 zed full ../x loop ok2; do printf 'RCPT TO:<%s@example.com>\r\n' "$r"; done
       printf 'DATA\r\n'; crlf < "$T/mixed.msg"; printf '.\r\nQUIT\r\n'; } | lmtp raw --show-close --timeout 20)
replies_are "$R" \
    "220 |mixed: greeting" "250 DSN\$|mixed: LHLO" "250 2.1.0 Ok\$|mixed: MAIL" \
    "250 2.1.5 Ok\$|mixed: RCPT ok1" "250 2.1.5 Ok\$|mixed: RCPT zed (unknown users are found at delivery)" \
    "250 2.1.5 Ok\$|mixed: RCPT full" "553 5.1.3 |mixed: RCPT ../x: 553 5.1.3" \
    "250 2.1.5 Ok\$|mixed: RCPT loop" "250 2.1.5 Ok\$|mixed: RCPT ok2" "354 |mixed: DATA" \
    "250 2.0.0 <ok1@example.com> delivered to INBOX\$|mixed: ok1 delivered, replied first" \
    "550 5.1.1 |mixed: zed unknown: 550 5.1.1" \
    "452 4.2.2 |mixed: full over quota: 452 4.2.2 (deferred)" \
    "554 5.4.6 |mixed: loop: 554 5.4.6" \
    "250 2.0.0 <ok2@example.com> delivered to INBOX\$|mixed: ok2 delivered, replied last" \
    "221 2.0.0 |mixed: QUIT" "(closed)\$|mixed: closed"
is "$(sed -n 12p <<< "$R" | cut -d' ' -f2-)" "$(lda_says zed@example.com "$T/mixed.msg")" \
    "zed: the reply's status and text are lda's"
is "$(sed -n 13p <<< "$R" | cut -d' ' -f2-)" "$(lda_says full@example.com "$T/mixed.msg")" \
    "full: the reply's status and text are lda's"
is "$(sed -n 14p <<< "$R" | cut -d' ' -f2-)" "$(lda_says loop@example.com "$T/mixed.msg")" \
    "loop: the reply's status and text are lda's"
is "$(sed -n 7p <<< "$R" | cut -d' ' -f2-)" "$(lda_says ../x@example.com "$T/mixed.msg")" \
    "../x: the RCPT reply's status and text are lda's"
stored_as ok1 "$T/mixed.msg" "ok1 holds the message"
stored_as ok2 "$T/mixed.msg" "ok2 holds the message"
is "$(count_files "$T/mail/full/new")/$(count_files "$T/mail/full/tmp")" 1/0 \
    "full still holds only its first message, nothing in tmp/"
none_for loop "nothing stored for loop"
is "$(find "$T/mail" -name zed -o -name x -o -name '..*' | wc -l)" 0 "nothing made for zed or ../x"
run_lda -V -c "$C" -f "$FROM" -d zed@example.com < "$T/mixed.msg"
LOGL=$(lmtpd_logline zed@example.com)
like "$LOGL" ", status=bounced \(5\.1\.1 " "the log line for zed says status=bounced (5.1.1 ...)"
is "$(shape "$LOGL")" "$(shape "$(grep -a '^lda: to=<' <<< "$OUT" | tail -n 1)")" \
    "... the same line as lda's, but for size and delay"
run_lda -V -c "$C" -f "$FROM" -d full@example.com < "$T/mixed.msg"
LOGL=$(lmtpd_logline full@example.com)
like "$LOGL" ", status=deferred \(4\.2\.2 " "the log line for full says status=deferred (4.2.2 ...)"
is "$(shape "$LOGL")" "$(shape "$(grep -a '^lda: to=<' <<< "$OUT" | tail -n 1)")" \
    "... the same line as lda's, but for size and delay"

# ------------------------------------------------------------ gone in the middle of DATA
{ printf 'Subject: cut short\n\n'; for i in $(seq 1 20); do echo "line $i"; done; } > "$T/abort.msg"
# on the wire: the Subject and blank lines and four lines, CRLF ended
CUT=$(( $(head -n 6 "$T/abort.msg" | wc -c) + 6 ))
out=$(lmtp part --from "$FROM" --to abort@example.com --bytes "$CUT" --close < "$T/abort.msg" 2>&1)
is "$(tail -n 1 <<< "$out")" closed "a client closes after $CUT bytes of DATA (at a line end)"
{ printf 'Subject: big\n\n'; yes "$(head -c 99 /dev/zero | tr '\0' b)" | head -n 3000; } > "$T/bigabort.msg"
out=$(lmtp part --from "$FROM" --to abort@example.com --bytes 200001 --close < "$T/bigabort.msg" 2>&1)
is "$(tail -n 1 <<< "$out")" closed "a client closes after 200001 bytes of DATA (spooled, mid-line)"
sample_msg next > "$T/next.msg"
out=$(lmtp send --from "$FROM" --to next@example.com < "$T/next.msg" 2>&1)
rc=$?
is "$rc/$(tail -n 1 <<< "$out")" "0/data: 250 2.0.0 <next@example.com> delivered to INBOX" \
    "the server serves the next connection"
sleep 1
none_for abort "nothing of the cut-short messages in abort's new/ or tmp/"
is "$(find "$T/spool" -mindepth 1 | wc -l)" 0 "nothing left in lmtp_spool_dir"
stored_as next "$T/next.msg" "the next connection's message stored"

# ------------------------------------------------------------ a stalled client
sample_msg stalled > "$T/stalled.msg"
head -c 300 /dev/zero | tr '\0' z >> "$T/stalled.msg"; echo >> "$T/stalled.msg"
rm -f "$T/resume"
lmtp part --from "$FROM" --to stalled@example.com --bytes 150 --hold "$T/resume" --timeout 300 \
    < "$T/stalled.msg" > "$T/stalled.out" 2>&1 &
SPID=$!
at_exit "kill $SPID 2>/dev/null"
for i in $(seq 1 300); do grep -q holding "$T/stalled.out" && break; sleep 0.1; done
check "a client stalls after half of its DATA" grep -q holding "$T/stalled.out"
sample_msg healthy | lmtp_tcp send --from "$FROM" --to healthy@example.com --repeat 20 > "$T/healthy.out" 2>&1
rc=$?
is "$rc/$(grep -c '^data: 250 2.0.0 <healthy@example.com> delivered to INBOX$' "$T/healthy.out")" 0/20 \
    "beside it, a healthy client's 20 transactions (over TCP) each get 250"
[ "$rc" = 0 ] || diagl "$(cat "$T/healthy.out")"
is "$(count_files "$T/mail/healthy/new")" 20 "... and its 20 messages are in new/"
check "the stalled client is still connected" kill -0 "$SPID"
none_for stalled "nothing stored for the stalled client yet"
touch "$T/resume"
wait "$SPID"
rc=$?
is "$rc/$(tail -n 1 "$T/stalled.out")" "0/data: 250 2.0.0 <stalled@example.com> delivered to INBOX" \
    "the stalled client sends the rest: the server kept it open, 250 2.0.0"
stored_as stalled "$T/stalled.msg" "... and its message is stored whole"

# ------------------------------------------------------------ error limit
ERR=$'XYZZY\r\nRCPT TO:<bob@example.com>\r\nMAIL FROM:<a@example.org> FOO=bar\r\nHELO client.example\r\n'
R=$(talk "LHLO client.example"$'\r\n'"$ERR$ERR$ERR$ERR"$'XYZZY\r\nRCPT TO:<bob@example.com>\r\nMAIL FROM:<a@example.org> FOO=bar\r\nNOOP\r\nQUIT\r\n')
is "$(sed -n '3,$p' <<< "$R" | cut -c1-3 | tr '\n' ' ')" \
    "500 503 555 500 500 503 555 500 500 503 555 500 500 503 555 500 500 503 555 250 221 (cl " \
    "19 errors (500, 503, 555) and the session goes on: NOOP 250, QUIT 221"
R=$(talk "LHLO client.example"$'\r\n'"$ERR$ERR$ERR$ERR$ERR"$'NOOP\r\nQUIT\r\n')
is "$(sed -n '3,22p' <<< "$R" | cut -c1-3 | tr '\n' ' ')" \
    "500 503 555 500 500 503 555 500 500 503 555 500 500 503 555 500 500 503 555 500 " \
    "20 errors, each answered"
like "$(sed -n '23,$p' <<< "$R" | tr '\n' '|')" '^421 4\.7\.0 ([^|]* )?too many errors\|\(closed\)\|$' \
    "... then 421 4.7.0 too many errors and the connection closed (NOOP and QUIT unanswered)"

lmtpd_stop "$LMTP_PID"

# ------------------------------------------------------------ other settings
# lmtp_max_recipients = 3, message_size_limit = 2000, quota_full =
# bounce, lmtp_command_timeout = 2s
SET2=(-o message_size_limit=2000 -o quota_full=bounce)
if ! lmtpd_start "$T/s2" "$C" "${SERVER_OPTS[@]}" "${SET2[@]}" -o lmtp_max_recipients=3 \
        -o lmtp_command_timeout=2s; then
    not_ok "lda-lmtpd started with other settings"; done_testing; exit
fi
sample_msg four > "$T/four.msg"
R=$( { printf 'LHLO client.example\r\nMAIL FROM:<%s>\r\n' "$FROM"
       for r in m1 m2 m3 m4; do printf 'RCPT TO:<%s@example.com>\r\n' "$r"; done
       printf 'DATA\r\n'; crlf < "$T/four.msg"; printf '.\r\nQUIT\r\n'; } | lmtp raw --show-close --timeout 20)
replies_are "$R" \
    "220 |4 recipients: greeting" "250 DSN\$|4 recipients: LHLO" "250 2.1.0 Ok\$|4 recipients: MAIL" \
    "250 2.1.5 Ok\$|RCPT m1" "250 2.1.5 Ok\$|RCPT m2" "250 2.1.5 Ok\$|RCPT m3" \
    "452 4.5.3 too many recipients\$|RCPT m4 over lmtp_max_recipients = 3: 452 4.5.3 too many recipients" \
    "354 |DATA" \
    "250 2.0.0 <m1@example.com> delivered to INBOX\$|m1 delivered" \
    "250 2.0.0 <m2@example.com> delivered to INBOX\$|m2 delivered" \
    "250 2.0.0 <m3@example.com> delivered to INBOX\$|m3 delivered (three replies after DATA)" \
    "221 2.0.0 |QUIT" "(closed)\$|closed"
for u in m1 m2 m3; do stored_as "$u" "$T/four.msg" "$u holds the message"; done
none_for m4 "nothing stored for m4"

{ printf 'Subject: big\n\n'; head -c 2999 /dev/zero | tr '\0' x; echo; } > "$T/big.msg"
R=$( { printf 'LHLO client.example\r\nMAIL FROM:<%s> SIZE=2001\r\nMAIL FROM:<%s> SIZE=2000\r\nRCPT TO:<big@example.com>\r\nDATA\r\n' "$FROM" "$FROM"
       crlf < "$T/big.msg"; printf '.\r\nMAIL FROM:<%s>\r\nRCPT TO:<full@example.com>\r\nDATA\r\n' "$FROM"
       crlf < "$T/four.msg"; printf '.\r\nQUIT\r\n'; } | lmtp raw --all --show-close --timeout 20)
like "$(grep '^250-SIZE' <<< "$R")" '^250-SIZE 2000$' "LHLO: 250-SIZE 2000 (message_size_limit)"
R=$(grep -v '^250-' <<< "$R")
replies_are "$R" \
    "220 |greeting" "250 DSN\$|LHLO" \
    "552 5.3.4 |MAIL SIZE=2001 over message_size_limit = 2000: 552 5.3.4" \
    "250 2.1.0 Ok\$|MAIL SIZE=2000: 250 2.1.0 Ok" \
    "250 2.1.5 Ok\$|RCPT big" "354 |DATA" \
    "552 5.2.3 |big: a message over message_size_limit: 552 5.2.3" \
    "250 2.1.0 Ok\$|MAIL" "250 2.1.5 Ok\$|RCPT full" "354 |DATA" \
    "552 5.2.2 |full over quota with quota_full = bounce: 552 5.2.2" \
    "221 2.0.0 |QUIT" "(closed)\$|closed"
is "$(sed -n 7p <<< "$R" | cut -d' ' -f2-)" "$(lda_says big@example.com "$T/big.msg" "${SET2[@]}")" \
    "too large: the reply's status and text are lda's"
is "$(sed -n 11p <<< "$R" | cut -d' ' -f2-)" "$(lda_says full@example.com "$T/four.msg" "${SET2[@]}")" \
    "quota_full = bounce: the reply's status and text are lda's"
none_for big "nothing stored for big"
is "$(count_files "$T/mail/full/new")/$(count_files "$T/mail/full/tmp")" 1/0 \
    "full still holds only its first message"

R=$(printf 'LHLO client.example\r\n' | lmtp raw --show-close --timeout 60)
replies_are "$R" "220 |idle client: greeting" "250 DSN\$|idle client: LHLO" \
    "421 4.4.2 |idle client, lmtp_command_timeout = 2s: 421 4.4.2" \
    "(closed)\$|... and the connection closed"

done_testing
