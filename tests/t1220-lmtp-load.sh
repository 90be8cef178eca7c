#!/bin/bash
# t1220-lmtp-load.sh - lda-lmtpd under load: many connections into one
# Maildir, and many deliveries through one server without a leak
#
# 1. 32 connections at once deliver 1,000 messages in all, each its own
#    ("Subject: nN", Message-ID <N.load@lmtp.test>), to one Maildir with
#    a quota: every reply 250, every message there once and whole,
#    maildirsize equal to a recount, nothing left in tmp/ (check_many).
# 2. 10,000 deliveries through one server, 4 connections of 500
#    transactions to 5 recipients each, with an outbox: every reply 250,
#    every message in its Maildir, then SIGTERM ends the server with
#    exit 0 and, under AddressSanitizer, no LeakSanitizer report in its
#    output.  The connection processes (the listener's children) must
#    not grow: the sum of their VmRSS after all the deliveries is at
#    most 2 MB above what it was after the first tenth of them (so a
#    leak of some 250 bytes a delivery fails it).  Here each
#    delivery runs in the connection process (lmtp_user when started as
#    root), so a leak in the delivery core shows there too; part 1 runs
#    the server as it starts by default.

. "$(dirname "$0")/lib.sh"

[ -x "$LMTPD" ] || skip_all "no lda-lmtpd at $LMTPD"

# Under AddressSanitizer the allocator keeps freed memory in quarantine,
# so RSS says nothing about leaks there: LeakSanitizer's report at exit
# does.  So the sanitizer build makes the 10,000 deliveries too (about a
# minute) and skips the RSS comparison; the plain build compares.
# LMTP_LEAK_TRANSACTIONS (a multiple of 40) changes the number.
case $LMTPD in
    */asan/*) TRANSACTIONS=${LMTP_LEAK_TRANSACTIONS:-2000} SANITIZED=1
              # whatever the caller's options, the leak check is on
              export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1" ;;
    *) TRANSACTIONS=${LMTP_LEAK_TRANSACTIONS:-2000} SANITIZED= ;;
esac
CONNS=4
RCPTS="u1 u2 u3 u4 u5"
DELIVERIES=$((TRANSACTIONS * 5))
FIRST_TENTH=$((TRANSACTIONS / CONNS / 10))
LAST=$((TRANSACTIONS / CONNS))
RSS_SLACK=2048   # kB

# --- 1. 32 connections, 1,000 messages, one Maildir -----------------------------

mkdir -p "$TEST_TMP/one"
[ -n "$LDA_USER" ] && chown "$LDA_USER" "$TEST_TMP/one"
MD=$TEST_TMP/one/Maildir
C1=$TEST_TMP/one/lda.conf
write_conf "$C1" "maildir = $MD" "quota = 100M"
if lmtpd_start "$TEST_TMP/one" "$C1"; then
    OUT=$(lmtp many --conns 32 --total 1000 --from a@example.org \
              --to bob@example.com --tag load 2>&1)
    RC=$?
    PID1=$LMTP_PID
    is "$RC $(printf '%s\n' "$OUT" | tr '\n' ' ')" "0 data 250 1000 " \
        "32 connections, 1,000 transactions: every reply after DATA is 250, nothing else"
    check_many "$MD" 1000
    is "$(grep -h '^Message-ID: <[0-9]*\.load@lmtp\.test>$' "$MD"/new/* | sort -u | wc -l)" 1000 \
        "1,000 distinct Message-IDs"
    check "maildirsize agrees with quota_ok's recount" quota_ok "$MD"
    for f in "$MD"/new/*; do
        n=${f##*,S=}
        n=${n%%,*}
        [ "$n" = "$(stat -c %s "$f" 2>/dev/null)" ] &&
            grep -q '^Message-ID: <[0-9]*\.load@lmtp\.test>$' "$f" && continue
        diag "not whole or misnamed: ${f##*/} ($(stat -c %s "$f" 2>/dev/null) bytes):" \
             "$(head -c 400 "$f" | cat -A)"
    done
    lmtpd_end "$PID1"
    is "$LMTPD_RC" 0 "SIGTERM: the server exits 0"
    is "$(lmtpd_sanitizer "$TEST_TMP/one/lmtpd.log")" "" "no sanitizer report in its output"
