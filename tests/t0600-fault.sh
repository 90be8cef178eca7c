#!/bin/bash
# t0600-fault.sh - every filesystem call of a delivery fails in turn
#
# tests/fault/faultfs.c (built as build/faultfs.so, path in $FAULTFS) is
# preloaded into lda.  A clean delivery in counting mode lists every
# open/write/fsync/close/rename/link/unlink/mkdir/ftruncate lda makes on
# the Maildir; then each of those calls is made to fail, one per run, on
# a fresh copy of the Maildir.  Each run must end in one of:
#   (a) exit 75, first output line "4.x.x ...", nothing in new/;
#   (b) exit 0, exactly one complete message in new/.
# (b) is accepted only where lda may rightly survive the failure: never
# for a call on the message's tmp/ file (but its removal after the move),
# on new/ or a name in it, nor for any open/write/fsync/close/rename/
# link/mkdir up to the move into new/ - except the link() that takes the
# maildirsize dotlock, whose answer lda ignores by design and retries.
# In every case tmp/ must be empty again (but for the file whose unlink
# was the call that failed), maildirsize must still agree with a recount
# of new/ and cur/, and no maildirsize.lock may be left unless removing
# it was the call that failed.  Both a Maildir that exists and one lda
# must create (mkdir) are covered, and ENOSPC / EDQUOT on the message
# write must give 4.3.1 / 4.2.2.

. "$(dirname "$0")/lib.sh"

: "${FAULTFS:=$TOP_DIR/build/faultfs.so}"

if [ ! -x "$LDA" ]; then
    plan 1
    not_ok "lda built at $LDA"
    exit 1
fi
if [ ! -f "$FAULTFS" ]; then
    plan 1
    not_ok "fault shim built at $FAULTFS (make build/faultfs.so)"
    exit 1
fi

MD=$TEST_TMP/Maildir
SNAP=$TEST_TMP/snapshot
LOGS=$TEST_TMP/logs
CONF=$TEST_TMP/lda.conf
MSG=$TEST_TMP/msg
REF=$TEST_TMP/reference
LOCK=$MD/maildirsize.lock
FAMILIES="open pwrite fsync close rename link unlink mkdir ftruncate"
STRICT=" open pwrite fsync close rename link mkdir "

# lda drops to $LDA_USER (lib.sh) when run as root: it owns $TEST_TMP,
# so it can make the Maildir, and must be able to append to the logs.
mkdir -p "$LOGS"
chmod 777 "$LOGS"
write_conf "$CONF" "maildir = $MD" "quota = 100M"

# A message of a few hundred KiB, so the copy takes several writes.
fault_message 6000 "fault injection" t0600@example.org > "$MSG"

export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

# fault_run LOG CALL [NTH [ERRNO]] - deliver once with the shim; RC, OUT, FIRST
fault_run() {
    : > "$1"
    chmod 666 "$1"
    OUT=$(env LD_PRELOAD="$FAULTFS${LD_PRELOAD:+:$LD_PRELOAD}" \
              FAULT_PREFIX="$MD" FAULT_LOG="$1" FAULT_CALL="$2" \
              FAULT_NTH="${3:-0}" FAULT_ERRNO="${4:-EIO}" \
              timeout 120 "$LDA" -c "$CONF" -f a@example.org \
              -d bob@example.com < "$MSG" 2>&1)
    RC=$?
    FIRST=$(first_line "$OUT")
}

# message_ok FILE - FILE is the whole message, named with its real size
message_ok() { fault_copy_ok "$1" "$REF"; }

# restore STATE - the Maildir as the test case needs it
restore() {
    rm -rf "$MD"
    if [ "$1" = existing ]; then
        cp -a "$SNAP" "$MD"
    fi
}

# plan_cases COUNTLOG - one line per counted call (fault_plan):
#   "<family> <k> <must-fail 0|1> <why> <path...>"
plan_cases() { fault_plan "$1" "$MD" "$STRICT"; }

# counts STATE - "<family>=<calls>" for each family, from the count log
counts() {
    local f out=
    for f in $FAMILIES; do
        out="$out $f=$(awk -v f="$f" '$1 == f' "$LOGS/count-$1" | wc -l)"
    done
    printf '%s' "${out# }"
}

# --- clean deliveries in counting mode ------------------------------------

restore fresh
fault_run "$LOGS/count-fresh" count
if [ "$RC" -eq 0 ] && [ "$(count_files "$MD/new")" -eq 1 ]; then
    ok "clean delivery into a missing Maildir under the shim (counting): $(counts fresh)"
else
    not_ok "clean delivery into a missing Maildir under the shim (counting)"
    diag "exit $RC" "$OUT"
    exit 1
fi
# A mail reader saw it: keep it in cur/, so new/ starts empty.
for f in "$MD"/new/*; do
    mv "$f" "$MD/cur/${f##*/}:2,S"
done
cp -a "$MD" "$SNAP"

