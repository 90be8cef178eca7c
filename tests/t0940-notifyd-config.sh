#!/bin/bash
# t0940 - lda-notifyd's configuration and secrets file, and its usage
#
# "lda-notifyd check" exits 78 with one clear line for each kind of
# mistake (the words are checked, not just the exit code), 0 with
# "configuration ok" for a good file; the daemon refuses to start on a
# bad one, touching nothing; no message ever carries a secret; the
# commands' usage errors exit 64.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/services/webhook.sh"
. "$TESTS_DIR/services/notifyd.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
[ -x "$NOTIFYD" ] || skip_all "no lda-notifyd at $NOTIFYD"

nd_outbox "$TEST_TMP/outbox"
OB=$OUTBOX
CONF=$TEST_TMP/notifyd.conf
SEC=$TEST_TMP/notifyd.secrets
SECRET=$(wh_new_secret)
SECRET_B64=${SECRET#whsec_}
# a secret without base64 padding: no "=" anywhere in it
SECRET2=whsec_$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(33)).decode())')
TOKEN=tok-$RANDOM$RANDOM-credential

# conf LINE... - the configuration: outbox and secrets, then LINEs
conf() {
    { echo "outbox = $OB"; echo "secrets = $SEC"; printf '%s\n' "$@"; } > "$CONF"
}

# secrets [MODE] LINE... - the secrets file, mode 600 unless MODE (octal)
secrets() {
    local mode=600
    case ${1:-} in [0-7][0-7][0-7]) mode=$1; shift ;; esac
    rm -f "$SEC"
    printf '%s\n' "$@" > "$SEC"
    chmod "$mode" "$SEC"
}

# run_nd ARGS... - lda-notifyd ARGS; RC, OUT (stdout and stderr)
run_nd() {
    OUT=$("$NOTIFYD" "$@" 2>&1 < /dev/null)
    RC=$?
}

# no_secret TEXT - TEXT holds none of the secrets or the token
no_secret() {
    case $1 in
        *"$SECRET_B64"* | *"${SECRET2#whsec_}"* | *"$TOKEN"*) return 1 ;;
    esac
    return 0
}

# refused DESC PATTERN - "check" on the current files: exit 78, one
# line matching PATTERN, no secret in it
refused() {
    run_nd -c "$CONF" check
    if [ "$RC" = 78 ] && [ "$(printf '%s\n' "$OUT" | wc -l)" = 1 ] &&
       printf '%s' "$OUT" | grep -Eq -- "$2" && no_secret "$OUT"; then
        ok "$1"
    else
        not_ok "$1"
        diag "exit $RC, output:" "$OUT" "want: exit 78, one line /$2/, no secret"
    fi
}

# accepted DESC - "check" on the current files: exit 0, "configuration ok"
accepted() {
    run_nd -c "$CONF" check
    if [ "$RC" = 0 ] && printf '%s' "$OUT" | grep -q '^configuration ok' && no_secret "$OUT"; then
        ok "$1"
    else
        not_ok "$1"; diag "exit $RC, output:" "$OUT"
    fi
}

WH=("[endpoint hook]" "notifier = webhook" "url = http://127.0.0.1:9/hook")
EX=("[endpoint cmd]" "notifier = exec" "command = cat > /dev/null")
UX=("[endpoint sock]" "notifier = unix" "path = $TEST_TMP/events.sock")
secrets "hook = $SECRET"

# ------------------------------------------------------------ good
conf "retry_schedule = 0 1s 5m 2h 1d" "retry_jitter = 20%" "${WH[@]}" "timeout = 1500ms" \
    "concurrency = 3" "header = X-Mail-Host: mx1" "events = message.new, quota.warning" \
    "domains = example.com" "${EX[@]}" "timeout = 30s" "${UX[@]}" "folders = INBOX Lists"
run_nd -c "$CONF" check
is "$RC" 0 "good configuration: check exits 0"
is "$OUT" "configuration ok: outbox '$OB', 3 endpoints" "... and says 'configuration ok' with the outbox and 3 endpoints"
check "... without creating anything in the outbox" test -z "$(ls -A "$OB")"
GOOD=$TEST_TMP/good.conf
cp "$CONF" "$GOOD"

