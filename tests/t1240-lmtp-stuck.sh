#!/bin/bash
# t1240-lmtp-stuck.sh - a delivery of lda-lmtpd that hangs or crashes
#
# Started as root without lmtp_user, each delivery is a child of its
# connection process.  lda-lmtpd(8) promises that a child which has not
# reported within delivery_timeout and 10 s more is killed and its
# recipient gets 451 4.3.0 delivery timed out, and that a child that
# crashes costs only its own recipient a 451 4.3.0: the connection and
# the server go on.  The hang is a tcp userdb that accepts and never
# answers (userdb_timeout is a day, delivery_timeout 2 s); the crash is
# a SIGKILL sent to the stuck child (a SIGSEGV would be caught by
# AddressSanitizer in the sanitized build, which then exits 1).  Nothing reaches the Maildir.

. "$(dirname "$0")/lib.sh"

[ -x "$LMTPD" ] || skip_all "no lda-lmtpd to test: $LMTPD"
[ "$(id -u)" = 0 ] || skip_all "needs root (a delivery child per message)"
for c in python3 ps; do
    command -v "$c" >/dev/null 2>&1 || skip_all "$c is not installed"
done

T=$TEST_TMP

# A tcp_table service that takes connections and says nothing.
python3 - "$T/silent.port" > /dev/null 2>&1 <<'PYEOF' &
import os, socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
ppid = os.getppid()
s.settimeout(0.5)
while os.getppid() == ppid:
    try:
        held.append(s.accept()[0])
    except socket.timeout:
        pass
PYEOF
SILENT=$!
at_exit "kill $SILENT 2>/dev/null"
for i in $(seq 1 100); do [ -s "$T/silent.port" ] && break; sleep 0.1; done
PORT=$(cat "$T/silent.port" 2>/dev/null)

mkdir -p "$T/mail" && chown nobody "$T/mail"
C=$T/lda.conf
write_conf "$C" "maildir = $T/mail/%d/%n/Maildir" \
    "userdb = tcp:127.0.0.1:$PORT" "userdb_timeout = 1d" \
    "delivery_timeout = 2s"

# children PID - the pids whose parent is PID
children() { ps -o pid= --ppid "$1" | tr -d ' '; }

if ! lmtpd_start "$T" "$C"; then
    echo "1..1"; not_ok "lda-lmtpd starts"; exit 1
fi
ok "lda-lmtpd starts as root, a child per delivery"

# One transaction, two recipients: the first child is crashed, the
# second left to time out.
sample_msg stuck | lmtp send --from a@example.org --to crash@example.com \
    --to slow@example.com > "$T/out" 2>&1 &
CLIENT=$!
conn= child=
for i in $(seq 1 200); do
    conn=$(children "$LMTP_PID" | head -n 1)
    [ -n "$conn" ] && child=$(children "$conn" | head -n 1)
    [ -n "$child" ] && break
    sleep 0.1
done
if [ -n "$child" ]; then
    ok "the delivery runs in a child of the connection process"
    kill -KILL "$child"
else
    not_ok "the delivery runs in a child of the connection process"
fi
START=$(date +%s)
wait "$CLIENT"
ELAPSED=$(( $(date +%s) - START ))
OUT=$(cat "$T/out")
diag "$OUT"
like "$OUT" "data: 451 4\.3\.0 delivery process killed by signal 9" \
    "the crashed delivery's recipient: 451 4.3.0"
like "$OUT" "data: 451 4\.3\.0 delivery timed out" \
    "the stuck delivery's recipient: 451 4.3.0 delivery timed out"
check "the stuck one was given delivery_timeout and the grace (took ${ELAPSED}s)" \
    test "$ELAPSED" -ge 11
like "$(cat "$LMTP_LOG")" "to=<slow@example\.com>, from=<a@example\.org>.*status=deferred \(4\.3\.0 delivery timed out\)" \
    "the stuck delivery is logged as deferred"
is "$(find "$T/mail" -type f | wc -l)" 0 "nothing reached a Maildir"
is "$(children "$LMTP_PID" | wc -l)" 0 "no process left behind"
OUT=$(printf 'LHLO x\r\nQUIT\r\n' | lmtp raw)
like "$OUT" "^221 " "the server goes on serving"

done_testing
