#!/bin/bash
# t0400 - 32 deliveries at once, 1,000 in all, to one Maildir: all
# delivered, all distinct, and maildirsize exactly equal to a recount
. "$(dirname "$0")/lib.sh"

C=$TEST_TMP/lda.conf
MD=$TEST_TMP/Maildir
write_conf "$C" "maildir = $MD" "quota = 1G" "quota_messages = 100000"
TOTAL=${CONCURRENT_TOTAL:-1000}
WORKERS=32

# worker W - deliver messages W, W+32, ... each of a different size
worker() {
    local i rc=0
    for ((i = $1; i < TOTAL; i += WORKERS)); do
        { printf 'Subject: n%d\nMessage-ID: <%d@t>\n\n' "$i" "$i"
          head -c $((i * 37 % 3000)) /dev/zero | tr '\0' m; echo; } \
            | "$LDA" -c "$C" -f a@example.org -d bob@example.com || rc=1
    done
    return $rc
}
export -f worker
export LDA C TOTAL WORKERS

seq 0 $((WORKERS - 1)) | xargs -P "$WORKERS" -I{} bash -c 'worker {}'
is "$?" 0 "every delivery exited 0"
check_many "$MD" "$TOTAL"

done_testing
