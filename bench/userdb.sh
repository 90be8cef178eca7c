#!/bin/bash
# bench/userdb.sh - what an account lookup costs lda ("make bench", last)
#
# usage: bench/userdb.sh [LDA]       (LDA defaults to build/lda)
#
# Delivers a 4 KB message BENCH_N times (default 200, after BENCH_WARMUP=3
# unrecorded rounds) with three lda configurations, interleaved round by
# round through bench/runner.c, quota on in all:
#   static       userdb = static, maildir = a fixed path
#   passwd-first userdb = passwd-file: a file of BENCH_USERS (100,000)
#                Dovecot passwd-file lines; the recipient is the first
#   passwd-last  the same file; the recipient is the last line
# and reports wall and CPU time per delivery and what the lookup adds to
# it (no target: a passwd-file is read, not indexed, so the cost grows
# with the part of the file before the account).
# As root the agents run as BENCH_USER (default ldabench), whose uid and
# gid the file's lines carry.  Exit 0 when every message was delivered,
# 1 when not, 2 on a setup problem.  BENCH_TMPDIR, CC, CFLAGS as run.sh.

if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u -o pipefail
exec </dev/null

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(dirname "$BENCH_DIR")
die() { echo "bench-userdb: $*" >&2; exit 2; }
. "$BENCH_DIR/lib.sh"
fail() { echo "bench-userdb: FAILED: $*" >&2; exit 1; }

LDA_BIN=$(cd "$(dirname "${1:-$TOP/build/lda}")" && pwd)/$(basename "${1:-build/lda}")
[ -x "$LDA_BIN" ] || die "no lda at $LDA_BIN (make build/lda)"
N=${BENCH_N:-200}
WARM=${BENCH_WARMUP:-3}
USERS=${BENCH_USERS:-100000}
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2}
BASE=${BENCH_TMPDIR:-${TMPDIR:-/var/tmp}}
S=$(mktemp -d "$BASE/lda-userdb.XXXXXX") || die "cannot create a directory in $BASE"
trap '[ -n "${BENCH_KEEP:-}" ] || rm -rf "$S"' EXIT
chmod 755 "$S"

bench_user
uid=$(id -u "$RUN_USER") gid=$(id -g "$RUN_USER")
mkdir -p "$S/bin" "$S/log" "$S/static" "$S/home" || die "cannot populate $S"
# shellcheck disable=SC2086
$CC $CFLAGS -o "$S/bin/runner" "$BENCH_DIR/runner.c" || die "cannot build runner"
cp "$LDA_BIN" "$S/bin/lda" && chmod 755 "$S/bin/lda" || die "cannot copy lda"

# The message: 4 KB.
MSG=$S/msg.eml
{ printf 'From: a@example.org\nTo: b@example.com\nSubject: userdb bench\n\n'
  head -c 3000 /dev/urandom | base64 -w 76; } | head -c 4096 > "$MSG"

# The passwd-file: USERS lines, each with its own home and quota, as a
# Dovecot userdb has them.
PW=$S/users
awk -v n="$USERS" -v u="$uid" -v g="$gid" -v h="$S/home" 'BEGIN {
    for (i = 1; i <= n; i++)
        printf "user%06d@example.com:{PLAIN}secret:%d:%d::%s/user%06d::userdb_mail=maildir:~/Maildir userdb_quota_rule=*:storage=10G\n", i, u, g, h, i
}' > "$PW" || die "cannot write the passwd-file"
first=$(printf 'user%06d@example.com' 1)
last=$(printf 'user%06d@example.com' "$USERS")
mkdir -p "$S/home/user000001" "$S/home/$(printf 'user%06d' "$USERS")"
printf 'maildir = %s/static/Maildir\nquota = 10G\n' "$S" > "$S/static.conf"
printf 'userdb = passwd-file:%s\n' "$PW" > "$S/passwd.conf"
chown -R "$RUN_USER" "$S/static" "$S/home" 2>/dev/null
{
    printf 'static\t%s\t-c\t%s\t-d\t%s\n' "$S/bin/lda" "$S/static.conf" "$first"
    printf 'passwd-first\t%s\t-c\t%s\t-d\t%s\n' "$S/bin/lda" "$S/passwd.conf" "$first"
    printf 'passwd-last\t%s\t-c\t%s\t-d\t%s\n' "$S/bin/lda" "$S/passwd.conf" "$last"
} > "$S/spec"

echo "lda userdb benchmark: $(nproc) CPUs; $(uname -sr); scratch $S ($(df -PT "$S" | awk 'NR==2{print $2}')); passwd-file of $USERS users, $(($(stat -c %s "$PW") / 1024)) KiB; load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
# shellcheck disable=SC2086
"$S/bin/runner" $USER_OPT -n "$N" -w "$WARM" -t 4096 -i "$MSG" \
    -o "$S/results.tsv" -l "$S/log" "$S/spec" || fail "lda failed (see $S/log)"
for d in "$S/static/Maildir" "$S/home/user000001/Maildir" \
         "$S/home/$(printf 'user%06d' "$USERS")/Maildir"; do
    got=$(find "$d/new" -type f | wc -l)
    [ "$got" = $((N + WARM)) ] || fail "$d: $got messages, want $((N + WARM))"
done

awk -F '\t' '{ w[$2] += $4; c[$2] += $5; n[$2]++ }
END {
    printf "%-14s %9s %9s\n", "lda userdb", "mean ms", "cpu ms"
    split("static passwd-first passwd-last", a, " ")
    for (i = 1; i <= 3; i++)
        printf "%-14s %9.3f %9.3f\n", a[i], w[a[i]] / n[a[i]], c[a[i]] / n[a[i]]
    for (i = 2; i <= 3; i++)
        printf "%s/static: %.2f (%+.3f ms per delivery)\n", a[i],
            (w[a[i]] / n[a[i]]) / (w["static"] / n["static"]),
            w[a[i]] / n[a[i]] - w["static"] / n["static"]
}' "$S/results.tsv"
echo "bench-userdb: done; every message was delivered (load average $(cut -d ' ' -f 1-3 /proc/loadavg) at the end)"
