#!/bin/bash
# t0930 - the exec and unix notifiers end to end, and endpoints side by side
#
# exec: the command gets the event file's bytes on stdin and its id in
# LDA_EVENT_ID; exit 75 is retried, another exit is a dead letter at
# once with the command's output in the attempt log, a command past its
# timeout is killed (its whole process group) and retried.  unix: each
# event is one line on the socket, equal to the event; a missing socket
# is retried until it appears.  Three endpoints (webhook, exec, unix)
# each get an event once; one that keeps failing holds back none of the
# others, and the event stays in new/ until the last endpoint is done.
#
# Most steps run "lda-notifyd --once" so that each attempt is a step of
# the test: the order of events is proved, not timed.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/services/webhook.sh"
. "$TESTS_DIR/services/notifyd.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
[ -x "$NOTIFYD" ] || skip_all "no lda-notifyd at $NOTIFYD"

# scene NAME - a fresh outbox, Maildir and lda.conf under $TEST_TMP/NAME;
# sets SCENE (NAME), D (the directory, writable by the commands), OB,
# MD, C, NC (the lda-notifyd.conf to write), CMDOUT ($D/out, made for the
# commands' output) and EV (shell words naming "$CMDOUT/$LDA_EVENT_ID" in
# a command: "cat > $EV.json" writes the event to out/<id>.json)
scene() {
    SCENE=$1
    D=$TEST_TMP/$1
    CMDOUT=$D/out
    mkdir -p "$CMDOUT"
    [ -n "$LDA_USER" ] && chown "$LDA_USER" "$D"
    nd_outbox "$D/outbox"
    OB=$OUTBOX
    MD=$D/Maildir
    C=$D/lda.conf
    NC=$D/notifyd.conf
    EV="'$CMDOUT/'\"\$LDA_EVENT_ID\""
    write_conf "$C" "maildir = $MD" "outbox = $OB"
}

# write_nc SCHEDULE [--hook] [--cmd COMMAND [--timeout T]] [--sock PATH] -
# the lda-notifyd.conf $NC: the outbox, retry_schedule SCHEDULE without jitter, and an
# endpoint for each option, in this order: hook (a webhook to WH_URL,
# signed with WH_SECRET, kept in $D/secrets), cmd (exec COMMAND, with
# timeout T when given), sock (the unix socket PATH)
write_nc() {
    local schedule=$1 hook='' cmd='' timeout='' sock=''
    shift
    while [ $# -gt 0 ]; do
        case $1 in
            --hook) hook=1; shift ;;
            --cmd) cmd=$2; shift 2 ;;
            --timeout) timeout=$2; shift 2 ;;
            --sock) sock=$2; shift 2 ;;
            *) diag "write_nc: unknown argument '$1'"; return 1 ;;
        esac
    done
    {
        echo "outbox = $OB"
        if [ -n "$hook" ]; then
            ( umask 077; printf 'hook = %s\n' "$WH_SECRET" > "$D/secrets" )
            echo "secrets = $D/secrets"
        fi
        printf 'retry_schedule = %s\nretry_jitter = 0\n' "$schedule"
        [ -z "$hook" ] || printf '\n[endpoint hook]\nnotifier = webhook\nurl = %s\n' "$WH_URL"
        if [ -n "$cmd" ]; then
            printf '\n[endpoint cmd]\nnotifier = exec\n'
            [ -z "$timeout" ] || echo "timeout = $timeout"
            echo "command = $cmd"
        fi
        [ -z "$sock" ] || printf '\n[endpoint sock]\nnotifier = unix\npath = %s\n' "$sock"
    } > "$NC"
}

# three_endpoints COMMAND [TIMEOUT] - in the scene: a webhook receiver,
# a unix sink on SOCK ($D/<scene>.sock) and $NC with all three endpoints
# (hook, cmd running COMMAND, sock; retry_schedule 0 1s 1s)
three_endpoints() {
    SOCK=$D/$SCENE.sock
    wh_start --name "$SCENE" || not_ok "$SCENE: receiver started"
    sink_start "$SOCK" || not_ok "$SCENE: sink started"
    write_nc "0 1s 1s" --hook --cmd "$1" ${2:+--timeout "$2"} --sock "$SOCK"
}

