# tests/lib/fault.sh - the rule a fault-injection run is judged by
# (t0600 with faultfs, t0830 with faultnfs), the cases of a faultfs
# count log (t0600, t1221) and their message; sourced by lib.sh, after
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

# fault_fired LOG FAM K PATH - FIRED: the line "FAM K <path>" the
# fault left in LOG (empty when it did not fire); FPATH: that path, or
# PATH when the fault did not fire
fault_fired() {
    FIRED=$(grep -m 1 "^$2 $3 " "$1")
    FPATH=${FIRED#"$2 $3 "}
    [ -n "$FIRED" ] || FPATH=$4
}

# fault_leftovers PROBLEMS_VAR MAILDIR FAM FPATH [NAME] - append "; <what
# is wrong>" to the variable named PROBLEMS_VAR for what a run whose
# failing call was FAM on FPATH left in MAILDIR: a file in tmp/ (but
# FPATH when that call was its unlink), maildirsize disagreeing with a
# recount, a maildirsize.lock (unless removing it was that call).
# NAME is the Maildir as FPATH names it, when not MAILDIR (NFS).
fault_leftovers() {
    local _fl_md=$2 _fl_fam=$3 _fl_path=$4 _fl_name=${5:-$2} _fl_add= _fl_left
    _fl_left=$(files_in "$_fl_md/tmp" | while read -r n; do
                   [ "$_fl_fam" = unlink ] && [ "$_fl_path" = "$_fl_name/tmp/$n" ] &&
                       continue
                   printf '%s ' "$n"
               done)
    [ -z "$_fl_left" ] || _fl_add="$_fl_add; left in tmp/: $_fl_left"
    quota_ok "$_fl_md" ||
        _fl_add="$_fl_add; maildirsize disagrees with a recount: $(quota_state "$_fl_md")"
    if [ -e "$_fl_md/maildirsize.lock" ] &&
       ! { [ "$_fl_fam" = unlink ] && [ "$_fl_path" = "$_fl_name/maildirsize.lock" ]; }; then
        _fl_add="$_fl_add; maildirsize.lock left behind"
    fi
    printf -v "$1" '%s' "${!1}$_fl_add"
}

# fault_message LINES SUBJECT ID - a message of LINES body lines of 58
# bytes (6000 make a few hundred KiB: many writes), Message-ID <ID>
fault_message() {
    local i
    printf 'From: Alice <a@example.org>\nTo: Bob <bob@example.com>\n'
    printf 'Subject: %s\nMessage-ID: <%s>\n\n' "$2" "$3"
    for i in $(seq 1 "$1"); do
        printf 'line %05d of the body, long enough to fill a few buffers\n' "$i"
    done
}

# fault_copy_ok FILE REF - FILE is the same as REF and named with its
# real size (S=)
fault_copy_ok() {
    local size
    cmp -s "$1" "$2" || return 1
    size=$(printf '%s' "${1##*/}" | sed -n 's/.*,S=\([0-9]*\).*/\1/p')
    [ "$size" = "$(stat -c %s "$1")" ]
}

# fault_plan COUNTLOG MAILDIR STRICT [FROM [OUTBOX]] - the cases of a
# count log (faultfs), from its line FROM + 1 on, one a line:
#   "<family> <k> <must 0|1|2> <why> <path...>"
# k counts the family's calls from the start of the log.  must is 1
# when the call must fail the delivery, 2 when it must not (a call on
# OUTBOX: an event never changes the outcome), 0 when either is right.
# A call of a family in STRICT (" open pwrite ... ") up to the commit
# must fail, and so must any on the message's tmp/ file (but its
# removal after the commit) or on new/; the link that takes the
# maildirsize dotlock may go either way (retried by design).  The
# commit is the rename or link that gives the message its name in
# new/; the message's tmp/ file is that call's source.
fault_plan() {
    awk -v md="$2" -v strict="$3" -v from="${4:-0}" -v ob="${5:-}" '
        { fam[NR] = $1; p1[NR] = $2; p2[NR] = $3; line[NR] = $0
          k[NR] = ++seen[$1]
          if (NR > from && !commit && ($1 == "rename" || $1 == "link") &&
              index($3, md "/new/") == 1) {
              commit = NR; msgtmp = $2
          } }
        END {
            for (i = from + 1; i <= NR; i++) {
                must = 0; why = "after commit"
                if (i <= commit) why = "before commit"
                if (!commit) why = "no commit seen"
                if (index(strict, " " fam[i] " ") && (i <= commit || !commit)) {
                    must = 1
                }
                if (p1[i] == msgtmp && !(fam[i] == "unlink" && i > commit)) {
                    must = 1; why = "message tmp file"
                }
                if (p1[i] == md "/new" || index(p1[i], md "/new/") == 1 ||
                    index(p2[i], md "/new/") == 1) {
                    must = 1; why = "new/"
                }
                if (fam[i] == "link" && p2[i] == md "/maildirsize.lock" &&
                    i < commit) {
                    must = 0; why = "dotlock link, retried by design"
                }
                if (ob != "" && (p1[i] == ob || index(p1[i], ob "/") == 1 ||
                                 index(p2[i], ob "/") == 1)) {
                    must = 2; why = "event"
                }
                sub(/^[^ ]* /, "", line[i])
                gsub(/ /, "_", why)
                print fam[i], k[i], must, why, line[i]
            }
        }' "$1"
}
