#!/bin/bash
# t0810 - two delivery hosts (host names mxa and mxb), several streams
# each, 1,000 messages in all into one Maildir on NFS under quota: all
# delivered, all distinct, and maildirsize exactly equal to a recount
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/services/ganesha.sh"

[ "$(id -u)" = 0 ] || skip_all "nfs-ganesha needs root"

ns_init nfs
ns_start || { plan 1; not_ok "nfs-ganesha started"; exit 1; }

mkdir "$NS_EXPORT/vmail"
chown "$LDA_USER" "$NS_EXPORT/vmail"
MD=$NS_EXPORT/vmail/bob/Maildir
for h in mxa mxb; do
    write_conf "$TEST_TMP/$h.conf" "hostname = $h" "quota = 1G" \
        "quota_messages = 100000" \
        "maildir = nfs://127.0.0.1/export/vmail/%n/Maildir?$NS_ARGS"
done
TOTAL=${CONCURRENT_TOTAL:-1000}
WORKERS=8                       # four streams per host

# worker W - deliver messages W, W+8, ... from host mxa (even W) or mxb
worker() {
    local i e rc=0 h=mxa
    [ $(($1 % 2)) = 1 ] && h=mxb
    for ((i = $1; i < TOTAL; i += WORKERS)); do
        { printf 'Subject: n%d\nMessage-ID: <%d@t>\n\n' "$i" "$i"
          head -c $((i * 37 % 9000)) /dev/zero | tr '\0' m; echo; } \
            | "$LDA" -c "$TEST_TMP/$h.conf" -f a@example.org -d bob@example.com \
                2>>"$TEST_TMP/err.$1" || { e=$?; rc=1; echo "n$i exit $e" >>"$TEST_TMP/err.$1"; }
    done
    return $rc
}
export -f worker
export LDA TEST_TMP TOTAL WORKERS

seq 0 $((WORKERS - 1)) | xargs -P "$WORKERS" -I{} bash -c 'worker {}'
is "$?" 0 "every delivery exited 0"
# what lda said, so a failure here can be told from the log alone
cat "$TEST_TMP"/err.* 2>/dev/null | head -n 40 | sed 's/^/# /' >&2
check_many "$MD" "$TOTAL"
is "$(find "$MD/new" -name '*.mxa,*' | wc -l)/$(find "$MD/new" -name '*.mxb,*' | wc -l)" \
    "$((TOTAL / 2))/$((TOTAL / 2))" "half from each host, by name"

done_testing