# ------------------------------------------------------------ endpoints
conf "[endpoint crm]" "notifier = smtp" "url = http://127.0.0.1:9/"
refused "unknown notifier" "^lda-notifyd: config '$CONF' line 4: endpoint 'crm': unknown notifier 'smtp' \(webhook, exec, unix\)\$"
conf "[endpoint crm]" "url = http://127.0.0.1:9/"
refused "no notifier" "endpoint 'crm': no 'notifier' \(webhook, exec, unix\)"
conf "[endpoint crm]" "notifier = webhook"
refused "webhook without url" "endpoint 'crm': webhook needs 'url'"
conf "[endpoint cmd]" "notifier = exec" "timeout = 5s"
refused "exec without command" "endpoint 'cmd': exec needs 'command'"
conf "[endpoint sock]" "notifier = unix"
refused "unix without path" "endpoint 'sock': unix needs 'path'"
conf "${EX[@]}" "url = http://127.0.0.1:9/"
refused "url on an exec endpoint" "line 6: endpoint 'cmd': 'url' is not a setting of exec endpoints"
conf "${UX[@]}" "header = X-A: b"
refused "header on a unix endpoint" "endpoint 'sock': 'header' is not a setting of unix endpoints"
conf "${WH[@]}" "path = /tmp/x.sock"
refused "path on a webhook endpoint" "endpoint 'hook': 'path' is not a setting of webhook endpoints"
conf "${WH[@]}" "command = true"
refused "command on a webhook endpoint" "endpoint 'hook': 'command' is not a setting of webhook endpoints"
conf "${EX[@]}" "${EX[@]}"
refused "endpoint defined twice" "line 6: endpoint 'cmd' defined twice"
conf "${EX[@]}" "frobnicate = 1"
refused "unknown key" "endpoint 'cmd': unknown key 'frobnicate'"
conf "${EX[@]}" "retry_jitter = 5%"
refused "global key inside a section" "'retry_jitter' is a global setting"
conf "[endpoint bad/name]" "notifier = exec" "command = true"
refused "endpoint name with '/'" "bad endpoint name 'bad/name'"
conf "[endpoint .]" "notifier = exec" "command = true"
refused "endpoint name '.'" "line 3: bad endpoint name '\.'"
conf "[endpoint ..]" "notifier = exec" "command = true"
refused "endpoint name '..'" "line 3: bad endpoint name '\.\.'"
conf "[endpoint .hidden]" "notifier = exec" "command = true"
refused "endpoint name starting with '.'" "line 3: bad endpoint name '\.hidden'"
conf "[endpoint $(printf 'n%.0s' $(seq 64))]" "notifier = exec" "command = true"
refused "endpoint name of 64 characters" "bad endpoint name"
conf "retry_jitter = 10%"
refused "no endpoint at all" "^lda-notifyd: config '$CONF': .*(no|without|at least one).*endpoint"
conf "${EX[@]}" "events = message.new mail.read"
refused "unknown event type in a filter" "unknown event 'mail\.read'"
conf "${EX[@]}" "concurrency = 0"
refused "concurrency 0" "bad value for 'concurrency': '0' \(1 to 256\)"
conf "${WH[@]/http:\/\/127.0.0.1:9\/hook/ftp://127.0.0.1/x}"
refused "webhook url not http(s)" "endpoint 'hook'.*url"

# ------------------------------------------------------------ times
rm -f "$SEC"                    # exec endpoints only: no secrets needed
for t in 0 5x 2h -1s 1.5s ''; do
    conf "${EX[@]}" "timeout = $t"
    refused "bad timeout '$t'" "endpoint 'cmd': bad time for 'timeout': '$t' \(1ms to 1h\)"
done
conf "${EX[@]}" "timeout = 1h"
accepted "timeout 1h is allowed"
for s in '0 5q' '0 500ms' '0 1s 31d' '0 -5'; do
    conf "retry_schedule = $s" "${EX[@]}"
    refused "bad retry_schedule '$s'" "line 3: retry_schedule: bad time '[^']+' \(whole seconds, at most 30d\)"
done
conf "retry_schedule = $(seq -s ' ' 0 16)" "${EX[@]}"
refused "retry_schedule of 17 attempts" "retry_schedule: more than 16 attempts"
conf "retry_schedule =" "${EX[@]}"
refused "empty retry_schedule" "retry_schedule is empty"
conf "retry_schedule = $(seq -s ' ' 0 15)" "${EX[@]}"
accepted "retry_schedule of 16 attempts is allowed"
conf "retry_jitter = 101%" "${EX[@]}"
refused "retry_jitter 101%" "bad value for 'retry_jitter'"

