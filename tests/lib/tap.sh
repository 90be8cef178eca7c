# tests/lib.sh - TAP helpers for the integration scripts (sourced, not run)
#
# Each tests/tNNNN-topic.sh sources this file, calls plan or ends with
# done_testing, and reports with ok/not_ok/is.  The scripts are run by
# prove(1) from "make check"; LDA names the binary under test and
# TEST_TMP a scratch directory removed at exit.

set -u
shopt -s lastpipe    # "cmd | run_lda" sets RC and OUT here

: "${LDA:=$(cd "$(dirname "$0")/.." && pwd)/build/lda}"
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOP_DIR=$(dirname "$TESTS_DIR")
export LDA TESTS_DIR TOP_DIR

# Without a scratch directory every path below would be under /.
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/lda-test.XXXXXX") && [ -d "$TEST_TMP" ] ||
    { echo "Bail out! cannot create a scratch directory in ${TMPDIR:-/tmp}"; exit 1; }
chmod 755 "$TEST_TMP"
export TEST_TMP

_tap_n=0
_tap_failed=0
_cleanups=()

# at_exit - run CMD when the script ends, last registered first
at_exit() { _cleanups=("$*" "${_cleanups[@]}"); }

_tap_exit() {
    local rc=$? c
    for c in "${_cleanups[@]}"; do eval "$c" || true; done
    if [ -z "${KEEP_TMP:-}" ]; then rm -rf "$TEST_TMP"; fi
    exit $rc
}
trap _tap_exit EXIT

plan() { echo "1..$1"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }

ok() {
    _tap_n=$((_tap_n + 1))
    echo "ok $_tap_n - $*"
}

not_ok() {
    _tap_n=$((_tap_n + 1))
    _tap_failed=$((_tap_failed + 1))
    echo "not ok $_tap_n - $*"
}

# todo DESC WHY - a known failure: "not ok ... # TODO WHY", reported
# by prove(1) but not counted against the script
todo() {
    _tap_n=$((_tap_n + 1))
    echo "not ok $_tap_n - $1 # TODO $2"
}

diag() { printf '# %s\n' "$@" >&2; }

# check DESC CMD... - ok when CMD succeeds
check() {
    local desc=$1; shift
    if "$@"; then ok "$desc"; else not_ok "$desc"; diag "failed: $*"; fi
}

# is GOT WANT DESC - string equality
is() {
    if [ "$1" = "$2" ]; then ok "$3"; else
        not_ok "$3"; diag "got:  '$1'" "want: '$2'"
    fi
}

# like GOT PATTERN DESC - extended regular expression match
like() {
    if printf '%s' "$1" | grep -Eq -- "$2"; then ok "$3"; else
        not_ok "$3"; diag "got:  '$1'" "want: /$2/"
    fi
}

done_testing() { echo "1..$_tap_n"; [ "$_tap_failed" -eq 0 ]; }

# count_files DIR - number of regular files directly in DIR
count_files() { find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l | tr -d ' '; }

# files_in DIR - the names of the regular files in DIR, one a line
files_in() { find "$1" -maxdepth 1 -type f -printf '%f\n' 2>/dev/null | sort; }

# quota_state - "<maildirsize bytes> <count> / <recount bytes> <count>"
# for the Maildir $MD (new/ and cur/; sizes from S= where present)
quota_state() {
    local sum='- -' recount
    if [ -f "$MD/maildirsize" ]; then
        sum=$(awk 'NR > 1 && NF { b += $1; c += $2 } END { print b + 0, c + 0 }' \
              "$MD/maildirsize")
    fi
    recount=$(for d in "$MD/new" "$MD/cur"; do
                  find "$d" -maxdepth 1 -type f -printf '%f %s\n' 2>/dev/null
              done | awk '{ s = $2
                            if (match($1, /,S=[0-9]+/))
                                s = substr($1, RSTART + 3, RLENGTH - 3)
                            b += s; c++ }
                          END { print b + 0, c + 0 }')
    printf '%s / %s' "$sum" "$recount"
}

# quota_ok - maildirsize agrees with the recount (or is absent: recounted
# by the next delivery, as Maildir++ says)
quota_ok() {
    local q
    q=$(quota_state)
    case $q in
        "- - / "*) return 0 ;;
    esac
    [ "${q% / *}" = "${q#* / }" ]
}

# is_recounted MAILDIR DESC - maildirsize's totals equal the real sizes
# and number of the files in MAILDIR/new
is_recounted() {
    local claimed actual
    claimed=$(awk 'NR > 1 {b += $1; n += $2} END {print b, n}' "$1/maildirsize")
    actual=$(find "$1/new" -type f -printf '%s\n' | awk '{b += $1; n++} END {print b, n}')
    is "$claimed" "$actual" "$2"
}

