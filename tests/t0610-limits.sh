#!/bin/bash
# t0610 - file size limits, signals and a closed standard input
#
# A file size limit (ulimit -f, as Postfix's mailbox_size_limit sets for
# a mailbox_command) ends the message write in 4.3.4 and exit 75, with
# nothing left in tmp/; reached by the maildirsize update after the
# message is in new/, it is not a failure: exit 0, the message there
# once, maildirsize left for the next delivery, which recounts it.
# SIGTERM, SIGINT and SIGHUP during a delivery remove the tmp/ file and
# exit 75 with a 4.3.0 line.  A closed standard input is 4.3.0, exit 75.
. "$(dirname "$0")/lib.sh"

C=$TEST_TMP/lda.conf
MD=$TEST_TMP/Maildir
write_conf "$C" "maildir = $MD" "add_headers = no"

# bytes N - a message of N bytes
bytes() { python3 -c "import sys; sys.stdout.write('Subject: s\n\n' + 'x' * ($1 - 13) + '\n')"; }

# limited KB ARGS... < msg - lda under ulimit -f KB (1024-byte blocks)
limited() {
    OUT=$(ulimit -f "$1"; shift; "$LDA" "$@" 2>&1)
    RC=$?
}

# --- the limit reached by the message -----------------------------------------
bytes 20000 | limited 8 -c "$C" -f a@b -d bob@example.com
is "$RC" 75 "file size limit hit by the message: exit 75 (not killed by SIGXFSZ)"
like "$(first_line "$OUT")" '^4\.3\.4 ' "... first line 4.3.4"
is "$(count_files "$MD/tmp")/$(count_files "$MD/new")" "0/0" "... nothing in tmp/ or new/"

# --- the limit reached by the maildirsize update ------------------------------
# maildirsize near 2.5 KB (under the 5120-byte recount mark), a small
# message, a 2 KB limit: only the append crosses it.
rm -rf "$MD"
bytes 100 | run_lda -c "$C" -o quota=10M -f a@b -d bob@example.com
python3 - "$MD/maildirsize" <<'PY'
import sys
with open(sys.argv[1], "a") as f:
    for i in range(600):
        f.write("0 0\n")
PY
chown "${LDA_USER:-$(id -un)}" "$MD/maildirsize"
bytes 300 | limited 2 -c "$C" -o quota=10M -f a@b -d bob@example.com
is "$RC" 0 "file size limit hit by the maildirsize update: exit 0"
is "$(count_files "$MD/new")/$(count_files "$MD/tmp")" "2/0" \
    "... the message in new/ once, nothing in tmp/"
check "... no lock left" test ! -e "$MD/maildirsize.lock"
check "... no torn line left in maildirsize" \
    sh -c "! test -e '$MD/maildirsize' || test \"\$(tail -c 1 '$MD/maildirsize' | od -An -c | tr -d ' ')\" = '\\n'"
bytes 100 | run_lda -c "$C" -o quota=10M -V -f a@b -d bob@example.com
is "$RC/$(count_files "$MD/new")" "0/3" "the next delivery succeeds"
check "... and maildirsize equals a recount" quota_ok "$MD"

# --- signals ------------------------------------------------------------------
# stopped SIG - a delivery whose input stalls after a few KB gets SIG
stopped() {
    local fifo=$TEST_TMP/fifo pid i
    rm -rf "$MD" "$fifo"
    mkfifo "$fifo"
    "$LDA" -c "$C" -f a@b -d bob@example.com < "$fifo" > "$TEST_TMP/out" 2>&1 &
    pid=$!
    exec 7> "$fifo"
    bytes 100000 >&7
    for i in $(seq 1 100); do
        [ "$(count_files "$MD/tmp")" = 1 ] && break
        sleep 0.05
    done
    is "$(count_files "$MD/tmp")" 1 "$1: the delivery is writing its tmp/ file"
    kill "-$1" "$pid"
    wait "$pid"
    RC=$?
    exec 7>&-
    OUT=$(cat "$TEST_TMP/out")
    is "$RC" 75 "$1 mid-delivery: exit 75"
    like "$(first_line "$OUT")" '^4\.3\.0 delivery stopped by signal' "... first line 4.3.0"
    is "$(count_files "$MD/tmp")/$(count_files "$MD/new")" "0/0" "... the tmp/ file removed"
}
stopped TERM
stopped INT
stopped HUP

# --- a closed standard input --------------------------------------------------
rm -rf "$MD"
OUT=$("$LDA" -c "$C" -f a@b -d bob@example.com 2>&1 <&-)
RC=$?
is "$RC" 75 "closed standard input: exit 75"
like "$(first_line "$OUT")" '^4\.3\.0 no message: standard input is closed' "... saying so"
is "$(count_files "$MD/new")" 0 "... nothing stored"
printf '' | run_lda -c "$C" -f a@b -d bob@example.com
is "$RC/$(count_files "$MD/new")" "0/1" "an empty (open) input is still an empty message"

done_testing