# deliver [N] - N messages (default 1) through lda into the scene; a
# failed check unless each leaves its event in new/; then the events
# are copied to $D/written (the bytes lda wrote) and ID is their ids
deliver() {
    local i before
    before=$(count_files "$OB/new")
    for i in $(seq "${1:-1}"); do
        sample_msg "m$i" | run_lda -c "$C" -f alice@example.org -d bob@example.com
        [ "$RC" = 0 ] || diag "lda exit $RC: $OUT"
    done
    [ "$(count_files "$OB/new")" -eq $((before + ${1:-1})) ] ||
        not_ok "${1:-1} event(s) written to $OB/new"
    mkdir -p "$D/written"
    cp -p "$OB"/new/*.json "$D/written/"
    ID=$(files_in "$OB/new" | sed 's/\.json$//')
}

# once_until_done - run --once until it exits 0 (nothing pending), at
# most 40 times, pausing between runs for the next attempt to fall due
once_until_done() {
    local i
    for i in $(seq 40); do
        nd_once "$NC"
        [ "$RC" = 0 ] && return 0
        [ "$RC" = 75 ] || return 1
        sleep 0.3
    done
    return 1
}

# jq_file FILE PYEXPR - PYEXPR on the JSON in FILE (as j); JSON for
# containers and strings, str() otherwise; "MISSING" when unreadable
jq_file() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
try:
    j = json.load(open(sys.argv[1], encoding="utf-8"))
    v = eval(sys.argv[2], {"j": j})
except Exception as e:
    print("MISSING (%s)" % type(e).__name__)
    sys.exit(0)
print(json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list, str)) or v is None else v)
EOF
}

# gone PID - PID is given and no such process runs (or a zombie waits
# for its reaper)
gone() {
    [ -n "$1" ] &&
        { [ ! -e "/proc/$1" ] || [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ]; }
}

# nlines FILE - the number of lines in FILE
nlines() { wc -l < "$1" | tr -d ' '; }

# in_outbox - "<files in new/>/<files in state/>"
in_outbox() { echo "$(count_files "$OB/new")/$(count_files "$OB/state")"; }

# dead_letters - the number of files under dead/
dead_letters() { find "$OB/dead" -type f 2>/dev/null | wc -l | tr -d ' '; }

# lines_equal_events LOG - LOG's lines are the written events, each once
lines_equal_events() {
    local want got
    want=$(for f in "$D"/written/*.json; do cat "$f"; echo; done | LC_ALL=C sort)
    got=$(LC_ALL=C sort "$1")
    [ "$want" = "$got" ]
}

# wait_lines FILE N [SECS] - wait until FILE has at least N lines
wait_lines() {
    local i
    for i in $(seq $((${3:-10} * 10))); do
        [ "$(wc -l < "$1" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

# wait_log PATTERN [SECS] - wait until ND_LOG has a line matching PATTERN
wait_log() {
    local i
    for i in $(seq $((${2:-10} * 10))); do
        grep -Eq -- "$1" "$ND_LOG" && return 0
        sleep 0.1
    done
    return 1
}

# ------------------------------------------------------------ exec: end to end
scene exec-ok
chmod 777 "$CMDOUT"
write_nc "0 1s 1s" --cmd "cat > $EV.json"
deliver 3
nd_once "$NC"
is "$RC" 0 "exec: --once sends three events and exits 0"
is "$(files_in "$CMDOUT")" "$(files_in "$D/written")" "exec: one run per event, named after \$LDA_EVENT_ID"
bad=0
for f in "$D"/written/*.json; do cmp -s "$f" "$CMDOUT/${f##*/}" || bad=$((bad + 1)); done
is "$bad" 0 "exec: stdin is the event file, byte for byte"
is "$(in_outbox)" 0/0 "exec: new/ and state/ empty"
is "$(grep -c 'to cmd: sent, attempt 1 (0)' "$ND_LOG")" 3 "exec: 'sent, attempt 1 (0)' logged for each"