else
    not_ok "lda-lmtpd started for 32 connections"
fi

# --- 2. 10,000 deliveries, no leak -----------------------------------------------

D=$TEST_TMP/leak
OB=$D/outbox
C2=$D/lda.conf
mkdir -p "$D/mail" "$OB"
PRIVS=()
if [ -n "$LDA_USER" ]; then
    chown "$LDA_USER" "$D/mail" "$OB"
    PRIVS=("lmtp_user = $LDA_USER")
fi
write_conf "$C2" "maildir = $D/mail/%n/Maildir" "quota = 100M" "outbox = $OB" \
    ${PRIVS[@]+"${PRIVS[@]}"}
TO=()
for r in $RCPTS; do TO+=(--to "$r@example.com"); done

if lmtpd_start "$D" "$C2"; then
    PID2=$LMTP_PID
    OUT=$(lmtp many --conns "$CONNS" --total "$TRANSACTIONS" --from a@example.org \
              "${TO[@]}" --body-max 400 --tag leak --rss-of "$PID2" \
              --rss-at "$FIRST_TENTH,$LAST" 2>&1)
    RC=$?
    is "$RC $(printf '%s\n' "$OUT" | grep -v '^rss ' | tr '\n' ' ')" \
        "0 data 250 $DELIVERIES " \
        "$CONNS connections, $TRANSACTIONS transactions to 5: $DELIVERIES replies 250, nothing else"
    n=0
    for r in $RCPTS; do
        n=$((n + $(count_files "$D/mail/$r/Maildir/new")))
        quota_ok "$D/mail/$r/Maildir" || diag "$r: maildirsize $(quota_state "$D/mail/$r/Maildir")"
    done
    is "$n" "$DELIVERIES" "$DELIVERIES messages in the 5 Maildirs"
    is "$(for r in $RCPTS; do quota_ok "$D/mail/$r/Maildir" || echo "$r"; done)" "" \
        "every maildirsize agrees with a recount"
    is "$(count_files "$OB/new")" "$DELIVERIES" "one event per delivery in the outbox"

    # rss K PID KB: the connection processes after FIRST_TENTH and LAST
    # transactions each
    RSS=$(printf '%s\n' "$OUT" | grep '^rss ')
    printf '%s\n' "$RSS" | sed 's/^/# /' >&2
    is "$(printf '%s\n' "$RSS" | awk -v a="$FIRST_TENTH" -v b="$LAST" \
              '$2 == a { x[$3] = 1 } $2 == b { y[$3] = 1 }
               END { for (p in x) if (p in y) n++; print n + 0 }')" "$CONNS" \
        "VmRSS of the $CONNS connection processes sampled after $FIRST_TENTH and $LAST transactions"
    grown=$(printf '%s\n' "$RSS" | awk -v a="$FIRST_TENTH" -v b="$LAST" \
              '$2 == a { x += $4 } $2 == b { y += $4 } END { print y - x }')
    if [ -n "$SANITIZED" ]; then
        ok "connection processes do not grow # skip RSS under AddressSanitizer (LeakSanitizer checks at exit)"
    elif [ "$grown" -le "$RSS_SLACK" ]; then
        ok "the connection processes' VmRSS grew by $grown kB (at most $RSS_SLACK) from $((DELIVERIES / 10)) to $DELIVERIES deliveries"
    else
        not_ok "the connection processes' VmRSS grew by $grown kB (more than $RSS_SLACK) from $((DELIVERIES / 10)) to $DELIVERIES deliveries"
    fi

    lmtpd_end "$PID2"
    is "$LMTPD_RC" 0 "SIGTERM after $DELIVERIES deliveries: the server exits 0"
    if [ -n "$SANITIZED" ]; then
        is "$(lmtpd_sanitizer "$D/lmtpd.log")" "" "no leak (or other sanitizer) report in the server's output"
    else
        is "$(lmtpd_sanitizer "$D/lmtpd.log")" "" "no sanitizer report in the server's output (a plain build has none: run under SANITIZE=1 for leaks)"
    fi
else
    not_ok "lda-lmtpd started for $DELIVERIES deliveries"
fi

done_testing