# check_many TOTAL - after concurrent deliveries of messages with
# "Subject: nN" lines into $MD: all there, distinct, whole, each once,
# nothing left behind, maildirsize and every S= exact
check_many() {
    local sizes
    is "$(count_files "$MD/new")" "$1" "$1 files in new/"
    is "$(find "$MD/new" -type f | sort -u | wc -l)" "$1" "... with distinct names"
    is "$(cat "$MD"/new/* | grep -c '^Subject: n')" "$1" "... each a whole message"
    is "$(grep -h '^Subject: n' "$MD"/new/* | sort -u | wc -l)" "$1" "... each one once"
    is "$(count_files "$MD/tmp")" 0 "nothing left in tmp/"
    check "no lock left" test ! -e "$MD/maildirsize.lock"
    is_recounted "$MD" "maildirsize equals a full recount"
    sizes=$(for f in "$MD"/new/*; do n=${f##*,S=}; n=${n%%,*}; echo "$n $(stat -c %s "$f")"; done \
        | awk '$1 != $2' | wc -l)
    is "$sizes" 0 "every S= matches its file's size"
}

# fault_outcome MUST - what a fault-injection run came to (RC, FIRST and
# the new/ of $MD): sets OUTCOME to "exit 75" or "delivered" and appends
# to PROBLEMS what is wrong.  MUST is 1 when the failing call must fail
# the delivery, 2 when lda must deliver all the same, 0 when either is
# right.  The caller defines message_ok FILE (the whole message?).
fault_outcome() {
    local newn
    newn=$(count_files "$MD/new")
    if [ "$RC" -eq 75 ] && [ "$newn" -eq 0 ]; then
        OUTCOME="exit 75"
        printf '%s' "$FIRST" | grep -Eq '^4\.[0-9]{1,3}\.[0-9]{1,3} ' ||
            PROBLEMS="$PROBLEMS; first line is not a 4.x.x status"
        [ "$1" -ne 2 ] ||
            PROBLEMS="$PROBLEMS; not delivered although the message was in new/"
    elif [ "$RC" -eq 0 ] && [ "$newn" -eq 1 ] &&
         message_ok "$(find "$MD/new" -type f | head -n 1)"; then
        OUTCOME="delivered"
        [ "$1" -ne 1 ] ||
            PROBLEMS="$PROBLEMS; delivered although this call must fail the delivery"
    else
        OUTCOME="exit $RC"
        PROBLEMS="$PROBLEMS; neither exit 75 with new/ empty nor exit 0 with the message (exit $RC, $newn in new/)"
    fi
}

# free_port - a TCP port on 127.0.0.1 nobody listens on now
free_port() {
    python3 - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

# greets PORT GREETING BYE - a server on 127.0.0.1:PORT answers with a
# line starting GREETING (then BYE is sent to part politely)
greets() {
    python3 - "$@" <<'EOF'
import socket, sys
port, greeting, bye = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3]
try:
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    ok = s.recv(512).startswith(greeting)
    s.sendall(bye.encode() + b"\r\n")
    s.close()
except OSError:
    ok = False
sys.exit(0 if ok else 1)
EOF
}

# run_lda ARGS... < msg - run lda, leaving exit code in RC and output in OUT
run_lda() {
    OUT=$("$LDA" "$@" 2>&1)
    RC=$?
}

# Started as root, lda must be told which account to deliver as; the
# tests use "nobody" and give it the scratch directory.
if [ "$(id -u)" = 0 ]; then
    LDA_USER=nobody
    chown nobody "$TEST_TMP"
else
    LDA_USER=
fi
export LDA_USER

# write_conf FILE [LINE...] - an lda.conf with LINEs (plus the account)
write_conf() {
    local f=$1; shift
    : > "$f"
    [ -n "$LDA_USER" ] && echo "user = $LDA_USER" >> "$f"
    for l in "$@"; do echo "$l" >> "$f"; done
}

# as_user CMD... - run CMD as the delivery account (for setting up files)
as_user() {
    if [ -n "$LDA_USER" ]; then setpriv --reuid="$LDA_USER" --regid=nogroup \
        --clear-groups -- "$@"; else "$@"; fi
}

# first_line TEXT - the first line of TEXT
first_line() { printf '%s\n' "$1" | head -n 1; }

# sample_msg [SUBJECT] - a small message on stdout
sample_msg() {
    printf 'From: Alice <alice@example.org>\nTo: bob@example.com\nSubject: %s\nMessage-ID: <%s@example.org>\n\nHello Bob.\n' \
        "${1:-test}" "$RANDOM$RANDOM"
}