# ------------------------------------------------------------ exec: 75 once
scene exec-75
write_nc "0 1s 1s 1s" --cmd "echo run >> $EV.calls; if [ -e $EV.tried ]; then cat > $EV.json; else : > $EV.tried; echo 'busy, try later'; exit 75; fi"
deliver
nd_once "$NC"
is "$RC" 75 "exit 75: --once exits 75, the event pending"
check "exit 75: the event stays in new/" test -f "$OB/new/$ID.json"
ST=$OB/state/$ID.json
is "$(jq_file "$ST" 'j["endpoints"]["cmd"]["attempts"]')" 1 "exit 75: state/ records attempt 1"
is "$(jq_file "$ST" 'j["endpoints"]["cmd"]["done"]')" False "... not done"
is "$(jq_file "$ST" '[j["endpoints"]["cmd"]["log"][0][k] for k in ("attempt", "status", "error", "reply")]')" \
    '[1, 75, "exit 75", "busy, try later\n"]' "... its log: status 75, 'exit 75', the command's output"
like "$(first_line "$("$NOTIFYD" -c "$NC" list)")" "^$ID cmd message.new attempts=1 next=[^ ]+ last=exit 75\$" \
    "exit 75: 'list' shows it waiting"
check "exit 75: no output yet" test ! -e "$CMDOUT/$ID.json"
once_until_done
is "$RC" 0 "exit 75: a later --once run sends it"
check "exit 75: the retry got the event, byte for byte" cmp -s "$D/written/$ID.json" "$CMDOUT/$ID.json"
is "$(nlines "$CMDOUT/$ID.calls")" 2 "exit 75: two runs in all"
like "$(grep "event $ID to cmd" "$ND_LOG" | tr '\n' '|')" \
    "attempt 1 failed: exit 75; next in 1s\|.*sent, attempt 2 \(0\)\|$" "exit 75: logged: attempt 1 failed, then sent at attempt 2"
is "$(in_outbox)/$(dead_letters)" 0/0/0 "exit 75: new/, state/, dead/ empty"

# ------------------------------------------------------------ exec: exit 3
scene exec-3
write_nc "0 1s 1s 1s" --cmd "echo run >> '$CMDOUT/calls'; echo \"no mailbox for \$LDA_EVENT_ID\"; echo 'oops on stderr' >&2; exit 3"
deliver
nd_once "$NC"
is "$RC" 0 "exit 3: --once exits 0 (a dead letter is not pending)"
DL=$OB/dead/cmd/$ID.json
check "exit 3: dead letter dead/cmd/$ID.json" test -f "$DL"
is "$(jq_file "$DL" '[j["endpoint"], j["why"], len(j["attempts"])]')" '["cmd", "exit 3", 1]' \
    "exit 3: after one attempt, why 'exit 3'"
is "$(jq_file "$DL" '[j["attempts"][0][k] for k in ("attempt", "status", "error")]')" '[1, 3, "exit 3"]' \
    "exit 3: the attempt: status 3, error 'exit 3'"
R=$(jq_file "$DL" 'j["attempts"][0]["reply"]')
like "$R" "no mailbox for $ID" "exit 3: the reply holds the command's stdout"
like "$R" "oops on stderr" "... and its stderr"
is "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["event"] == json.load(open(sys.argv[2])))' \
      "$DL" "$D/written/$ID.json" 2>&1)" True "exit 3: the dead letter holds the event"
is "$(in_outbox)" 0/0 "exit 3: new/ and state/ empty"
like "$(grep "event $ID to cmd" "$ND_LOG")" "dead letter after 1 attempts: exit 3" "exit 3: dead letter logged"
like "$("$NOTIFYD" -c "$NC" list --dead)" "^$ID cmd message.new attempts=1 died=[^ ]+ why=exit 3\$" \
    "exit 3: 'list --dead' shows it"
sleep 1.5                       # the second attempt would be due now
nd_once "$NC"
is "$RC/$(nlines "$CMDOUT/calls")" 0/1 "exit 3: no retry, the command ran once"