# ------------------------------------------------------------ secrets file
conf "${WH[@]}" "${EX[@]}"
for mode in 644 640 604; do
    secrets "$mode" "hook = $SECRET"
    refused "secrets file mode $mode" \
        "^lda-notifyd: secrets '$SEC': readable by group or others \(mode 0$mode\): chmod 600 it\$"
done
secrets 620 "hook = $SECRET"
refused "secrets file mode 620" "secrets '$SEC': .* by group or others \(mode 0620\): chmod 600 it"
secrets 400 "hook = $SECRET"
accepted "secrets file mode 400 is fine"
rm -f "$SEC"; mkdir "$SEC"; chmod 700 "$SEC"
refused "secrets path is a directory" "secrets '$SEC': .*(not a regular file|directory)"
rmdir "$SEC"
secrets "hook = $SECRET" "nosuch = $SECRET2"
refused "secrets for an unknown endpoint" "secrets '$SEC' line 2: unknown endpoint 'nosuch'"
secrets "# no secrets here"
refused "webhook endpoint without a secret" "endpoint 'hook': webhook needs a secret: 'hook = whsec_\.\.\.' in secrets '$SEC'\$"
rm -f "$SEC"
refused "webhook endpoint, no secrets file" "endpoint 'hook': webhook needs a secret.*\(no such file\)"
conf "${EX[@]}" "${UX[@]}"
accepted "no secrets file and no webhook: fine"
conf "${WH[@]}" "${EX[@]}"
for bad in whsec_abc "whsec_$(head -c 16 /dev/urandom | base64)" "whsec_$(head -c 65 /dev/urandom | base64 -w0)" \
           "$SECRET_B64" "whsec_${SECRET_B64%?}*" "$SECRET2 whsec_short"; do
    secrets "hook = $bad"
    n=$(( $(printf '%s' "$bad" | wc -w) ))
    refused "bad secret '${bad:0:12}...'" "secrets '$SEC' line 1: endpoint 'hook': secret $n is not 'whsec_' \+ base64 of 24 to 64 bytes\$"
    case $OUT in *"${bad:6:10}"*) not_ok "... the bad secret is not quoted"; diag "$OUT" ;; *) ok "... the bad secret is not quoted" ;; esac
done
secrets "hook = $SECRET" "cmd = $SECRET2"
refused "a secret for an exec endpoint" "endpoint 'cmd': exec endpoints take no secrets"
secrets "hook = $SECRET" "hook = $SECRET2"
refused "secrets given twice" "endpoint 'hook': secrets given twice"
secrets "hook = $SECRET" "$SECRET2"
refused "a secret pasted alone on a line" "secrets '$SEC' line 2: "
secrets "hook = $SECRET" "$SECRET2 = hook"
refused "a secret pasted as a name" "secrets '$SEC' line 2: unknown endpoint\$"
secrets "hook = $SECRET" "hook.header = Authorization Bearer $TOKEN"
refused "a header without ':' in the secrets file" "endpoint 'hook': header needs 'Name: value'"
secrets "hook = $SECRET" "hook.header = Authorization: Bearer $TOKEN$(printf '\001')"
refused "a header with a control character" "endpoint 'hook': control character in header 'Authorization'"
secrets "hook = $SECRET" "hook.header = webhook-signature: v1,$TOKEN"
refused "a header the signer sets" "header 'webhook-signature' is set by"
secrets "hook = $SECRET2 $SECRET" "hook.header = Authorization: Bearer $TOKEN"
accepted "two secrets and a credential header: fine"

# ------------------------------------------------------------ files
run_nd -c "$TEST_TMP/no-such.conf" check
is "$RC" 78 "missing configuration file: exit 78"
like "$OUT" "^lda-notifyd: config '$TEST_TMP/no-such.conf': No such file or directory\$" "... saying so in one line"
conf "${EX[@]}" "this line has no equals sign"
refused "a line without '='" "line 6: expected 'key = value'"
conf "[endpoint cmd" "notifier = exec"
refused "a broken section header" "line 3: expected '\[endpoint NAME\]'"
conf "${EX[@]}" "command = $(printf 'x%.0s' $(seq 2100))"
refused "a line over 2047 characters" "line 6: line too long"

