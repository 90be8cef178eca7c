#!/bin/bash
# bench/lmtp.sh - lda-lmtpd behind Postfix and alone ("make bench", last)
#
# usage: bench/lmtp.sh [LDA [LMTPD]]
#        (defaults: build/lda, and build/lda-lmtpd made with make)
#
# Two parts, in one run, in one scratch directory, as root (a private
# Postfix and Dovecot need it; otherwise the script says so and exits 0):
#
# 1. End to end through one private Postfix instance (tests/services/
#    postfix.sh: own config, queue and data directories, smtpd on a free
#    127.0.0.1 port, no chroot).  Four virtual domains, each sent to one
#    transport, 50 users each:
#      virtual   virtual.example -> Postfix virtual(8), its own Maildirs
#      dovecot   dovecot.example -> lmtp(8) -> Dovecot LMTP (private
#                instance, maildir, quota = maildir, 10 GiB)
#      lmtpd     lmtpd.example   -> lmtp(8) -> lda-lmtpd (started as
#                root, lmtp_user = the agents' user: deliveries in its
#                connection processes; quota = 10G)
#      pipe      pipe.example    -> pipe(8) -> lda, the stanza of
#                contrib/postfix-master.cf.snippet (quota = 10G)
#    Every Maildir is MAIL/DOMAIN/userNN/Maildir.  A run empties the
#    domain's Maildirs, sends one warm-up message per user, then injects
#    BENCH_E2E_N (2,000) 4 KB messages, 1/50 to each user, over SMTP with
#    smtp-source(1) (BENCH_E2E_SESSIONS, 10, sessions at a time, one per
#    user), timed from the first injection until the queue is empty and
#    every message is in its Maildir.  The runs are interleaved, order
#    A B C D, then D C B A (BENCH_E2E_ROUNDS, 2, such pairs of rounds
#    halved: 2 means one of each order).  Each run's messages are checked
#    one by one (mailsys.py verify: the queue id smtpd gave it, none
#    missing, none twice, none short).  CPU: the mail system's, from
#    cgroup v2 when one can be made (every process of Postfix, Dovecot,
#    lda-lmtpd and their children, reaped ones included), else summed
#    from /proc (mailsys.py cpu).
#
# 2. lda-lmtpd alone (its own instance and cgroup, Postfix stopped):
#    BENCH_LMTP_N (2,000) 4 KB messages through bench/lmtpload.c at 1, 8
#    and 32 connections (BENCH_LMTP_CONNS): deliveries per second, the
#    server's CPU per delivery, and that divided by the CPU of the same
#    deliveries made by lda's delivery core called in a loop, in as many
#    processes as there are connections, sharing the deliveries as the
#    connections do (bench/inproc.c -p, linked against liblda.a: no
#    protocol, no process start, the same lock and kernel contention;
#    target <= 2).  Then peak RSS: 32 connections at once, each sending
#    one message of 1 MB, then 50 MB (BENCH_LMTP_BIG), held open after
#    the reply while VmHWM of every server process is read.
#
# Prints plain-text tables and (BENCH_MD=FILE) Markdown ones.  Exit 0
# when every message arrived, whether or not the targets are met; 1 when
# one is missing, doubled or short, or a delivery failed; 2 on a setup
# problem.  BENCH_LMTP_E2E=0 or BENCH_LMTP_ALONE=0 skips a part.
# BENCH_TMPDIR, BENCH_USER, BENCH_KEEP, CC, CFLAGS as in run.sh;
# BENCH_LMTP_PERF=FILE: record the lmtpd runs of part 1 with
# `perf record -a -g` into FILE (slows them: for profiling, not figures).

if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u -o pipefail
exec </dev/null

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(dirname "$BENCH_DIR")
die() { echo "bench-lmtp: $*" >&2; exit 2; }
. "$BENCH_DIR/lib.sh"
FAILED=0
fail() { echo "bench-lmtp: FAILED: $*" >&2; FAILED=1; exit 1; }

# The Postfix helpers of the tests, with what they take from tests/lib.sh
. "$TOP/tests/lib/net.sh"
. "$TOP/tests/services/postfix.sh"
diag() { printf 'bench-lmtp: %s\n' "$@" >&2; }
at_exit() { :; }                # this script stops what it starts itself