# ------------------------------------------------------------ exec: timeout
scene exec-timeout
write_nc "0 1s 1s 1s" --timeout 1s \
    --cmd "echo run >> '$CMDOUT/calls'; if [ \"\$(wc -l < '$CMDOUT/calls')\" -eq 1 ]; then sleep 300 & echo \$! > '$CMDOUT/sleeper'; wait; fi; cat > $EV.json"
deliver
nd_once "$NC"
is "$RC" 75 "timeout: --once exits 75 after the attempt timed out"
ST=$OB/state/$ID.json
is "$(jq_file "$ST" '[j["endpoints"]["cmd"]["log"][0][k] for k in ("attempt", "status", "error")]')" \
    '[1, 0, "timed out after 1s"]' "timeout: attempt 1 'timed out after 1s', status 0"
SLEEPER=$(cat "$CMDOUT/sleeper" 2>/dev/null)
check "timeout: the command's child (sleep, pid ${SLEEPER:-?}) was killed with it" gone "$SLEEPER"
once_until_done
is "$RC" 0 "timeout: retried and sent"
check "timeout: the retry got the event" cmp -s "$D/written/$ID.json" "$CMDOUT/$ID.json"
is "$(nlines "$CMDOUT/calls")" 2 "timeout: two runs in all"
like "$(grep "event $ID to cmd" "$ND_LOG" | tr '\n' '|')" \
    "attempt 1 failed: timed out after 1s; next in 1s\|.*sent, attempt 2 \(0\)\|$" "timeout: logged in that order"
is "$(in_outbox)" 0/0 "timeout: new/ and state/ empty"

# ------------------------------------------------------------ unix: sink
scene unix-ok
SOCK=$D/events.sock
write_nc "0 1s 1s" --sock "$SOCK"
sink_start "$SOCK" || not_ok "unix: sink started"
deliver 5
nd_once "$NC"
is "$RC" 0 "unix: --once sends five events and exits 0"
wait_lines "$SINK_LOG" 5
is "$(nlines "$SINK_LOG")" 5 "unix: five lines arrived"
check "unix: each line is an event as written, each event once" lines_equal_events "$SINK_LOG"
check "unix: no partial line" test ! -e "$SINK_LOG.partial"
is "$(in_outbox)" 0/0 "unix: new/ and state/ empty"
sink_stop

# ------------------------------------------------------------ unix: absent, then there
scene unix-late
SOCK=$D/late.sock
write_nc "0 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s" --sock "$SOCK"
nd_start "$NC" || not_ok "unix late: lda-notifyd started"
deliver
check "unix late: attempt 1 fails, no socket" \
    wait_log "event $ID to sock: attempt 1 failed: connect '$SOCK': No such file or directory; next in"
check "unix late: the event waits in new/" test -f "$OB/new/$ID.json"
for _ in $(seq 50); do [ -f "$OB/state/$ID.json" ] && break; sleep 0.1; done
check "unix late: state/ records the failure" test -f "$OB/state/$ID.json"
check "unix late: sent nothing yet" sh -c "! grep -q 'event $ID to sock: sent' '$ND_LOG'"
sink_start "$SOCK" || not_ok "unix late: sink started"
check "unix late: sent once the socket is there" nd_wait_gone "$OB/new" 20
wait_lines "$SINK_LOG" 1
is "$(nlines "$SINK_LOG")" 1 "unix late: exactly one line"
check "unix late: the line is the event" lines_equal_events "$SINK_LOG"
like "$(grep "event $ID to sock: sent" "$ND_LOG")" "sent, attempt ([2-9]|1[0-9]) " "unix late: sent at a later attempt"
is "$(count_files "$OB/state")" 0 "unix late: state/ empty"
nd_stop
sink_stop

# ------------------------------------------------------------ three endpoints
scene mix
three_endpoints "cat > $EV.json"
deliver
nd_start "$NC" || not_ok "mix: lda-notifyd started"
check "mix: the event leaves new/" nd_wait_gone "$OB/new" 10
wh_wait_count 1 5
wait_lines "$SINK_LOG" 1 5
is "$(wh_verified_ids)" "$ID" "mix: the webhook got it, verified"
is "$(wh_query 'r["body"]')" "$(cat "$D/written/$ID.json")" "mix: ... the event's bytes"
check "mix: the command got it" cmp -s "$D/written/$ID.json" "$CMDOUT/$ID.json"
check "mix: the socket got it" lines_equal_events "$SINK_LOG"
is "$(count_files "$OB/state")" 0 "mix: no state/ (all at the first attempt)"
nd_stop
sink_stop

