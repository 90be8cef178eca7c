#!/bin/bash
# t1100 - crash consistency: concurrent deliveries killed at random
#
# Several streams deliver a few hundred messages at once, with quota
# (some mailboxes near full, one bouncing) and an outbox, into mailboxes
# and folders some of which do not exist yet, while lda is killed with
# SIGKILL at random moments: from outside after a random delay, or from
# inside just before a random filesystem call (tests/fault/faultfs.c,
# FAULT_ERRNO=SIGKILL), first delivery into new mailboxes and folders
# killed at one of the mkdir calls that make them.  Then, as lda(8)
# promises:
#   - a delivery that exited 0 is in new/ once, whole, with one
#     message.new event naming it; a refused one (75, 77) is nowhere; a
#     killed one is there once or not at all; nothing partial is in new/
#     or cur/, and every event file is whole;
#   - maildirsize equals a recount but for killed deliveries whose
#     message reached new/ (exact equality is reported as TODO);
#   - no mailbox is left undeliverable: one more delivery into each
#     mailbox and folder exits 0, a 4.x.x retried for up to 15 s as
#     Postfix would (a stale lock is broken after 60 s, too slow here);
#   - a forced recount (maildirsize removed or grown past 5120 bytes)
#     plus a delivery leaves maildirsize equal to the recount.
# The seed is printed; CRASH_SEED repeats a run, CRASH_TOTAL and
# CRASH_STREAMS change its size.  tests/crash/crash.py does the work.
. "$(dirname "$0")/lib.sh"

: "${FAULTFS:=$TOP_DIR/build/faultfs.so}"
SEED=${CRASH_SEED:-1100}
C=$TEST_TMP/lda.conf
OB=$TEST_TMP/outbox

if [ ! -x "$LDA" ]; then
    plan 1
    not_ok "lda built at $LDA"
    exit 1
fi
# Under AddressSanitizer each delivery costs several times as much.
case $LDA in
    */asan/*) TOTAL=${CRASH_TOTAL:-150} STREAMS=${CRASH_STREAMS:-4} FRESH=6 BUDGET=30 ;;
    *) TOTAL=${CRASH_TOTAL:-400} STREAMS=${CRASH_STREAMS:-6} FRESH=10 BUDGET=20 ;;
esac
SHIM=$FAULTFS
if [ ! -f "$FAULTFS" ]; then
    diag "no fault shim at $FAULTFS (make build/faultfs.so): kills from outside only"
    SHIM=
fi
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

mkdir -p "$TEST_TMP/mail" "$OB"
[ -n "$LDA_USER" ] && chown "$LDA_USER" "$TEST_TMP/mail" "$OB"
write_conf "$C" "maildir = $TEST_TMP/mail/%n/Maildir" "quota = 10M" \
    "quota_warning = 90" "create_folders = yes" "outbox = $OB" \
    "delivery_timeout = 2s"

echo "# seed $SEED (CRASH_SEED=$SEED repeats it), $TOTAL deliveries, $STREAMS streams"

# crash STEP - run a step of tests/crash/crash.py and report its results
crash() {
    local kind a b
    python3 "$TESTS_DIR/crash/crash.py" "$1" --dir "$TEST_TMP" --lda "$LDA" \
        --conf "$C" --faultfs "$SHIM" --seed "$SEED" --total "$TOTAL" \
        --streams "$STREAMS" --fresh "$FRESH" --budget "$BUDGET" |
        while IFS=$'\t' read -r kind a b; do
            case $kind in
                ok) ok "$a" ;;
                "not ok") not_ok "$a" ;;
                todo) todo "$a" "$b" ;;
                diag) diag "$a" ;;
            esac
        done
}

crash storm
crash quota
crash final
crash recount
crash verify

done_testing
