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
#   ph_normalize SENDER FOLDER     its output (stdin) as lda-sieve test
#                                  prints actions (see below)
#   sieve_canon                    what both outputs go through
#
# The normalized form: one action a line, "store F [flags: ...]",
# "keep F [flags: ...]", "redirect A", "reject R", "vacation SENDER",
# "discard"; a runtime error adds "error NAME line N" first (NAME: the
# script's file name without ".sieve"), a script that does not compile is
# "compile-error NAME line N" alone.
#
# The caller sources tests/lib.sh first.  Run as root.

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

# ph_run CWD ARGS... - sieve-test in CWD as nobody (-C: no binaries kept)
ph_run() {
    local cwd=$1; shift
    (cd "$cwd" && setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
        sieve-test -c "$PH_CONF" -C "$@" 2>&1)
}

# ph_normalize SENDER FOLDER - sieve-test's report (stdin) as actions.
# Each "## Executing script" section lists its own actions; the last
# section's "Implicit keep" is the final one; a failed run keeps.
ph_normalize() {
    awk -v sender="$1" -v folder="$2" '
    function emit(s) { out[++n] = s; last = n }
    /^## Executing script/ { impl = ""; mode = ""; next }
    /^Performed actions:/ { mode = "perf"; next }
    /^Implicit keep:/ { mode = "impl"; impl = ""; next }
    /: line [0-9]+: error: / && !errline {
        match($0, /: line [0-9]+:/)
        errline = substr($0, 1, RSTART - 1) " line " \
            substr($0, RSTART + 7, RLENGTH - 8)
        sub(/^.*\//, "", errline); sub(/\.sieve line/, " line", errline)
    }
    /^[^ ]*: error: / && !errline { errline = $1; sub(/:$/, "", errline)
        sub(/^.*\//, "", errline); sub(/\.sieve$/, "", errline) }
    /Fatal: failed to compile/ { compile = 1; next }
    /final result: failed/ { failed = 1; next }
    mode == "" { next }
    /^ \* store message in folder: / {
        f = substr($0, length(" * store message in folder: ") + 1)
        if (mode == "perf") emit("store " f); else impl = "keep " f
        next
    }
    /^ \* keep$/ {
        if (mode == "perf") emit("store " folder); else impl = "keep " folder
        next
    }
    /^ +\+ add IMAP flags: / {
        fl = substr($0, index($0, ": ") + 2)
        if (mode == "perf") out[last] = out[last] " flags: " fl
        else impl = impl " flags: " fl
        next
    }
    /^ \* redirect message to: / {
        a = substr($0, length(" * redirect message to: ") + 1)
        gsub(/^<|>$/, "", a); emit("redirect " a); next
    }
    /^ \* reject message with reason: / {
        r = substr($0, length(" * reject message with reason: ") + 1)
        gsub(/\?\?/, "\\n", r); emit("reject " r); next
    }
    /^ \* ereject message with reason: / {
        r = substr($0, length(" * ereject message with reason: ") + 1)
        gsub(/\?\?/, "\\n", r); emit("ereject " r); next
    }
    /^ \* send vacation message:/ { emit("vacation " sender); next }
    /^ \* discard/ { emit("discard"); next }
    END {
        if (compile) { print "compile-error " errline; exit }
        if (failed) print "error " errline
        for (i = 1; i <= n; i++) print out[i]
        if (failed) print "keep " folder
        else if (impl != "") print impl
    }'
}

# sieve_canon - the common form of both outputs: system flags in one
# case and flags sorted (their order carries no meaning); "discard" only
# at the end and only when nothing is stored, as lda-sieve reports it
sieve_canon() {
    awk '
    function canon(fl,   k, m, a, i, j, t, s) {
        m = split(fl, a, " ")
        for (i = 1; i <= m; i++) {
            t = tolower(a[i])
            if (t ~ /^\\(seen|answered|flagged|deleted|draft)$/)
                a[i] = "\\" toupper(substr(t, 2, 1)) substr(t, 3)
        }
        for (i = 2; i <= m; i++)
            for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
                t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
            }
        s = ""
        for (i = 1; i <= m; i++) s = s (i > 1 ? " " : "") a[i]
        return s
    }
    $0 == "discard" { next }
    /^(store|keep) / {
        k = index($0, " flags: ")
        if (k) $0 = substr($0, 1, k + 7) canon(substr($0, k + 8))
        stored = 1
    }
    /^compile-error/ { ce = 1 }
    { print }
    END { if (!stored && !ce) print "discard" }'
}
