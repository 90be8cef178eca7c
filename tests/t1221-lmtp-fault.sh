#!/bin/bash
# t1221-lmtp-fault.sh - lda-lmtpd when a filesystem call of a delivery
# fails: a 4xx for that recipient, nothing half done, and the server
# goes on
#
# The LMTP twin of t0600.  tests/fault/faultfs.c (build/faultfs.so, path
# in $FAULTFS) is preloaded into lda-lmtpd.  Its FAULT_PREFIX is the
# directory that holds bob's Maildir and the outbox, so only calls of a
# delivery to bob (and of any delivery's event) count: the server's
# socket, spool and settings are elsewhere and never fail.  A clean
# session in counting mode lists the calls of one delivery to bob; then
# each of them fails, one per server run, on a fresh copy of the
# Maildir.  Each run is one connection with three transactions: the
# message to bob (the fault fires), to carol (a Maildir outside the
# prefix), to bob again (the shim fails one call only, so the fault is
# off by now).  Each delivery runs in the connection process (lmtp_user
# when started as root), so that process lives through the failure;
# started as root, a few of the cases run again with each delivery in a
# child of its own, which reports its failure through a pipe.
# The rule, as t0600's for lda:
#   - bob's first reply is a 4xx whose status is 4.x.x (452 for 4.2.2
#     and 4.3.1, 451 for the rest), or a 250 only where lda may survive
#     the call (after the move into new/, the retried dotlock link);
#     never a 5xx; a 250 where the call must fail the delivery is an
#     error, and so is a 4xx for a call on the outbox (an event never
#     changes the outcome of a delivery, lda.conf(5));
#   - bob's new/ holds one whole message per 250 bob got, and nothing
#     else: a refused delivery left nothing there;
#   - tmp/ is empty (but for a file whose unlink was the failing call),
#     maildirsize agrees with a recount, no maildirsize.lock is left
#     (unless removing it failed), every event in the outbox is whole;
#   - carol's and bob's second transactions get 250 on the same
#     connection, and SIGTERM then ends the server with exit 0 and no
#     sanitizer report in its output.
# ENOSPC and EDQUOT on the message write must give 452 4.3.1 and
# 452 4.2.2.

. "$(dirname "$0")/lib.sh"

: "${FAULTFS:=$TOP_DIR/build/faultfs.so}"

[ -x "$LMTPD" ] || skip_all "no lda-lmtpd at $LMTPD"
if [ ! -f "$FAULTFS" ]; then
    plan 1
    not_ok "fault shim built at $FAULTFS (make build/faultfs.so)"
    exit 1
fi

PREFIX=$TEST_TMP/fault.test     # what the shim may break
MD=$PREFIX/bob/Maildir
OB=$PREFIX/outbox
CAROL=$TEST_TMP/ok.test/carol/Maildir
RUN=$TEST_TMP/run               # socket, pid file, server log
SNAP=$TEST_TMP/snapshot
LOGS=$TEST_TMP/logs
CONF=$TEST_TMP/lda.conf
MSG=$TEST_TMP/msg
REF=$TEST_TMP/reference
EVENTS=$TEST_TMP/events         # the events of every run, looked at last
STRICT=" open pwrite fsync close rename link mkdir "

mkdir -p "$PREFIX" "$OB" "$RUN" "$LOGS" "$EVENTS" "$TEST_TMP/ok.test" "$TEST_TMP/spool"
chmod 777 "$LOGS"
if [ -n "$LDA_USER" ]; then
    chown "$LDA_USER" "$PREFIX" "$OB" "$TEST_TMP/ok.test" "$TEST_TMP/spool"
    PRIVS=("lmtp_user = $LDA_USER")
else
    PRIVS=()
fi
# settings [LINE...] - the server's lda.conf, with LINEs
settings() {
    write_conf "$CONF" "maildir = $TEST_TMP/%d/%n/Maildir" "quota = 100M" \
        "outbox = $OB" "lmtp_spool_dir = $TEST_TMP/spool" "$@"
}
settings ${PRIVS[@]+"${PRIVS[@]}"}

# Some 60 KiB, so the copy takes more than one write.
fault_message 1000 "lmtp fault injection" t1221@example.org > "$MSG"

export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

# session LOG CALL [NTH [ERRNO]] - one server run under the shim, one
# connection: bob, carol, bob (bob alone when ONLY_BOB is set); sets OUT
# (the client's lines), BOB1, CAROL1, BOB2 (the replies after DATA), SRV
# (exit code of the server after SIGTERM, or "killed" when it had to be
# killed) and START (lines in LOG before the connection)
session() {
    local pid more=(--more carol@ok.test --more bob@fault.test)
    [ -z "${ONLY_BOB:-}" ] || more=()
    : > "$1"
    chmod 666 "$1"
    : > "$RUN/lmtpd.log"
    LD_PRELOAD="$FAULTFS${LD_PRELOAD:+:$LD_PRELOAD}" FAULT_PREFIX="$PREFIX" \
        FAULT_LOG="$1" FAULT_CALL="$2" FAULT_NTH="${3:-0}" \
        FAULT_ERRNO="${4:-EIO}" lmtpd_start "$RUN" "$CONF" || {
        OUT= BOB1= CAROL1= BOB2= SRV="did not start"
        return
    }
    pid=$LMTP_PID
    START=$(wc -l < "$1")
    OUT=$(lmtp send --from a@example.org --to bob@fault.test \
              ${more[@]+"${more[@]}"} < "$MSG" 2>&1)
    BOB1=$(printf '%s\n' "$OUT" | sed -n 's/^data: //p' | head -n 1)
    CAROL1=$(printf '%s\n' "$OUT" | sed -n 's/^more: //p' | sed -n 1p)
    BOB2=$(printf '%s\n' "$OUT" | sed -n 's/^more: //p' | sed -n 2p)
    lmtpd_end "$pid"
    SRV=$LMTPD_RC
}

