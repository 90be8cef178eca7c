#!/bin/bash
# t0820 - the NFS server dies or hangs: lda answers 75 (4.x.x, with the
# NFS error) within a few nfs_timeouts, never hangs and never bounces,
# leaves nothing in new/, and delivers again once the server is back.
#
# The bounds asserted are for hangs, not speed: nfs_timeout is 2 s and
# delivery_timeout 120 s, and each case must end in under 40 s, which
# only the nfs_timeout path can achieve.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/services/ganesha.sh"

[ "$(id -u)" = 0 ] || skip_all "nfs-ganesha needs root"

ns_init nfs
ns_start || { plan 1; not_ok "nfs-ganesha started"; exit 1; }

mkdir "$NS_EXPORT/vmail"
chown "$LDA_USER" "$NS_EXPORT/vmail"
MD=$NS_EXPORT/vmail/bob/Maildir
C=$TEST_TMP/lda.conf
write_conf "$C" "maildir = nfs://127.0.0.1/export/vmail/%n/Maildir?$NS_ARGS" \
    "nfs_timeout = 2s" "delivery_timeout = 120s" "quota = 10G"
BOUND=40

# A message large enough to be still in flight when the server goes.
BIG=$TEST_TMP/big
{ printf 'Subject: big\n\n'; yes 'a line of the body of a rather large message' \
      | head -c 400000000; } > "$BIG"

# deliver_bg FILE - start lda on FILE in the background: PID, T0
deliver_bg() {
    T0=$(date +%s)
    "$LDA" -c "$C" -f a@example.org -d bob@example.com < "$1" \
        > "$TEST_TMP/out" 2>&1 &
    PID=$!
}

# finish - wait for it: RC, OUT, SECS
finish() {
    wait "$PID"
    RC=$?
    SECS=$(( $(date +%s) - T0 ))
    OUT=$(cat "$TEST_TMP/out")
}

# in_flight - wait until the message is being written in tmp/
in_flight() {
    local f
    for _ in $(seq 300); do
        f=$(find "$MD/tmp" -type f -size +1M 2>/dev/null | head -n 1)
        [ -n "$f" ] && return 0
        kill -0 "$PID" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

sample_msg | run_lda -c "$C" -d bob@example.com
is "$RC/$(count_files "$MD/new")" "0/1" "a delivery before the outage"

# 1. The server is killed while a large message is being written.
deliver_bg "$BIG"
check "large message in flight" in_flight
ns_kill
finish
is "$RC" 75 "server killed mid-delivery: exit 75"
like "$(first_line "$OUT")" '^4\.[0-9]\.[0-9] .*\(nfs: ' "... 4.x.x with the NFS error"
check "... within $BOUND s (took $SECS s)" test "$SECS" -lt "$BOUND"
is "$(count_files "$MD/new")" 1 "... nothing new in new/"

sample_msg | run_lda -c "$C" -d bob@example.com
is "$RC" 75 "server down: exit 75"
like "$(first_line "$OUT")" '^4\.[0-9]\.[0-9] mount ' "... the mount fails"

ns_start
sample_msg | run_lda -c "$C" -d bob@example.com
is "$RC/$(count_files "$MD/new")" "0/2" "server back: the next delivery succeeds"

# 2. The server hangs (SIGSTOP) before a delivery.
ns_pause
T0=$(date +%s)
sample_msg | run_lda -c "$C" -d bob@example.com
SECS=$(( $(date +%s) - T0 ))
is "$RC" 75 "server stopped: exit 75"
like "$(first_line "$OUT")" '^4\.[0-9]\.[0-9] .*timed out' "... saying it timed out"
check "... within $BOUND s (took $SECS s)" test "$SECS" -lt "$BOUND"
ns_resume
sample_msg | run_lda -c "$C" -d bob@example.com
is "$RC/$(count_files "$MD/new")" "0/3" "server resumed: the next delivery succeeds"

# 3. The server hangs while a large message is being written.
deliver_bg "$BIG"
check "large message in flight" in_flight
ns_pause
finish
ns_resume
is "$RC" 75 "server stopped mid-delivery: exit 75"
like "$(first_line "$OUT")" '^4\.[0-9]\.[0-9] .*timed out' "... saying it timed out"
check "... within $BOUND s (took $SECS s)" test "$SECS" -lt "$BOUND"
is "$(count_files "$MD/new")" 3 "... nothing new in new/"
check "... and no lock left" test ! -e "$MD/maildirsize.lock"
sample_msg | run_lda -c "$C" -d bob@example.com
is "$RC/$(count_files "$MD/new")" "0/4" "server resumed: the next delivery succeeds"
is_recounted "$MD" "maildirsize equals a recount after the outages"

done_testing