# ------------------------------------------------------------ the daemon
conf "${WH[@]}" "${EX[@]}"
secrets 644 "hook = $SECRET" "hook.header = Authorization: Bearer $TOKEN"
run_nd -c "$CONF" -v
is "$RC" 78 "daemon on a bad secrets file: exit 78 at once"
like "$OUT" "readable by group or others" "... saying why"
check "... no secret in its output" no_secret "$OUT"
check "... the outbox untouched" test -z "$(ls -A "$OB")"
run_nd -c "$CONF" -v --once
is "$RC" 78 "--once on a bad secrets file: exit 78"
secrets "hook = whsec_$TOKEN"
run_nd -c "$CONF" -v
is "$RC/$(find "$OB" -mindepth 1 | wc -l | tr -d ' ')" 78/0 "daemon on a malformed secret: exit 78, outbox untouched"
check "... no secret in its output" no_secret "$OUT"
conf "[endpoint crm]" "notifier = smtp"
run_nd -c "$CONF" -v
is "$RC" 78 "daemon on an unknown notifier: exit 78"
like "$OUT" "unknown notifier 'smtp'" "... saying why"

# A good start, a bad reload: the secret is in no log line.
secrets "hook = $SECRET" "hook.header = Authorization: Bearer $TOKEN"
cp "$GOOD" "$CONF"
if nd_start "$CONF"; then ok "daemon starts on the good configuration"; else not_ok "daemon starts"; fi
secrets "hook = whsec_${TOKEN}AAAA" "hook.header = X: $SECRET2"
kill -HUP "$ND_PID"
for _ in $(seq 100); do grep -q 'reload' "$ND_LOG" && break; sleep 0.1; done
like "$(grep 'reload' "$ND_LOG")" "reload: .*secret 1 is not 'whsec_'.*going on with the settings in use" \
    "SIGHUP with a bad secret: logged, old settings kept"
check "... still running" kill -0 "$ND_PID"
nd_stop
check "no secret or credential in the daemon's log" no_secret "$(cat "$ND_LOG")"
secrets "hook = $SECRET"

# ------------------------------------------------------------ usage
cp "$GOOD" "$CONF"
C=$TEST_TMP/lda.conf
write_conf "$C" "maildir = $TEST_TMP/Maildir" "outbox = $OB"
sample_msg | run_lda -c "$C" -f alice@example.org -d bob@example.com
EVENTS=$(files_in "$OB/new")
is "$(printf '%s\n' "$EVENTS" | grep -c .)" 1 "an event waits in the outbox"
for args in "list a b" "list --bogus" "list nosuch" "list --dead nosuch" \
            "purge" "purge --dead" "purge --endpoint" "purge --endpoint nosuch all" "purge --bogus all" \
            "replay" "replay --dead all" "replay --endpoint nosuch all" "replay --endpoint" \
            "enable" "enable hook cmd" "enable nosuch" "check extra" "frobnicate" "-x" "--bogus"; do
    # shellcheck disable=SC2086  # split on purpose
    run_nd -c "$CONF" $args
    if [ "$RC" = 64 ]; then ok "usage error: '$args' exits 64"; else
        not_ok "usage error: '$args' exits 64"; diag "exit $RC: $OUT"; fi
done
run_nd -c "$CONF" frobnicate
like "$OUT" "unknown command 'frobnicate'" "unknown command named in the message"
like "$OUT" "usage: lda-notifyd" "... with the usage"
run_nd -c "$TEST_TMP/no-such.conf" frobnicate
is "$RC" 64 "unknown command, even without a configuration: 64"
run_nd -c "$CONF" list nosuch
like "$OUT" "no endpoint 'nosuch'" "unknown endpoint named in the message"
is "$(files_in "$OB/new")" "$EVENTS" "usage errors removed nothing"
run_nd -h
is "$RC" 0 "-h exits 0"
like "$OUT" "^usage: lda-notifyd" "... printing the usage"
run_nd -c "$CONF" list
is "$RC" 0 "list: exit 0"
is "$(printf '%s\n' "$OUT" | grep -c ' attempts=0 next=now last=-$')" 3 "... one line for each of the 3 endpoints"

done_testing