abspath() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
LDA_BIN=$(abspath "${1:-${LDA:-$TOP/build/lda}}")
LMTPD_BIN=${2:-${LMTPD:-}}
E2E=${BENCH_LMTP_E2E:-1}
ALONE=${BENCH_LMTP_ALONE:-1}
E2E_N=${BENCH_E2E_N:-2000}
E2E_ROUNDS=${BENCH_E2E_ROUNDS:-2}
E2E_SESSIONS=${BENCH_E2E_SESSIONS:-10}
E2E_CONFIGS=${BENCH_E2E_CONFIGS:-"virtual dovecot lmtpd pipe"}
LMTP_N=${BENCH_LMTP_N:-2000}
LMTP_CONNS=${BENCH_LMTP_CONNS:-"1 8 32"}
BIG=${BENCH_LMTP_BIG:-52428800}
SMALL=1048576
MEM_CONNS=32
USERS=50
WARM=$USERS                     # one warm-up message per user
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2}
# shellcheck disable=SC2034  # (make_msg's)
SENDER=sender@example.org RCPT=user01@lmtpd.example
PFHOST=lda-bench.localdomain

for v in E2E_N E2E_ROUNDS E2E_SESSIONS LMTP_N BIG; do
    case ${!v} in ''|*[!0-9]*|0) die "$v must be a positive integer" ;; esac
done
[ $((E2E_N % USERS)) = 0 ] || die "BENCH_E2E_N must be a multiple of $USERS"
if [ "$(id -u)" != 0 ]; then
    echo "bench-lmtp: skipped: a private Postfix, Dovecot and lda-lmtpd as root need root" >&2
    exit 0
fi
[ -x "$LDA_BIN" ] || die "no lda at $LDA_BIN (make build/lda)"
LIBLDA=$TOP/build/liblda.a
if [ -z "$LMTPD_BIN" ]; then
    make -s -C "$TOP" SANITIZE= build/lda-lmtpd build/liblda.a >&2 ||
        die "cannot build build/lda-lmtpd"
    LMTPD_BIN=$TOP/build/lda-lmtpd
fi
LMTPD_BIN=$(abspath "$LMTPD_BIN")
[ -x "$LMTPD_BIN" ] || die "no lda-lmtpd at $LMTPD_BIN"
[ -f "$LIBLDA" ] || die "no $LIBLDA (make build/liblda.a)"
PATH=$PATH:/usr/sbin:/usr/lib/postfix/sbin
for p in postfix postconf smtp-source; do
    command -v "$p" >/dev/null || die "$p not found (apt-get install postfix)"
done
DOVECOT=${DOVECOT:-/usr/sbin/dovecot}
[ -x "$DOVECOT" ] || die "dovecot not found (apt-get install dovecot-core dovecot-lmtpd)"
[ -x /usr/lib/dovecot/lmtp ] || die "Dovecot's lmtp not found (apt-get install dovecot-lmtpd)"
command -v python3 >/dev/null || die "python3 not found"

# --- scratch directory, user, binaries -----------------------------------------
BASE=${BENCH_TMPDIR:-${TMPDIR:-/var/tmp}}
S=$(mktemp -d "$BASE/lda-lmtp.XXXXXX") || die "cannot create a directory in $BASE"
chmod 755 "$S"
TEST_TMP=$S                     # where pf_init puts the Postfix instance
CG=
PF_DIR=
DC_PIDFILE=
LMTPD_PIDS=

# stop_pid PIDFILE NAME - SIGTERM to the pid in PIDFILE, wait (30 s)
stop_pid() {
    local pid
    [ -s "$1" ] || return 0
    pid=$(tr -d ' \n' < "$1")
    case $pid in ''|*[!0-9]*) return 0 ;; esac
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 300); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    echo "bench-lmtp: $2 (pid $pid) ignored SIGTERM; SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null
}

