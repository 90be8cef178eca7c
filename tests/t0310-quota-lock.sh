#!/bin/bash
# t0310 - the maildirsize.lock never stalls a delivery
#
# A lock that cannot be one (a directory, a FIFO, a symbolic link) or
# that cannot be removed, and a link() that fails for another reason
# than EEXIST (ENOSPC from inode exhaustion, EMLINK, EPERM), end the
# delivery at once with exit 75 and a 4.x.x line saying why, at little
# CPU.  A lock left by a killed lda is broken at once on this host, even
# after a mail reader moved the delivered message; another host's lock
# once it is 30 s old by its mtime.  A live holder's lock is waited for,
# cheaply, until it goes or the delivery times out.  The same through
# the nfs driver, where nfs-ganesha can run.
. "$(dirname "$0")/lib.sh"

: "${FAULTFS:=$TOP_DIR/build/faultfs.so}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

C=$TEST_TMP/lda.conf
write_conf "$C" "quota = 10M" "add_headers = no" "delivery_timeout = 15"
HOST=$(uname -n)                # what gethostname() says
MSGF=$TEST_TMP/msg
sample_msg lock > "$MSGF"

# fresh NAME - $MD is a Maildir with one message and its maildirsize
fresh() {
    MD=$TEST_TMP/$1
    LOCK=$MD/maildirsize.lock
    run_lda -c "$C" -o maildir="$MD" -f a@b -d bob@example.com < "$MSGF"
    [ "$RC" = 0 ] || diag "setting up $MD: exit $RC: $OUT"
}

# time_rc CMD... - run CMD, keeping its exit code in $TEST_TMP/rc
time_rc() { "$@"; echo "$?" > "$TEST_TMP/rc"; }

# timed_lda ARGS... - run lda (after the words of $PRE, if any) on $MSGF
# into $MD: RC, OUT, FIRST, WALL (seconds) and CPU (user + system seconds)
PRE=
timed_lda() {
    local t u s
    TIMEFORMAT='%R %U %S'
    # shellcheck disable=SC2086
    t=$( { time time_rc $PRE "$LDA" -c "$C" -o maildir="$MD" -f a@b \
             -d bob@example.com "$@" < "$MSGF" > "$TEST_TMP/out" 2>&1; } 2>&1 )
    RC=$(cat "$TEST_TMP/rc")
    read -r WALL u s <<< "$t"
    CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')
    OUT=$(cat "$TEST_TMP/out")
    FIRST=$(first_line "$OUT")
}

# quick DESC PATTERN [CODE] - the last run deferred at once, cheaply, with
# a first line of CODE (default any 4.x.x) and PATTERN
quick() {
    local p="^${3:-4\.[0-9]+\.[0-9]+} "
    if [ "$RC" = 75 ] && printf '%s' "$FIRST" | grep -Eq "$p.*$2" &&
       awk -v w="$WALL" -v c="$CPU" 'BEGIN { exit !(w < 8 && c < 1) }'; then
        ok "$1: 75 in ${WALL}s, CPU ${CPU}s: $FIRST"
    else
        not_ok "$1: want exit 75 within 8 s, CPU under 1 s, /$p.*$2/"
        diag "exit $RC after ${WALL}s, CPU ${CPU}s" "output: $OUT"
    fi
    is "$(count_files "$MD/new")/$(count_files "$MD/tmp")" "1/0" \
        "... nothing delivered, nothing left in tmp/"
}

# delivered DESC MAX [LEFT] - the last run delivered within MAX seconds,
# the quota exact, no lock left and nothing in tmp/ but LEFT
delivered() {
    if [ "$RC" = 0 ] && awk -v w="$WALL" -v m="$2" 'BEGIN { exit !(w < m) }'
    then
        ok "$1: delivered in ${WALL}s"
    else
        not_ok "$1: want exit 0 within $2 s"
        diag "exit $RC after ${WALL}s" "output: $OUT"
    fi
    check "... maildirsize equals a recount" quota_ok "$MD"
    check "... no lock left" test ! -e "$LOCK"
    is "$(files_in "$MD/tmp")" "${3:-}" "... nothing left in tmp/${3:+ but $3}"
}