# restore STATE - bob's Maildir as the case needs it, carol's gone, the
# outbox empty (its events kept in EVENTS for events_whole)
restore() {
    find "$OB/new" -type f -exec mv -t "$EVENTS" {} + 2>/dev/null
    rm -rf "$MD" "$CAROL" "$OB"/*
    [ "$1" = existing ] && cp -a "$SNAP" "$MD"
}

# events_whole DIR - every event in DIR is one whole JSON object; prints
# the names of those that are not
events_whole() {
    python3 - "$1" <<'EOF'
import json, os, sys
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    try:
        with open(os.path.join(d, name), encoding="utf-8") as f:
            json.load(f)
    except ValueError:
        print(name)
EOF
}

# code_fits REPLY - the reply code is the one the spec gives its status
code_fits() {
    case $1 in
        "452 4.2.2 "* | "452 4.3.1 "*) return 0 ;;
        "452 "* | "451 4.2.2 "* | "451 4.3.1 "*) return 1 ;;
        "451 4."*) return 0 ;;
    esac
    return 1
}

# --- clean sessions in counting mode -------------------------------------------

restore fresh
session "$LOGS/count-fresh" count
if [ "${BOB1%% *}" = 250 ] && [ "${BOB2%% *}" = 250 ] &&
   [ "$(count_files "$MD/new")" = 2 ]; then
    ok "clean session into a missing Maildir under the shim (counting)"
else
    not_ok "clean session into a missing Maildir under the shim (counting)"
    diag "$OUT" "server: $SRV" "$(tail -5 "$RUN/lmtpd.log")"
    exit 1
fi
is "$CAROL1" "250 2.0.0 <carol@ok.test> delivered to INBOX" \
    "... carol's delivery, outside the prefix, on the same connection"
check "... bob's two copies in new/ are the same message" \
    cmp -s "$(find "$MD/new" -type f | sed -n 1p)" "$(find "$MD/new" -type f | sed -n 2p)"
is "$SRV" 0 "... and the server ends with exit 0 on SIGTERM"
# A mail reader saw them: keep them in cur/, so new/ starts empty.
for f in "$MD"/new/*; do
    mv "$f" "$MD/cur/${f##*/}:2,S"
done
cp -a "$MD" "$SNAP"

# The cases: the calls of one delivery to bob, alone on its connection.
restore existing
ONLY_BOB=1 session "$LOGS/count-existing" count
COUNT_START=$START
if [ "${BOB1%% *}" = 250 ] && [ "$(count_files "$MD/new")" = 1 ]; then
    ok "clean delivery into an existing Maildir under the shim (counting)"
    cp "$(find "$MD/new" -type f | head -n 1)" "$REF"
else
    not_ok "clean delivery into an existing Maildir under the shim (counting)"
    diag "$OUT" "server: $SRV" "$(tail -5 "$RUN/lmtpd.log")"
    exit 1
fi
check "the message stored is the input plus the delivery's header lines" \
    sh -c 'tail -c "$(stat -c %s "$1")" "$2" | cmp -s - "$1"' - "$MSG" "$REF"
check "the clean delivery commits with a rename or link into new/" \
    grep -Eq "^(rename|link) $MD/tmp/[^ ]+ $MD/new/" "$LOGS/count-existing"
check "the clean delivery writes its event under the prefix" \
    grep -q " $OB/" "$LOGS/count-existing"
check "no call under the prefix before the first connection" test "$COUNT_START" -eq 0

# --- one failing call per server run --------------------------------------------