# shellcheck disable=SC2317  # (run by the EXIT trap)
cleanup() {
    local f d
    for f in $LMTPD_PIDS; do stop_pid "$f" lda-lmtpd; done
    [ -n "$DC_PIDFILE" ] && stop_pid "$DC_PIDFILE" dovecot
    [ -n "$PF_DIR" ] && pf_stop
    if [ -n "$CG" ]; then
        for d in "$CG"/alone "$CG"/sys "$CG"; do
            [ -d "$d" ] || continue
            for _ in $(seq 50); do
                [ -s "$d/cgroup.procs" ] || break
                sleep 0.1
            done
            rmdir "$d" 2>/dev/null ||
                echo "bench-lmtp: note: cannot remove the cgroup $d" >&2
        done
    fi
    if [ "$FAILED" != 0 ]; then
        for f in "$S"/log/*.log "${PF_LOG:-/nonexistent}"; do
            [ -s "$f" ] || continue
            echo "--- last lines of $f" >&2
            tail -n 15 "$f" >&2
        done
    fi
    if [ -n "${BENCH_KEEP:-}" ]; then
        echo "bench-lmtp: scratch directory kept: $S" >&2
    else
        rm -rf "$S"
    fi
}
trap 'cleanup' EXIT
trap 'FAILED=1; exit 1' INT TERM HUP

bench_user
UID_=$(id -u "$RUN_USER") GID_=$(id -g "$RUN_USER")
mkdir -p "$S/bin" "$S/log" "$S/mail" "$S/lmtpd" "$S/alone/spool" \
    "$S/dovecot/run" "$S/dovecot/state" || die "cannot populate $S"
chmod 755 "$S/bin" "$S/lmtpd" "$S/alone" "$S/dovecot"
chown "$RUN_USER:" "$S/mail" "$S/alone/spool"
cp "$LDA_BIN" "$S/bin/lda" && cp "$LMTPD_BIN" "$S/bin/lda-lmtpd" &&
    chmod 755 "$S/bin/lda" "$S/bin/lda-lmtpd" || die "cannot copy the binaries"
# shellcheck disable=SC2086
$CC $CFLAGS -o "$S/bin/lmtpload" "$BENCH_DIR/lmtpload.c" || die "cannot build lmtpload"
# shellcheck disable=SC2086,SC2046
$CC $CFLAGS -std=c11 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 -o "$S/bin/inproc" \
    "$BENCH_DIR/inproc.c" "$LIBLDA" -Wl,-Bstatic \
    $(pkg-config --libs jansson uuid 2>/dev/null || echo -ljansson -luuid) \
    -Wl,-Bdynamic -ldl || die "cannot build inproc"
MSG=$S/msg.eml
make_msg 4096 "$MSG"
chmod 644 "$MSG"
MAILSYS="python3 $BENCH_DIR/mailsys.py"

# --- CPU accounting: a cgroup v2 when one can be made ---------------------------
CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ -n "$CG2" ] && mkdir "$CG2/lda-bench-lmtp.$$" 2>/dev/null; then
    if [ -r "$CG2/lda-bench-lmtp.$$/cpu.stat" ] &&
        mkdir "$CG2/lda-bench-lmtp.$$/sys" "$CG2/lda-bench-lmtp.$$/alone" 2>/dev/null; then
        CG=$CG2/lda-bench-lmtp.$$
    else
        rmdir "$CG2/lda-bench-lmtp.$$"/* "$CG2/lda-bench-lmtp.$$" 2>/dev/null
    fi
fi
# in_cg NAME CMD... - run CMD inside the cgroup NAME (sys or alone)
in_cg() {
    local name=$1; shift
    (
        if [ -n "$CG" ]; then echo "$BASHPID" > "$CG/$name/cgroup.procs" || exit 2; fi
        exec "$@"
    )
}
if [ -n "$CG" ]; then
    CPU_HOW="cgroup v2 ($CG)"
else
    CPU_HOW="/proc of each process (no writable cgroup v2)"
fi

# --- settings ---------------------------------------------------------------------
cat > "$S/lda.conf" <<EOF
# lda.conf for pipe(8) -> lda (bench/lmtp.sh)
maildir = $S/mail/%d/%n/Maildir
quota = 10G
EOF
cat > "$S/lmtpd.conf" <<EOF
# lda-lmtpd behind Postfix (bench/lmtp.sh): root binds, then becomes the
# agents' user and delivers in its connection processes
maildir = $S/mail/%d/%n/Maildir
quota = 10G
lmtp_user = $RUN_USER
EOF
cat > "$S/alone.conf" <<EOF
# lda-lmtpd alone (bench/lmtp.sh)
maildir = $S/alone/mail/%d/%n/Maildir
quota = 10G
lmtp_user = $RUN_USER
lmtp_spool_dir = $S/alone/spool
EOF
cat > "$S/inproc.conf" <<EOF
# lda's delivery core in a loop (bench/lmtp.sh)
maildir = $S/alone/mail/%d/%n/Maildir
quota = 10G
EOF
chmod 644 "$S"/*.conf

ver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo "?"; }
MD=$S/report.md
: > "$MD"
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { if (y > 0) printf "%.2f", x / y; else print "-" }'; }
# verdict VALUE OP LIMIT - "ok" or "MISSED" (OP: le or ge)
verdict() {
    awk -v x="$1" -v op="$2" -v y="$3" 'BEGIN {
        if (x == "-") { print "MISSED"; exit }
        print ((op == "le" && x <= y) || (op == "ge" && x >= y)) ? "ok" : "MISSED" }'
}
T0=$(date +%s)
echo "lda-lmtpd benchmark: $(nproc) CPUs; $(uname -sr); scratch $S ($(df -PT "$S" | awk 'NR==2{print $2}')); deliveries as $RUN_USER; CPU from $CPU_HOW; load average $(cut -d ' ' -f 1-3 /proc/loadavg)"

# set_aside DIR - an empty DIR owned by the agents' user; what it held
# is moved under $S/old.  Nothing is deleted until the end: on ext4
# every file created pays for each inode of its block group freed in the
# last minutes (find_inode_bit -> recently_deleted), and deleting one
# run's messages would charge the next run for them.
SET_ASIDE=0
set_aside() {
    if [ -e "$1" ]; then
        SET_ASIDE=$((SET_ASIDE + 1))
        mkdir -p "$S/old" && mv "$1" "$S/old/$SET_ASIDE" || die "cannot move $1 aside"
    fi
    mkdir -p "$1" && chown "$RUN_USER:" "$1" || die "cannot create $1"
}

# === 1. end to end through Postfix =================================================
domain_of() { echo "$1.example"; }
label_of() {
    case $1 in
        virtual) echo "Postfix virtual(8)" ;;
        dovecot) echo "lmtp(8) -> Dovecot LMTP" ;;
        lmtpd) echo "lmtp(8) -> lda-lmtpd" ;;
        pipe) echo "pipe(8) -> lda" ;;
    esac
}

# dovecot_start - a private Dovecot LMTP on a unix socket Postfix can use
dovecot_start() {
    local d=$S/dovecot
    cat > "$d/dovecot.conf" <<EOF
# private Dovecot LMTP for bench/lmtp.sh
instance_name = lda-bench-lmtp
protocols = lmtp
listen = 127.0.0.1
base_dir = $d/run
state_dir = $d/state
log_path = $S/log/dovecot.log
ssl = no
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = $UID_
postmaster_address = postmaster@example.com
mail_location = maildir:$S/mail/%d/%n/Maildir
mail_plugins = quota
passdb {
  driver = static
  args = nopassword=y
}
userdb {
  driver = static
  args = uid=$UID_ gid=$GID_ home=$S/mail/%d/%n
}
plugin {
  quota = maildir:User quota
  quota_rule = *:storage=10G
}
service lmtp {
  unix_listener lmtp {
    user = postfix
    group = postfix
    mode = 0600
  }
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
EOF
    DC_PIDFILE=$d/run/master.pid
    in_cg sys "$DOVECOT" -c "$d/dovecot.conf" || die "cannot start dovecot"
    for _ in $(seq 100); do
        [ -S "$d/run/lmtp" ] && [ -s "$DC_PIDFILE" ] && return 0
        sleep 0.1
    done
    die "Dovecot LMTP did not come up (see $S/log/dovecot.log)"
}

# lmtpd_up CONF SOCKET PIDFILE CGROUP - lda-lmtpd as root, in CGROUP
lmtpd_up() {
    rm -f "$3"
    LMTPD_PIDS="$LMTPD_PIDS $3"
    in_cg "$4" "$S/bin/lda-lmtpd" -c "$1" -l "unix:$2" -P "$3" \
        >> "$S/log/lmtpd.log" 2>&1 &
    for _ in $(seq 100); do
        [ -s "$3" ] && return 0
        sleep 0.1
    done
    die "lda-lmtpd did not start (see $S/log/lmtpd.log)"
}

e2e_setup() {
    local pipe_stanza
    pf_init postfix
    chmod 755 "$S"
    pf_main "myhostname = $PFHOST" \
        "virtual_mailbox_domains = virtual.example dovecot.example lmtpd.example pipe.example" \
        "virtual_mailbox_maps = texthash:$PF_CONF/vmailbox" \
        "virtual_mailbox_base = $S/mail" \
        "virtual_uid_maps = static:$UID_" "virtual_gid_maps = static:$GID_" \
        "virtual_minimum_uid = 1" \
        "transport_maps = texthash:$PF_CONF/transport" \
        "lda_destination_recipient_limit = 1" ||
        die "cannot configure Postfix"
    # (virtual(8) takes no regexp substitution into a mailbox path)
    for d in virtual dovecot lmtpd pipe; do
        for i in $(seq -f %02g "$USERS"); do
            if [ "$d" = virtual ]; then
                echo "user$i@virtual.example virtual.example/user$i/Maildir/"
            else
                echo "user$i@$d.example ok"
            fi
        done
    done > "$PF_CONF/vmailbox"
    cat > "$PF_CONF/transport" <<EOF
virtual.example	virtual:
dovecot.example	lmtp:unix:$S/dovecot/run/lmtp
lmtpd.example	lmtp:unix:$S/lmtpd/lmtp.sock
pipe.example	lda:
EOF
    # contrib's stanza as it is, with this run's user, lda and settings
    pipe_stanza=$(sed -n '/^[^#[:space:]]/,$p' "$TOP/contrib/postfix-master.cf.snippet" |
        sed -e "s|user=vmail|user=$RUN_USER|" \
            -e "s|argv=/usr/local/bin/lda|argv=$S/bin/lda -c $S/lda.conf|")
    case $pipe_stanza in
        *"user=$RUN_USER"*"argv=$S/bin/lda -c"*) ;;
        *) die "cannot use the stanza of contrib/postfix-master.cf.snippet" ;;
    esac
    cat >> "$PF_CONF/master.cf" <<EOF
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
$pipe_stanza
EOF
    for c in $E2E_CONFIGS; do
        mkdir -p "$S/mail/$(domain_of "$c")"
        chown "$RUN_USER:" "$S/mail/$(domain_of "$c")"
    done
    case " $E2E_CONFIGS " in *" dovecot "*) dovecot_start ;; esac
    case " $E2E_CONFIGS " in *" lmtpd "*)
        lmtpd_up "$S/lmtpd.conf" "$S/lmtpd/lmtp.sock" "$S/lmtpd/pid" sys ;;
    esac
    # master(8) daemonizes: it and its children stay in the cgroup
    out=$(postfix -c "$PF_CONF" check 2>&1) || die "postfix check: $out"
    in_cg sys postfix -c "$PF_CONF" start > "$S/log/postfix-start.log" 2>&1 ||
        die "cannot start Postfix (see $S/log/postfix-start.log)"
    for _ in $(seq 120); do
        _pf_listening && break
        sleep 0.5
    done
    _pf_listening || die "Postfix smtpd does not answer on 127.0.0.1:$PF_PORT"
    if [ -n "$CG" ]; then
        SYS_CPU=cgroup:$CG/sys
    else
        SYS_CPU=pids:$PF_DIR/spool/pid/master.pid,$S/dovecot/run/master.pid,$S/lmtpd/pid
    fi
}

# e2e_run CONFIG ROUND - one timed run; appends to e2e.tsv
e2e_run() {
    local c=$1 dom out md secs cpu quota
    dom=$(domain_of "$c")
    md=$S/mail/$dom
    set_aside "$md"
    # warm-up: every Maildir exists, every process has started
    $MAILSYS inject --port "$PF_PORT" --domain "$dom" --users "$USERS" \
        --per-user 1 --conns "$E2E_SESSIONS" --msg "$MSG" --maildirs "$md" \
        --queue "$PF_DIR/spool" --expect "$WARM" --cpu "$SYS_CPU" \
        --timeout 120 > /dev/null || fail "$c: warm-up"
    printf 'bench-lmtp: %-8s round %s ...' "$c" "$2" >&2
    if [ -n "${BENCH_LMTP_PERF:-}" ] && [ "$c" = lmtpd ]; then
        # only the mail system's processes when they have a cgroup
        # shellcheck disable=SC2046
        perf record -a -g -e cpu-clock $([ -n "$CG" ] && echo "-G ${CG#"$CG2"/}/sys") \
            -o "$BENCH_LMTP_PERF.$2" -- sleep 600 > "$S/log/perf.log" 2>&1 &
        PERF_PID=$!
        sleep 1
    fi
    out=$($MAILSYS inject --port "$PF_PORT" --domain "$dom" --users "$USERS" \
        --per-user $((E2E_N / USERS)) --conns "$E2E_SESSIONS" --msg "$MSG" \
        --maildirs "$md" --queue "$PF_DIR/spool" --expect $((E2E_N + WARM)) \
        --cpu "$SYS_CPU") || fail "$c: round $2"
    if [ -n "${PERF_PID:-}" ]; then
        kill -INT "$PERF_PID"; wait "$PERF_PID"; PERF_PID=
    fi
    read -r secs cpu <<< "$out"
    quota=--quota
    [ "$c" = virtual ] && quota=
    # shellcheck disable=SC2086
    $MAILSYS verify --domain "$dom" --users "$USERS" \
        --per-user $((E2E_N / USERS + 1)) --maildirs "$md" --host "$PFHOST" \
        --size 4096 $quota || fail "$c: round $2: the messages do not add up"
    printf '%s\t%s\t%s\t%s\n' "$c" "$2" "$secs" "$cpu" >> "$S/e2e.tsv"
    printf ' %.1f s, %.0f msg/s\n' "$secs" "$(awk -v s="$secs" -v n="$E2E_N" 'BEGIN{print n/s}')" >&2
}

if [ "$E2E" = 1 ]; then
    : > "$S/e2e.tsv"
    e2e_setup
    echo "end to end: $E2E_N messages of 4 KB to $USERS users per run over SMTP (smtp-source, $E2E_SESSIONS sessions), through Postfix $(ver postfix) (private instance, 127.0.0.1:$PF_PORT); Dovecot $(ver dovecot-core); lda-lmtpd $LMTPD_BIN; quota on everywhere but virtual(8); $E2E_ROUNDS runs each, interleaved"
    fwd=$E2E_CONFIGS
    rev=$(echo "$E2E_CONFIGS" | awk '{ for (i = NF; i > 0; i--) printf "%s%s", $i, (i > 1 ? " " : "") }')
    for r in $(seq "$E2E_ROUNDS"); do
        if [ $((r % 2)) = 1 ]; then order=$fwd; else order=$rev; fi
        for c in $order; do e2e_run "$c" "$r"; done
    done
    # the Postfix log says nothing went wrong
    bad=$(grep -cE 'status=(deferred|bounced)' "$PF_LOG")
    [ "$bad" = 0 ] || fail "the Postfix log has $bad deferred or bounced deliveries"
    for f in $LMTPD_PIDS; do stop_pid "$f" lda-lmtpd; done
    LMTPD_PIDS=
    [ -n "$DC_PIDFILE" ] && stop_pid "$DC_PIDFILE" dovecot
    DC_PIDFILE=
    pf_stop
    PF_DIR=

    # per configuration: runs, msg/s (all messages / all time), CPU s per 1,000
    awk -F '\t' -v n="$E2E_N" '
        { t[$1] += $3; c[$1] += $4; k[$1]++
          runs[$1] = runs[$1] (runs[$1] == "" ? "" : " ") sprintf("%.0f", n / $3) }
        END { for (x in t) printf "%s\t%d\t%.0f\t%.1f\t%s\n", x, k[x], n * k[x] / t[x], c[x] * 1000 / (n * k[x]), runs[x] }' \
        "$S/e2e.tsv" > "$S/e2e.stats"
    e2e_get() { awk -F '\t' -v c="$1" -v f="$2" '$1 == c { print $f }' "$S/e2e.stats"; }
    echo
    echo "End to end: msg/s (all runs' messages / their time), the mail system's CPU per 1,000 messages (s), each run's msg/s:"
    printf '%-26s %5s %8s %13s  %s\n' transport runs msg/s "CPU s/1000" "runs msg/s"
    {
        echo "| transport | msg/s | mail-system CPU per 1,000 messages | runs (msg/s) |"
        echo "|---|---:|---:|---|"
    } >> "$MD"
    for c in $E2E_CONFIGS; do
        printf '%-26s %5s %8s %13s  %s\n' "$(label_of "$c")" "$(e2e_get "$c" 2)" \
            "$(e2e_get "$c" 3)" "$(e2e_get "$c" 4)" "$(e2e_get "$c" 5)"
        printf '| %s | %s | %s s | %s |\n' "$(label_of "$c")" "$(e2e_get "$c" 3)" \
            "$(e2e_get "$c" 4)" "$(e2e_get "$c" 5)" >> "$MD"
    done
    echo
    case " $E2E_CONFIGS " in *" lmtpd "*" "*|*" "*" lmtpd "*)
        {
            echo
            echo "| lda-lmtpd against | msg/s ratio | CPU per message ratio |"
            echo "|---|---:|---:|"
        } >> "$MD"
        echo "Ratios (lda-lmtpd / other): msg/s, CPU per message:"
        for c in dovecot pipe virtual; do
            case " $E2E_CONFIGS " in *" $c "*) ;; *) continue ;; esac
            rr=$(ratio "$(e2e_get lmtpd 3)" "$(e2e_get "$c" 3)")
            rc=$(ratio "$(e2e_get lmtpd 4)" "$(e2e_get "$c" 4)")
            case $c in
                dovecot) vr=" (target >= 1.20: $(verdict "$rr" ge 1.2))"
                         vc=" (target <= 0.75: $(verdict "$rc" le 0.75))" ;;
                pipe) vr=" (target >= 2.30: $(verdict "$rr" ge 2.3))"; vc= ;;
                *) vr=; vc= ;;
            esac
            printf '  lda-lmtpd / %-24s msg/s %s%s, CPU %s%s\n' "$(label_of "$c")" "$rr" "$vr" "$rc" "$vc"
            printf '| %s | %s%s | %s%s |\n' "$(label_of "$c")" "$rr" "$vr" "$rc" "$vc" >> "$MD"
        done
        echo
    esac
fi

# === 2. lda-lmtpd alone =============================================================
# alone_fresh - empty Maildirs and spool for the lone server
alone_fresh() { set_aside "$S/alone/mail"; }
# alone_count - messages in the lone server's Maildirs, new/ and cur/
alone_count() {
    find "$S/alone/mail" -path '*/Maildir/new/*' -o -path '*/Maildir/cur/*' |
        wc -l
}
if [ -n "$CG" ]; then ALONE_CPU=cgroup:$CG/alone; else ALONE_CPU=pids:$S/alone/pid; fi
# load CONNS COUNT ARGS... - lmtpload against the lone server
load() {
    local c=$1 n=$2; shift 2
    "$S/bin/lmtpload" -a "unix:$S/alone/lmtp.sock" -r user@lmtpd.example \
        -u "$USERS" -c "$c" -n "$n" "$@"
}

if [ "$ALONE" = 1 ]; then
    : > "$S/alone.tsv"
    lmtpd_up "$S/alone.conf" "$S/alone/lmtp.sock" "$S/alone/pid" alone
    echo "lda-lmtpd alone: $LMTP_N messages of 4 KB to $USERS users per level over a unix socket (bench/lmtpload.c, one process per connection, MAIL+RCPT+DATA pipelined), lmtp_user = $RUN_USER, quota 10G; CPU of the server's processes from $CPU_HOW"
    # Each level is followed by lda's delivery core in a loop making the
    # same deliveries, so that both see the same machine.
    for conns in $LMTP_CONNS; do
        alone_fresh
        load "$conns" "$WARM" -i "$MSG" > /dev/null || fail "lmtpload warm-up at $conns"
        printf 'bench-lmtp: alone, %s connection(s) ...' "$conns" >&2
        c0=$($MAILSYS cpu "$ALONE_CPU")
        out=$(load "$conns" "$LMTP_N" -i "$MSG") || fail "lmtpload at $conns connections"
        c1=$($MAILSYS cpu "$ALONE_CPU")
        got=$(alone_count)
        [ "$got" = $((LMTP_N + WARM)) ] ||
            fail "$got messages delivered at $conns connections, want $((LMTP_N + WARM))"
        read -r _ ms <<< "$out"
        echo " $(awk -v n="$LMTP_N" -v ms="$ms" 'BEGIN{printf "%.0f", n * 1000 / ms}')/s" >&2
        alone_fresh
        printf 'bench-lmtp: in-process ...' >&2
        inproc=$(cd "$S/alone" && setpriv --reuid="$UID_" --regid="$GID_" --clear-groups -- \
            "$S/bin/inproc" -c "$S/inproc.conf" -i "$MSG" -r user@lmtpd.example \
            -u "$USERS" -n "$LMTP_N" -w "$WARM" -p "$conns") || fail "inproc"
        [ "$(alone_count)" = $((LMTP_N + WARM)) ] || fail "inproc: messages missing"
        read -r _ ip_wall ip_cpu <<< "$inproc"
        echo " $ip_cpu ms CPU" >&2
        printf '%s\t%s\t%s\t%s\t%s\n' "$conns" "$ms" \
            "$(awk -v a="$c0" -v b="$c1" 'BEGIN{print b - a}')" "$ip_wall" "$ip_cpu" >> "$S/alone.tsv"
    done

    # memory: 32 connections at once, one message each, held open
    : > "$S/mem.tsv"
    for size in $SMALL $BIG; do
        alone_fresh
        printf 'bench-lmtp: %s connections x %s MB ...' "$MEM_CONNS" $((size / 1048576)) >&2
        rm -f "$S/hold"
        load "$MEM_CONNS" "$MEM_CONNS" -s "$size" -H "$S/hold" > "$S/load.out" &
        lp=$!
        while [ ! -e "$S/hold" ] && kill -0 "$lp" 2>/dev/null; do sleep 0.1; done
        [ -e "$S/hold" ] || { wait "$lp"; fail "lmtpload with $size-byte messages"; }
        $MAILSYS procs "$ALONE_CPU" > "$S/procs.$size"
        listener=$(cat "$S/alone/pid")
        rm -f "$S/hold"
        wait "$lp" || fail "lmtpload with $size-byte messages"
        got=$(alone_count)
        [ "$got" = "$MEM_CONNS" ] || fail "$got messages of $size bytes delivered, want $MEM_CONNS"
        short=$(find "$S/alone/mail" -path '*/Maildir/new/*' -size -"$size"c | wc -l)
        [ "$short" = 0 ] || fail "$short messages shorter than $size bytes"
        awk -v l="$listener" -v s="$size" '
            $1 == l { lis = $2; next }
            { n++; sum += $2; if ($2 > max) max = $2 }
            END { printf "%s\t%d\t%d\t%d\t%d\n", s, n, lis, max, sum + lis }' \
            "$S/procs.$size" >> "$S/mem.tsv"
        echo " done" >&2
    done
    stop_pid "$S/alone/pid" lda-lmtpd

    echo
    echo "lda-lmtpd alone: deliveries per second, the server's CPU per delivery (ms; all its processes), lda's delivery core in a loop right after, in as many processes as connections (CPU and wall ms per delivery), and the ratio of CPU:"
    printf '%-12s %12s %10s %14s %15s %16s\n' connections deliveries/s "CPU ms" "in-process CPU" "in-process wall" "CPU / in-process"
    {
        [ -s "$MD" ] && echo
        echo "| connections | deliveries/s | server CPU ms per delivery | in-process CPU ms (wall ms) | server / in-process CPU |"
        echo "|---:|---:|---:|---:|---:|"
    } >> "$MD"
    while IFS="$(printf '\t')" read -r conns ms cpu ip_wall ip_cpu; do
        rate=$(awk -v n="$LMTP_N" -v ms="$ms" 'BEGIN{printf "%.0f", n * 1000 / ms}')
        per=$(awk -v c="$cpu" -v n="$LMTP_N" 'BEGIN{printf "%.3f", c * 1000 / n}')
        ip_cpu=$(awk -v x="$ip_cpu" 'BEGIN{printf "%.3f", x}')
        ip_wall=$(awk -v x="$ip_wall" 'BEGIN{printf "%.3f", x}')
        r=$(ratio "$per" "$ip_cpu")
        v=$(verdict "$r" le 2)
        printf '%-12s %12s %10s %14s %15s %16s\n' "$conns" "$rate" "$per" "$ip_cpu" "$ip_wall" "$r $v"
        printf '| %s | %s | %s | %s (%s) | %s %s |\n' "$conns" "$rate" "$per" "$ip_cpu" "$ip_wall" "$r" "$v" >> "$MD"
    done < "$S/alone.tsv"
    printf '%-12s %12s %10s %14s %15s %16s\n' target "" "" "" "" "<= 2.00"
    echo "| target | | | | <= 2.00 |" >> "$MD"
    echo
    echo "Peak RSS (VmHWM, KiB) with $MEM_CONNS connections each sending one message at once:"
    printf '%-9s %10s %18s %20s %16s\n' message listener "max per connection" "connection processes" "sum of all"
    {
        echo
        echo "| $MEM_CONNS connections, one message each | listener KiB | max per connection KiB | connection processes | sum KiB |"
        echo "|---|---:|---:|---:|---:|"
    } >> "$MD"
    while IFS="$(printf '\t')" read -r size n lis max sum; do
        printf '%-9s %10s %18s %20s %16s\n' "$((size / 1048576)) MB" "$lis" "$max" "$n" "$sum"
        printf '| %s MB | %s | %s | %s | %s |\n' "$((size / 1048576))" "$lis" "$max" "$n" "$sum" >> "$MD"
    done < "$S/mem.tsv"
    small=$(awk -F '\t' -v s="$SMALL" '$1 == s { print $4 }' "$S/mem.tsv")
    large=$(awk -F '\t' -v s="$BIG" '$1 == s { print $4 }' "$S/mem.tsv")
    r=$(ratio "$large" "$small")
    v=$(verdict "$r" le 1.1)
    echo "max per connection, $((BIG / 1048576)) MB / 1 MB: $r (flat: <= 1.10 $v)"
    echo "| $((BIG / 1048576)) MB / 1 MB, max per connection | | $r (<= 1.10 $v) | | |" >> "$MD"
    echo
fi

echo "Markdown:"
echo
cat "$MD"
if [ -n "${BENCH_MD:-}" ]; then cp "$MD" "$BENCH_MD"; fi
echo
echo "bench-lmtp: done in $(( $(date +%s) - T0 )) s (load average $(cut -d ' ' -f 1-3 /proc/loadavg) at the end); every message arrived"
exit 0