# put_lock TEXT - a maildirsize.lock of the account holding TEXT
put_lock() { printf '%s' "$1" | as_user sh -c 'cat > "$1"' - "$LOCK"; }

# --- locks that are no locks, or cannot be removed ------------------------

fresh dir
mkdir "$LOCK"
timed_lda
quick "maildirsize.lock a directory" "maildirsize\.lock.*directory"
rmdir "$LOCK"

fresh fifo
mkfifo "$LOCK"
timed_lda
quick "maildirsize.lock a FIFO" "maildirsize\.lock.*not a regular file"

fresh symlink
ln -s "$TEST_TMP/nowhere" "$LOCK"
timed_lda
quick "maildirsize.lock a dangling symbolic link" \
    "maildirsize\.lock.*not a regular file"

# A stale lock that cannot be moved away.
fresh immutable
put_lock "4242:elsewhere.example"
touch -d '-40 seconds' "$LOCK"
if chattr +i "$LOCK" 2>/dev/null; then
    at_exit "chattr -i '$LOCK'"
    timed_lda
    quick "a stale lock that cannot be removed (immutable)" \
        "maildirsize\.lock.*(not permitted|denied)"
    chattr -i "$LOCK"
else
    ok "# SKIP chattr +i unsupported here"
    ok "# SKIP chattr +i unsupported here"
fi

# --- link() failing otherwise than EEXIST -----------------------------------