# judge FAM K MUST WHY PATH - run one case and report it
judge() {
    local fam=$1 k=$2 must=$3 why=${4//_/ } path=$5
    local log=$LOGS/fault-$fam-$k problems= said f
    local outcome desc n250=0

    restore existing
    session "$log" "$fam" "$k"
    fault_fired "$log" "$fam" "$k" "$path"
    desc="$fam #$k ($why${ISOLATED:+, in a delivery child}) ${FPATH//$TEST_TMP\//}"

    [ -n "$FIRED" ] || problems="$problems; the fault did not fire"
    case $BOB1 in
        "250 "*)
            outcome=delivered n250=1
            [ "$must" != 1 ] || problems="$problems; delivered although this call must fail the delivery" ;;
        4[0-9][0-9]" 4."*)
            outcome=deferred
            code_fits "$BOB1" || problems="$problems; reply code does not fit its status"
            [ "$must" != 2 ] || problems="$problems; an event failure changed the outcome" ;;
        *)
            outcome=wrong
            problems="$problems; neither 250 nor 4xx 4.x.x: '$BOB1'" ;;
    esac
    case $BOB2 in
        "250 "*) n250=$((n250 + 1)) ;;
        4[0-9][0-9]" 4."*)
            # In a child of its own the delivery counts calls afresh.
            [ -n "$ISOLATED" ] ||
                problems="$problems; the next delivery to bob on the connection got '$BOB2'" ;;
        *) problems="$problems; the next delivery to bob on the connection got '$BOB2'" ;;
    esac
    case $CAROL1 in
        "250 "*) [ "$(count_files "$CAROL/new")" = 1 ] ||
                     problems="$problems; carol got 250 but her new/ holds $(count_files "$CAROL/new")" ;;
        *) problems="$problems; carol's delivery got '$CAROL1'" ;;
    esac
    [ "$(count_files "$MD/new")" = "$n250" ] ||
        problems="$problems; $(count_files "$MD/new") in new/ for $n250 replies 250"
    for f in "$MD"/new/*; do
        [ -e "$f" ] || continue
        fault_copy_ok "$f" "$REF" || problems="$problems; not the whole message: ${f##*/}"
    done
    fault_leftovers problems "$MD" "$fam" "$FPATH"
    [ "$(count_files "$OB/tmp")" = 0 ] || problems="$problems; left in the outbox's tmp/"
    [ "$SRV" = 0 ] || problems="$problems; server after SIGTERM: exit $SRV"
    said=$(lmtpd_sanitizer "$RUN/lmtpd.log")
    [ -z "$said" ] || problems="$problems; sanitizer: $said"

    if [ -z "$problems" ]; then
        ok "$desc: $outcome${BOB1:+, $BOB1}"
    else
        not_ok "$desc: $outcome"
        diag "problems:${problems#;}" "session:" "$OUT" \
             "fault: ${FIRED:-none}" "new/: $(files_in "$MD/new" | tr '\n' ' ')" \
             "tmp/: $(files_in "$MD/tmp" | tr '\n' ' ')" \
             "quota: $(quota_state "$MD")" "server log:" "$(tail -5 "$RUN/lmtpd.log")"
    fi
}

fault_plan "$LOGS/count-existing" "$MD" "$STRICT" "$COUNT_START" "$OB" > "$LOGS/plan"
check "the first delivery's calls are planned" test -s "$LOGS/plan"
ISOLATED=
while read -r fam k must why path; do
    judge "$fam" "$k" "$must" "$why" "$path"
done < "$LOGS/plan"

# Started as root without lmtp_user, the server delivers in a child that
# becomes the account and reports through a pipe: the first call of
# each family that must fail the delivery fails there too.  Each child
# starts from its connection's counts, so the fault fires again in bob's
# second delivery (and may in carol's event).
if [ -n "$LDA_USER" ]; then
    settings
    ISOLATED=1
    awk '$3 == 1 && !seen[$1]++' "$LOGS/plan" > "$LOGS/plan-isolated"
    while read -r fam k must why path; do
        judge "$fam" "$k" "$must" "$why" "$path"
    done < "$LOGS/plan-isolated"
    ISOLATED=
    settings "${PRIVS[@]}"
fi

# --- the reply follows errno -----------------------------------------------------

msgtmp=$(awk -v md="$MD" '($1 == "rename" || $1 == "link") &&
                          index($3, md "/new/") == 1 { print $2; exit }' "$LOGS/count-existing")
# last_call FAM PATH - k of the last FAM call on PATH in the first delivery
last_call() {
    awk -v f="$1" -v p="$2" '$1 == f { k++; if ($2 == p) n = k } END { print n }' \
        "$LOGS/count-existing"
}
kwrite=$(last_call pwrite "$msgtmp")

# errno_case ERRNO WANT - the last write of the message fails with ERRNO:
# bob's reply starts with WANT, nothing delivered, nothing left
errno_case() {
    restore existing
    session "$LOGS/errno-$1" pwrite "$kwrite" "$1"
    if [ "${BOB1#"$2"}" != "$BOB1" ] && [ "$(count_files "$MD/new")" = 1 ] &&
       [ -z "$(files_in "$MD/tmp")" ] && quota_ok "$MD" && [ "$SRV" = 0 ]; then
        ok "$1 on the last write of the message: $BOB1"
    else
        not_ok "$1 on the last write of the message: want '$2 ...'"
        diag "$OUT" "server: $SRV" "new/: $(files_in "$MD/new" | tr '\n' ' ')" \
             "tmp/: $(files_in "$MD/tmp" | tr '\n' ' ')" "quota: $(quota_state "$MD")"
    fi
}

if [ -n "$kwrite" ]; then
    errno_case ENOSPC "452 4.3.1 "
    errno_case EDQUOT "452 4.2.2 "
else
    not_ok "found the write of the message in the count log"
fi

restore existing
is "$(events_whole "$EVENTS" 2>&1)" "" "every event written in these runs is whole"

done_testing
