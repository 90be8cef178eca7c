# shellcheck shell=bash
# tests/services/pigeonhole.sh - Pigeonhole's sieve-test as the oracle
# for lda's Sieve interpreter (sourced)
#
# sieve-test (Debian's dovecot-sieve) compiles a script, runs it over a
# message and prints the actions it would take, without delivering.
# Started as root it wants a mail_uid, so it runs as "nobody", over a
# private Dovecot config and a work directory that account owns.
#
#   ph_init DIR PERSONAL GLOBAL    config in DIR (created, given to nobody);
#                                  include :personal from PERSONAL,
#                                  :global from GLOBAL (both copied in)
#   ph_run CWD ARGS... SCRIPT MSG  sieve-test's stdout and stderr, as
#                                  nobody, in CWD (where -s names bare
#                                  files: sieve-test cannot open a -s
#                                  script given with a directory)
#
# pigeonhole.py turns its reports into lda-sieve's action format and
# compares them.
#
# The caller sources tests/lib.sh first.  Run as root.

# The spamtest and virustest settings, the same for lda-sieve (the
# caller writes them into its lda.conf): Pigeonhole's names and syntax.
PH_SPAM_CONF='sieve_spamtest_status_type = score
  sieve_spamtest_status_header = X-Spam-Score
  sieve_spamtest_max_value = 10
  sieve_virustest_status_type = text
  sieve_virustest_status_header = X-Virus-Scan: ([A-Za-z]+)
  sieve_virustest_text_value1 = clean
  sieve_virustest_text_value5 = infected'

# ph_init DIR PERSONAL GLOBAL
ph_init() {
    PH_DIR=$1
    PH_CONF=$PH_DIR/dovecot.conf
    mkdir -p "$PH_DIR/run" "$PH_DIR/personal" "$PH_DIR/global" "$PH_DIR/mail"
    cp "$2"/*.sieve "$PH_DIR/personal/"
    cp "$3"/*.sieve "$PH_DIR/global/"
    cat > "$PH_CONF" <<EOF
# sieve-test's settings for lda tests (tests/services/pigeonhole.sh)
base_dir = $PH_DIR/run
mail_location = maildir:$PH_DIR/mail
plugin {
  sieve = file:$PH_DIR/personal;active=$PH_DIR/active.sieve
  sieve_global = $PH_DIR/global
  sieve_extensions = +spamtest +spamtestplus +virustest +vacation-seconds
  sieve_max_actions = 32
  sieve_max_redirects = 4
  $PH_SPAM_CONF
}
EOF
    chmod -R a+rX "$PH_DIR"
    chown -R nobody "$PH_DIR"
}

# ph_run CWD ARGS... - sieve-test in CWD as nobody (-C: compiled anew)
ph_run() {
    local cwd=$1; shift
    (cd "$cwd" && exec setpriv --reuid=nobody --regid=nogroup \
        --clear-groups -- sieve-test -c "$PH_CONF" -C "$@" 2>&1)
}
