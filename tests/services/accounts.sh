# shellcheck shell=bash
# tests/services/accounts.sh - an account service speaking Postfix
# tcp_table(5) for "userdb = tcp:127.0.0.1:$ACCT_PORT" (sourced)
#
# accounts.py answers "get KEY" from a JSON file {key: value-object}
# (read again for every request: change it with a rename), logs every
# key asked for, and can misbehave on purpose (see its --mode).  It is
# stopped by the pid it wrote, never by name (the plumbing is svc.py and
# _svc_start/_svc_stop from webhook.sh).
#
#   acct_start FILE [--mode M | --stall] [--port P] [--name N]
#                      start the service on the accounts FILE; M is ok
#                      (default), stall, 400, garbage, huge or close; on a
#                      free port unless P (one from wh_fixed_port for a
#                      service that comes back on the same port); wait
#                      until it takes connections; stop it again at exit.
#                      Sets ACCT_PORT, ACCT_PID, ACCT_LOG, ACCT_DIR,
#                      ACCT_USERDB (tcp:127.0.0.1:PORT)
#   acct_stop          SIGTERM the service ACCT_PID, wait for it to end
#   acct_mode M        switch the running service to mode M
#   acct_keys          the keys asked for so far, one a line
#
# Do not call acct_start in a subshell: the service ends with its parent.
# The caller sources tests/lib.sh first.

declare -F _svc_start > /dev/null || . "$TESTS_DIR/services/webhook.sh"

_ACCT_SERIAL=0

acct_start() {
    local file=$1 mode=ok port=0 name=''
    shift
    while [ $# -gt 0 ]; do
        case $1 in
            --mode) mode=$2; shift 2 ;;
            --stall) mode=stall; shift ;;
            --port) port=$2; shift 2 ;;
            --name) name=$2; shift 2 ;;
            *) diag "acct_start: unknown argument '$1'"; return 1 ;;
        esac
    done
    _ACCT_SERIAL=$((_ACCT_SERIAL + 1))
    [ -n "$name" ] || name=accounts$_ACCT_SERIAL
    ACCT_DIR=$TEST_TMP/$name
    ACCT_LOG=$ACCT_DIR/requests.log
    mkdir -p "$ACCT_DIR"
    rm -f "$ACCT_DIR/port" "$ACCT_DIR/mode"
    : > "$ACCT_LOG"
    _svc_start ACCT_PID "$ACCT_DIR" "account service" _acct_ready \
        accounts.py --accounts "$file" --port "$port" \
        --port-file "$ACCT_DIR/port" --log "$ACCT_LOG" --mode "$mode" \
        --mode-file "$ACCT_DIR/mode"
}

# _acct_ready - the service has written its port and accepts there (a
# connection, not a lookup: a stalling service never answers one)
# shellcheck disable=SC2034  # ACCT_USERDB is for the caller
_acct_ready() {
    [ -s "$ACCT_DIR/port" ] || return 1
    ACCT_PORT=$(tr -d ' \n' < "$ACCT_DIR/port")
    ACCT_USERDB=tcp:127.0.0.1:$ACCT_PORT
    (: <> "/dev/tcp/127.0.0.1/$ACCT_PORT") 2> /dev/null
}

acct_stop() { _svc_stop "${ACCT_PID:-}" "$ACCT_DIR/pid"; }

# acct_mode M - written by a rename: the service reads it per request
acct_mode() {
    printf '%s\n' "$1" > "$ACCT_DIR/mode.tmp" &&
        mv "$ACCT_DIR/mode.tmp" "$ACCT_DIR/mode"
}

acct_keys() { cat "$ACCT_LOG"; }
