# tests/lib/lda.sh - running lda and setting up for it: run_lda, the
# account it delivers as (write_conf, as_user), a sample message and the
# first line of its output (sourced by lib.sh)

# run_lda ARGS... < msg - run lda, leaving exit code in RC and output in OUT
run_lda() {
    OUT=$("$LDA" "$@" 2>&1)
    RC=$?
}

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