restore existing
fault_run "$LOGS/count-existing" count
if [ "$RC" -eq 0 ] && [ "$(count_files "$MD/new")" -eq 1 ]; then
    ok "clean delivery into an existing Maildir under the shim (counting): $(counts existing)"
    cp "$MD"/new/* "$REF"
else
    not_ok "clean delivery into an existing Maildir under the shim (counting)"
    diag "exit $RC" "$OUT"
    exit 1
fi
check "delivered message is the input plus lda's header lines" \
    sh -c 'tail -c "$(stat -c %s "$1")" "$2" | cmp -s - "$1"' - "$MSG" "$REF"
q=$(quota_state "$MD")
is "${q% / *}" "${q#* / }" "maildirsize agrees with a recount after clean deliveries"
for state in fresh existing; do
    check "clean $state delivery commits with a rename or link into new/" \
        grep -Eq "^(rename|link) $MD/tmp/[^ ]+ $MD/new/" "$LOGS/count-$state"
done
check "clean deliveries count mkdir calls when the Maildir is missing" \
    grep -q "^mkdir $MD/new$" "$LOGS/count-fresh"
check "clean deliveries count the maildirsize dotlock" \
    grep -q "^link $MD/tmp/[^ ]* $LOCK$" "$LOGS/count-existing"

# --- one failing call per run ----------------------------------------------

# judge STATE FAM K MUST WHY PATH - run one case and report it
judge() {
    local state=$1 fam=$2 k=$3 must=$4 why=${5//_/ } path=$6
    local log=$LOGS/fault-$state-$fam-$k problems=
    local outcome desc

    restore "$state"
    fault_run "$log" "$fam" "$k"
    fault_fired "$log" "$fam" "$k" "$path"
    desc="$fam #$k ($state Maildir, $why) ${FPATH//$TEST_TMP\//}"

    [ -n "$FIRED" ] || problems="$problems; the fault did not fire"
    fault_outcome outcome problems "$RC" "$FIRST" "$MD" "$must" message_ok
    fault_leftovers problems "$MD" "$fam" "$FPATH"

    if [ -z "$problems" ]; then
        ok "$desc: $outcome${FIRST:+, $FIRST}"
        [ ! -e "$LOCK" ] || diag "note: $fam #$k left $LOCK (the next delivery waits for it to go stale)"
    else
        not_ok "$desc: $outcome"
        diag "problems:${problems#;}" "exit $RC" "output: $OUT" \
             "fault: ${FIRED:-none}" "new/: $(files_in "$MD/new" | tr '\n' ' ')" \
             "tmp/: $(files_in "$MD/tmp" | tr '\n' ' ')" \
             "top: $(files_in "$MD" | tr '\n' ' ')" "quota: $(quota_state "$MD")"
    fi
}

for state in fresh existing; do
    plan_cases "$LOGS/count-$state" > "$LOGS/plan-$state"
    while read -r fam k must why path; do
        judge "$state" "$fam" "$k" "$must" "$why" "$path"
    done < "$LOGS/plan-$state"
done

# --- the status code follows errno -------------------------------------------

# The message's tmp/ file is the source of the move into new/.
msgtmp=$(awk -v md="$MD" '($1 == "rename" || $1 == "link") &&
                          index($3, md "/new/") == 1 { print $2; exit }' \
         "$LOGS/count-existing")
# last_call FAM PATH - k of the last FAM call on PATH in the count log
last_call() {
    awk -v f="$1" -v p="$2" '$1 == f { k++; if ($2 == p) n = k } END { print n }' \
        "$LOGS/count-existing"
}
kwrite=$(last_call pwrite "$msgtmp")    # the last block of the body
kopen=$(last_call open "$msgtmp")

# errno_case FAM K ERRNO PATTERN - the fault gives exit 75 and a status
errno_case() {
    local log=$LOGS/errno-$1-$3 what
    restore existing
    fault_run "$log" "$1" "$2" "$3"
    what=$(sed -n "s|^$1 $2 $TEST_TMP/||p" "$log")
    what="$3 on $1 #$2 of the message (${what:-${msgtmp#"$TEST_TMP/"}})"
    if [ "$RC" -eq 75 ] && printf '%s' "$FIRST" | grep -Eq "$4" &&
       grep -q "^$1 $2 " "$log" && [ "$(count_files "$MD/new")" -eq 0 ] &&
       [ -z "$(files_in "$MD/tmp")" ] && quota_ok "$MD"; then
        ok "$what: exit 75, $FIRST"
    else
        not_ok "$what: want exit 75 and /$4/"
        diag "exit $RC" "output: $OUT" "fault: $(cat "$log")" \
             "new/: $(files_in "$MD/new" | tr '\n' ' ')" \
             "tmp/: $(files_in "$MD/tmp" | tr '\n' ' ')" "quota: $(quota_state "$MD")"
    fi
}

if [ -n "$kwrite" ] && [ -n "$kopen" ]; then
    errno_case pwrite "$kwrite" ENOSPC '^4\.3\.1 '
    errno_case pwrite "$kwrite" EDQUOT '^4\.2\.2 '
    errno_case open "$kopen" EACCES '^4\.[0-9]+\.[0-9]+ '
else
    not_ok "found the write of the message in the count log"
fi

done_testing
