# tests/lib/fault.sh - the rule a fault-injection run is judged by
# (t0600 with faultfs, t0830 with faultnfs); sourced by lib.sh, after
# maildir.sh

# fault_outcome OUTCOME_VAR PROBLEMS_VAR RC FIRST MAILDIR MUST MESSAGE_OK -
# what a fault-injection run that exited RC, printing FIRST as its first
# line, came to: sets the variable named OUTCOME_VAR to "exit 75",
# "delivered" or "exit RC" and appends "; <what is wrong>" to the one
# named PROBLEMS_VAR for each thing wrong.  MUST is 1 when the failing
# call must fail the delivery, 2 when lda must deliver all the same, 0
# when either is right.  MESSAGE_OK is a command that, given a file in
# MAILDIR/new, succeeds when it is the whole message.  Its locals start
# with _fo_ so that the caller's variables can be any other names.
fault_outcome() {
    local _fo_out=$1 _fo_prob=$2 _fo_rc=$3 _fo_first=$4 _fo_md=$5 _fo_must=$6
    local _fo_msgok=$7 _fo_newn _fo_add=
    _fo_newn=$(count_files "$_fo_md/new")
    if [ "$_fo_rc" -eq 75 ] && [ "$_fo_newn" -eq 0 ]; then
        printf -v "$_fo_out" '%s' "exit 75"
        printf '%s' "$_fo_first" | grep -Eq '^4\.[0-9]{1,3}\.[0-9]{1,3} ' ||
            _fo_add="$_fo_add; first line is not a 4.x.x status"
        [ "$_fo_must" -ne 2 ] ||
            _fo_add="$_fo_add; not delivered although the message was in new/"
    elif [ "$_fo_rc" -eq 0 ] && [ "$_fo_newn" -eq 1 ] &&
         "$_fo_msgok" "$(find "$_fo_md/new" -type f | head -n 1)"; then
        printf -v "$_fo_out" '%s' "delivered"
        [ "$_fo_must" -ne 1 ] ||
            _fo_add="$_fo_add; delivered although this call must fail the delivery"
    else
        printf -v "$_fo_out" '%s' "exit $_fo_rc"
        _fo_add="$_fo_add; neither exit 75 with new/ empty nor exit 0 with the message (exit $_fo_rc, $_fo_newn in new/)"
    fi
    printf -v "$_fo_prob" '%s' "${!_fo_prob}$_fo_add"
}