if [ -f "$FAULTFS" ]; then
    for e in ENOSPC:4.3.1:'No space' EMLINK:4.3.0:'Too many links' \
             EPERM:4.2.0:'not permitted'; do
        fresh "link-${e%%:*}"
        PRE="env LD_PRELOAD=$FAULTFS FAULT_PREFIX=$MD FAULT_CALL=link FAULT_NTH=1 FAULT_ERRNO=${e%%:*}"
        timed_lda
        PRE=
        code=${e#*:}
        quick "link() of the lock fails with ${e%%:*}" \
            "maildirsize\.lock.*${e##*:}" "${code%%:*}"
    done
else
    not_ok "fault shim built at $FAULTFS (make build/faultfs.so)"
fi

# Inode exhaustion for real: tmpfs counts hard links against nr_inodes.
SMALL=$TEST_TMP/small
mkdir "$SMALL"
if [ "$(id -u)" = 0 ] &&
   mount -t tmpfs -o size=4m,nr_inodes=40,mode=0755 tmpfs "$SMALL" 2>/dev/null; then
    at_exit "umount '$SMALL'"
    [ -n "$LDA_USER" ] && chown "$LDA_USER" "$SMALL"
    fresh small/Maildir
    mkdir "$SMALL/fill"
    i=0
    while touch "$SMALL/fill/$i" 2>/dev/null; do i=$((i + 1)); done
    for free in 1 2; do
        rm "$SMALL/fill/$((i - free))"
        timed_lda
        quick "inodes exhausted, $free free (the message takes one)" \
            "No space" "4\.3\.1"
    done
else
    ok "# SKIP cannot mount a tmpfs (needs root)"
    ok "# SKIP cannot mount a tmpfs (needs root)"
    ok "# SKIP cannot mount a tmpfs (needs root)"
    ok "# SKIP cannot mount a tmpfs (needs root)"
fi

# --- a holder killed while holding it ---------------------------------------

# Stop an lda just before it removes its lock (the message is in new/
# and counted), kill it, let a mail reader move the message to cur/.
fresh crash
if [ -f "$FAULTFS" ]; then
    log=$TEST_TMP/count.log
    : > "$log"
    chmod 666 "$log"
    env LD_PRELOAD="$FAULTFS" FAULT_PREFIX="$MD" FAULT_CALL=count \
        FAULT_LOG="$log" "$LDA" -c "$C" -o maildir="$MD" -f a@b \
        -d bob@example.com < "$MSGF" > /dev/null 2>&1
    k=$(awk -v l="$LOCK" '$1 == "unlink" { n++; if ($2 == l) k = n } END { print k }' "$log")
    env LD_PRELOAD="$FAULTFS" FAULT_PREFIX="$MD" FAULT_CALL=unlink \
        FAULT_NTH="${k:-1}" FAULT_ERRNO=STOP "$LDA" -c "$C" \
        -o maildir="$MD" -f a@b -d bob@example.com < "$MSGF" > /dev/null 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do
        [ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" = T ] && break
        sleep 0.1
    done
    is "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" T \
        "an lda stopped while it holds the lock"
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null
    check "... killed, it leaves maildirsize.lock" test -f "$LOCK"
    # and at most its own small file in tmp/, cleaned with other leftovers
    left=$(files_in "$MD/tmp" | grep '\.lock$')
    for f in "$MD"/new/*; do mv "$f" "$MD/cur/${f##*/}:2,S"; done
    sleep 1
    timed_lda
    delivered "after a mail reader moved the message, the next delivery" 5 \
        "$left"
else
    not_ok "fault shim built at $FAULTFS (make build/faultfs.so)"
fi

# The lock a killed lda leaves: this host, a pid that is gone.
fresh dead
put_lock "$(sh -c 'echo $$'):$HOST"
timed_lda
delivered "a lock of this host whose process is gone" 5

# Another host's lock is judged by its mtime, on the server's clock.
fresh old
put_lock "4242:elsewhere.example"
touch -d '-40 seconds' "$LOCK"
timed_lda
delivered "another host's lock 40 s old" 5

fresh aging
put_lock "4242:elsewhere.example"
touch -d '-26 seconds' "$LOCK"
timed_lda
delivered "another host's lock 26 s old: waited for until 30 s old" 14
check "... but waited for" awk -v w="$WALL" 'BEGIN { exit !(w >= 2) }'

# --- a live holder -------------------------------------------------------

fresh live
sleep 60 &
spid=$!
at_exit "kill $spid"
put_lock "$spid:$HOST"
timed_lda -o delivery_timeout=2
quick "a live holder's lock: waited for until delivery_timeout" \
    "maildirsize\.lock': timed out" "4\.3\.0"
is "$(cat "$LOCK")" "$spid:$HOST" "... the holder's lock stays"

"$LDA" -c "$C" -o maildir="$MD" -f a@b -d bob@example.com < "$MSGF" \
    > "$TEST_TMP/bg.out" 2>&1 &
bg=$!
sleep 2
check "... an lda waits for it" kill -0 "$bg"
is "$(count_files "$MD/new")" 1 "... without delivering"
rm -f "$LOCK"
wait "$bg"
is "$?" 0 "... and delivers once it is removed"
is "$(count_files "$MD/new")" 2 "... into new/"
check "... maildirsize equals a recount" quota_ok "$MD"
check "... no lock left" test ! -e "$LOCK"

# --- over NFS -------------------------------------------------------------

# The same judgements through the nfs driver (nfs-ganesha on loopback).
# The Maildirs are made on the server's disk before any client looks at
# them, so nothing the server has cached can disagree.
if [ "$(id -u)" = 0 ] && command -v ganesha.nfsd >/dev/null; then
    . "$TESTS_DIR/services/ganesha.sh"
    ns_init nfs
    VM=$NS_EXPORT/vmail
    for m in dead dir; do
        mkdir -p "$VM/$m/Maildir/tmp" "$VM/$m/Maildir/new" "$VM/$m/Maildir/cur"
    done
    printf '%s:%s' "$(sh -c 'echo $$')" "$HOST" > "$VM/dead/Maildir/maildirsize.lock"
    mkdir "$VM/dir/Maildir/maildirsize.lock"
    echo old > "$VM/dir/Maildir/new/1.M1P1.old"    # as fresh() leaves it
    chown -R "$LDA_USER" "$VM"
    if ns_start; then
        MD=$VM/dead/Maildir LOCK=$MD/maildirsize.lock
        timed_lda -o maildir="nfs://127.0.0.1/export/vmail/dead/Maildir?$NS_ARGS"
        delivered "over NFS, a lock of this host whose process is gone" 5
        MD=$VM/dir/Maildir LOCK=$MD/maildirsize.lock
        timed_lda -o maildir="nfs://127.0.0.1/export/vmail/dir/Maildir?$NS_ARGS"
        quick "over NFS, maildirsize.lock a directory" \
            "maildirsize\.lock.*directory"
    else
        not_ok "nfs-ganesha started"
    fi
else
    for _ in 1 2 3 4 5 6; do ok "# SKIP nfs-ganesha (as root) needed"; done
fi

done_testing
