# tests/lib/fault.sh - the rule a fault-injection run is judged by
# (t0600 with faultfs, t0830 with faultnfs); sourced by lib.sh, after
# maildir.sh

# fault_outcome MUST - what a fault-injection run came to (RC, FIRST and
# the new/ of $MD): sets OUTCOME to "exit 75" or "delivered" and appends
# to PROBLEMS what is wrong.  MUST is 1 when the failing call must fail
# the delivery, 2 when lda must deliver all the same, 0 when either is
# right.  The caller defines message_ok FILE (the whole message?).
fault_outcome() {
    local newn
    newn=$(count_files "$MD/new")
    if [ "$RC" -eq 75 ] && [ "$newn" -eq 0 ]; then
        OUTCOME="exit 75"
        printf '%s' "$FIRST" | grep -Eq '^4\.[0-9]{1,3}\.[0-9]{1,3} ' ||
            PROBLEMS="$PROBLEMS; first line is not a 4.x.x status"
        [ "$1" -ne 2 ] ||
            PROBLEMS="$PROBLEMS; not delivered although the message was in new/"
    elif [ "$RC" -eq 0 ] && [ "$newn" -eq 1 ] &&
         message_ok "$(find "$MD/new" -type f | head -n 1)"; then
        OUTCOME="delivered"
        [ "$1" -ne 1 ] ||
            PROBLEMS="$PROBLEMS; delivered although this call must fail the delivery"
    else
        OUTCOME="exit $RC"
        PROBLEMS="$PROBLEMS; neither exit 75 with new/ empty nor exit 0 with the message (exit $RC, $newn in new/)"
    fi
}
