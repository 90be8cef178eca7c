# shellcheck shell=bash
# tests/services/notifyd.sh - lda-notifyd under test (sourced after lib.sh)
#
#   nd_outbox DIR                  make DIR an outbox lda (as $LDA_USER) can
#                                  write; sets OUTBOX
#   nd_start CONF [ARGS...]        run "$NOTIFYD -c CONF -v ARGS" in the
#                                  background, output in ND_LOG; sets ND_PID;
#                                  waits until it serves the outbox; stopped
#                                  again at exit
#   nd_stop [SECS]                 SIGTERM ND_PID, wait for it to end (SIGKILL
#                                  after SECS, default 20); sets ND_RC: its
#                                  exit status, or "hung" when killed
#   nd_kill                        SIGKILL ND_PID (a crash); ND_RC its status
#   nd_once CONF                   "$NOTIFYD -c CONF -v --once"; RC, output
#                                  appended to ND_LOG
#   nd_wait_gone DIR [SECS]        wait (default 10 s) until DIR has no
#                                  regular files; 1 on timeout
#   nd_sanitizer_clean             no AddressSanitizer/LeakSanitizer/UBSan
#                                  report in ND_LOG (for the SANITIZE=1 build)

: "${NOTIFYD:=$TOP_DIR/build/lda-notifyd}"
ND_LOG=$TEST_TMP/notifyd.log
ND_PID=

nd_outbox() {
    mkdir -p "$1"
    [ -n "$LDA_USER" ] && chown "$LDA_USER" "$1"
    OUTBOX=$1
}

nd_start() {
    local conf=$1 i n; shift
    n=$(grep -c 'serving outbox' "$ND_LOG" 2>/dev/null)
    "$NOTIFYD" -c "$conf" -v "$@" >> "$ND_LOG" 2>&1 < /dev/null &
    ND_PID=$!
    at_exit "nd_stop_pid $ND_PID"
    for i in $(seq 100); do
        [ "$(grep -c 'serving outbox' "$ND_LOG" 2>/dev/null)" -gt "${n:-0}" ] && return 0
        kill -0 "$ND_PID" 2>/dev/null || break
        sleep 0.1
    done
    diag "lda-notifyd did not start; its output:"
    sed 's/^/#   /' "$ND_LOG" >&2
    return 1
}

# nd_stop_pid PID [SECS] - SIGTERM PID (our child), wait for it to end,
# SIGKILL after SECS (default 20); ND_RC is its exit status, or "hung"
# when it had to be killed
# shellcheck disable=SC2034  # ND_RC is for the caller
nd_stop_pid() {
    local pid=$1 i
    # only a child of this script: the number may have been reused (and a
    # child that ended already is reaped by wait, which gives its status)
    if [ "$(awk '{ print $4 }' "/proc/$pid/stat" 2>/dev/null)" != "$$" ]; then
        wait "$pid" 2>/dev/null
        ND_RC=$?
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq $((${2:-20} * 10))); do
        _nd_running "$pid" || break
        sleep 0.1
    done
    if _nd_running "$pid"; then
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        ND_RC=hung
    else
        wait "$pid" 2>/dev/null
        ND_RC=$?
    fi
    return 0
}

# _nd_running PID - PID is there and not a zombie
_nd_running() {
    kill -0 "$1" 2>/dev/null &&
        [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

nd_stop() { [ -n "$ND_PID" ] && nd_stop_pid "$ND_PID" "${1:-20}"; ND_PID=; }

# nd_kill - SIGKILL ND_PID (a crash); ND_RC is its exit status (137)
# shellcheck disable=SC2034  # ND_RC is for the caller
nd_kill() {
    kill -KILL "$ND_PID" 2>/dev/null
    wait "$ND_PID" 2>/dev/null
    ND_RC=$?
    ND_PID=
}

nd_once() {
    "$NOTIFYD" -c "$1" -v --once >> "$ND_LOG" 2>&1 < /dev/null
    RC=$?
}

nd_wait_gone() {
    local i
    for i in $(seq $((${2:-10} * 10))); do
        [ "$(count_files "$1")" -eq 0 ] && return 0
        sleep 0.1
    done
    return 1
}

nd_sanitizer_clean() { ! grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$ND_LOG"; }
