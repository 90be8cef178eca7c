# tests/lib.sh - what every integration script sources (sourced, not run)
#
# Each tests/tNNNN-topic.sh sources this file and nothing else from
# tests/lib/; tests/services/*.sh count on it having been sourced.  The
# scripts are run by prove(1) from "make check"; LDA names the binary
# under test and TEST_TMP a scratch directory removed at exit (kept when
# KEEP_TMP is set).  This file sets up that environment; the helpers are
# in tests/lib/:
#   tap.sh      TAP output (plan, ok, is, check, ...) and at_exit
#   maildir.sh  checks on a Maildir (counts, maildirsize, check_many)
#   fault.sh    the rule a fault-injection run is judged by
#   lda.sh      run_lda, write_conf, as_user, sample_msg, first_line
#   net.sh      free_port, greets
#   lmtp.sh     lmtpd_start, lmtpd_stop, lmtp (the scripted client)

set -u
shopt -s lastpipe    # "cmd | run_lda" sets RC and OUT here

: "${LDA:=$(cd "$(dirname "$0")/.." && pwd)/build/lda}"
: "${LMTPD:=$(dirname "$LDA")/lda-lmtpd}"
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_DIR=$(dirname "$TESTS_DIR")
export LDA LMTPD TESTS_DIR TOP_DIR

. "$TESTS_DIR/lib/tap.sh"
. "$TESTS_DIR/lib/maildir.sh"
. "$TESTS_DIR/lib/fault.sh"
. "$TESTS_DIR/lib/lda.sh"
. "$TESTS_DIR/lib/net.sh"
. "$TESTS_DIR/lib/lmtp.sh"

# Without a scratch directory every path below would be under /.
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/lda-test.XXXXXX") && [ -d "$TEST_TMP" ] ||
    { echo "Bail out! cannot create a scratch directory in ${TMPDIR:-/tmp}"; exit 1; }
chmod 755 "$TEST_TMP"
export TEST_TMP
# Registered first, so it runs after every cleanup the script adds.
at_exit '[ -n "${KEEP_TMP:-}" ] || rm -rf "$TEST_TMP"'

# Started as root, lda must be told which account to deliver as; the
# tests use "nobody" and give it the scratch directory.
if [ "$(id -u)" = 0 ]; then
    LDA_USER=nobody
    chown nobody "$TEST_TMP"
else
    LDA_USER=
fi
export LDA_USER