# ------------------------------------------------------------ one failing of three
scene stuck
three_endpoints "echo run >> '$CMDOUT/calls'; echo 'not now'; exit 75"
deliver
nd_once "$NC"
is "$RC" 75 "stuck: first --once: exit 75 (the command asks for later)"
wait_lines "$SINK_LOG" 1 5
is "$(wh_verified_ids)" "$ID" "stuck: the webhook got it at once"
check "stuck: the socket got it at once" lines_equal_events "$SINK_LOG"
is "$(nlines "$CMDOUT/calls")" 1 "stuck: the command ran once"
check "stuck: the event stays in new/" test -f "$OB/new/$ID.json"
ST=$OB/state/$ID.json
is "$(jq_file "$ST" '[j["endpoints"][e].get("done") for e in ("hook", "sock", "cmd")]')" \
    '[true, true, false]' "stuck: state/ records hook and sock done, cmd not"
is "$(jq_file "$ST" 'j["endpoints"]["cmd"]["attempts"]')" 1 "stuck: ... cmd after 1 attempt"
L=$("$NOTIFYD" -c "$NC" list)
like "$L" "^$ID cmd message.new attempts=1 next=[^ ]+ last=exit 75\$" "stuck: 'list' shows only cmd waiting"
once_until_done
is "$RC" 0 "stuck: later --once runs end with nothing pending"
is "$(nlines "$CMDOUT/calls")" 3 "stuck: the command ran 3 times (the schedule's length)"
DL=$OB/dead/cmd/$ID.json
is "$(jq_file "$DL" '[j["why"], len(j["attempts"])]')" '["exit 75", 3]' "stuck: dead letter for cmd after 3 attempts"
is "$(in_outbox)" 0/0 "stuck: then the event leaves new/ and state/"
check "stuck: no other dead letter" test "$(dead_letters)" -eq 1
is "$(wh_received)" 1 "stuck: the webhook got it once in all"
is "$(nlines "$SINK_LOG")" 1 "stuck: the socket got it once in all"
like "$(grep -c "event $ID to hook: sent\|event $ID to sock: sent" "$ND_LOG")" '^2$' "stuck: hook and sock each logged sent once"
sink_stop

# ------------------------------------------------------------ one hanging of three
# The running daemon: the command blocks until the test lets it go, and
# the other two endpoints get the event meanwhile.
scene slow
three_endpoints "echo run >> '$CMDOUT/calls'; while [ ! -e '$CMDOUT/go' ]; do sleep 0.05; done; exit 75" 60s
nd_start "$NC" || not_ok "slow: lda-notifyd started"
deliver
check "slow: the webhook gets the event" wh_wait_count 1 10
check "slow: the socket gets the event" wait_lines "$SINK_LOG" 1 10
wait_lines "$CMDOUT/calls" 1 10
is "$(nlines "$CMDOUT/calls")" 1 "slow: the command runs, blocked"
check "slow: ... its attempt has not ended (nothing logged for cmd)" \
    sh -c "! grep -q 'event $ID to cmd' '$ND_LOG'"
check "slow: the event stays in new/ meanwhile" test -f "$OB/new/$ID.json"
: > "$CMDOUT/go"
check "slow: once the command is let go, it ends in a dead letter" \
    wait_log "event $ID to cmd: dead letter after 3 attempts: exit 75" 20
check "slow: and the event leaves new/" nd_wait_gone "$OB/new" 10
is "$(count_files "$OB/state")/$(dead_letters)" 0/1 "slow: state/ empty, one dead letter"
is "$(wh_received)/$(nlines "$SINK_LOG")" 1/1 "slow: webhook and socket got it once each"
nd_stop
sink_stop

check "no sanitizer report from lda-notifyd" nd_sanitizer_clean

done_testing
