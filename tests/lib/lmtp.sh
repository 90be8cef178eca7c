# tests/lib/lmtp.sh - running lda-lmtpd for a test: lmtpd_start,
# lmtpd_stop, lmtpd_end, lmtpd_sanitizer, lmtp (the scripted client);
# sourced by lib.sh

# lmtpd_start DIR CONF [ARGS...] - start lda-lmtpd with settings CONF,
# listening on DIR/lmtp.sock and 127.0.0.1:LMTP_PORT; sets LMTP_SOCK,
# LMTP_PORT, LMTP_PID, LMTP_LOG (its -V output); stopped at exit
lmtpd_start() {
    local dir=$1 conf=$2 i; shift 2
    LMTP_SOCK=$dir/lmtp.sock
    LMTP_PORT=$(free_port)
    LMTP_LOG=$dir/lmtpd.log
    rm -f "$dir/lmtpd.pid"
    "$LMTPD" -c "$conf" -l "unix:$LMTP_SOCK" -l "inet:127.0.0.1:$LMTP_PORT" \
        -P "$dir/lmtpd.pid" -V "$@" >> "$LMTP_LOG" 2>&1 < /dev/null &
    for i in $(seq 1 200); do
        [ -s "$dir/lmtpd.pid" ] && break
        kill -0 $! 2>/dev/null || break
        sleep 0.1
    done
    if [ ! -s "$dir/lmtpd.pid" ]; then
        diag "lda-lmtpd did not start:" "$(tail -5 "$LMTP_LOG")"
        LMTP_PID=
        return 1
    fi
    LMTP_PID=$(cat "$dir/lmtpd.pid")
    at_exit "lmtpd_stop $LMTP_PID"
}

# lmtpd_stop PID - SIGTERM, then wait (30 s) for it to go; 0 when it
# exited by itself, 1 when it had to be killed
lmtpd_stop() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 1 300); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    return 1
}

# lmtpd_end PID - lmtpd_stop a server this shell started; LMTPD_RC is
# its exit code, or "killed" when it had to be killed
lmtpd_end() {
    if lmtpd_stop "$1"; then
        wait "$1" 2>/dev/null
        LMTPD_RC=$?
    else
        LMTPD_RC=killed
    fi
}

# lmtpd_sanitizer LOG - what AddressSanitizer, LeakSanitizer or UBSan
# reported in a server's output LOG (its first 40 lines), if anything
lmtpd_sanitizer() {
    grep -E -A 12 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$1" | head -n 40
}

# lmtp MODE ARGS... - the scripted client against LMTP_SOCK (see
# tests/services/lmtp_client.py)
lmtp() {
    python3 "$TESTS_DIR/services/lmtp_client.py" "$LMTP_SOCK" "$@"
}
