#!/bin/bash
# t0830-nfs-fault.sh - every NFS call of a delivery fails in turn
#
# The NFS twin of t0600.  tests/fault/faultnfs.c (build/faultnfs.so, path
# in $FAULTNFS) is preloaded into lda and interposes libnfs's sync calls.
# A clean delivery to nfs:// (nfs-ganesha on loopback, quota on, a
# message of ~340 KiB, so ~120 WRITEs) in counting mode lists every call;
# then each call fails, one per run, on a fresh copy of the Maildir, first
# as an error the server returns (EIO: the driver takes the mount for
# dead and mounts afresh for what must still be done), then as a lost
# reply (FAULT_MODE=after: the server did the work, lda sees a timeout).
# Of the message's WRITEs only the first, middle and last are broken.
# Each run must end in one of:
#   (a) exit 75, first output line "4.x.x ...", nothing in new/;
#   (b) exit 0, exactly one complete message in new/.
# (b) only where lda may rightly survive the failure: a call after the
# move into new/ (but anything on new/; the quota update must deliver,
# leaving maildirsize to be recounted), or the
# link() that takes the maildirsize dotlock, whose answer lda ignores by
# design, and the stat that checks it, which lda asks twice.  Every other
# call up to the move, the move itself included, must fail the delivery
# - except a lost reply to the move's LINK, where lda must notice that
# its LINK landed, and the removal of the tmp/ name after the move: both
# must deliver (b), the second with a fresh mount for the quota update.
# In every case tmp/ must be empty again (but for the file whose unlink
# was the call that failed), maildirsize must agree with a recount of
# new/ and cur/, and no maildirsize.lock may be left unless removing it
# was the call that failed.  A Maildir that exists and one lda must
# create (mkdir chain, maildirsize recount) are separate passes; ENOSPC,
# EDQUOT and a timeout on the message write give 4.3.1, 4.2.2, 4.3.0;
# ENOSPC on the quota update after the move still delivers.
#
# Each run delivers to its own domain (bob@rN.example), so each Maildir
# is a name the server has never seen: copies made behind ganesha's back
# cannot meet entries it has cached.

. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/services/ganesha.sh"

[ "$(id -u)" = 0 ] || skip_all "nfs-ganesha needs root"

: "${FAULTNFS:=$TOP_DIR/build/faultnfs.so}"

if [ ! -x "$LDA" ]; then
    plan 1
    not_ok "lda built at $LDA"
    exit 1
fi
if [ ! -f "$FAULTNFS" ]; then
    plan 1
    not_ok "fault shim built at $FAULTNFS (make build/faultnfs.so)"
    exit 1
fi

ns_init nfs
ns_start || { plan 1; not_ok "nfs-ganesha started"; exit 1; }

VM=$NS_EXPORT/vmail                     # what the server holds
mkdir "$VM"
chown "$LDA_USER" "$VM"
SNAP=$TEST_TMP/snapshot                 # on the server's disk, not exported
LOGS=$TEST_TMP/logs
CONF=$TEST_TMP/lda.conf
NOQUOTA=$TEST_TMP/noquota.conf
MSG=$TEST_TMP/msg
URL="nfs://127.0.0.1/export/vmail/%d/%n/Maildir?$NS_ARGS"
CALLS="mount open pwrite pread fsync fstat close stat mkdir link unlink rename ftruncate opendir utimes"

mkdir -p "$LOGS"
chmod 777 "$LOGS"
# Short bounds: no call really times out here, but a hang must not last.
write_conf "$CONF" "maildir = $URL" "quota = 100M" "nfs_timeout = 5s" \
    "delivery_timeout = 60s"
write_conf "$NOQUOTA" "maildir = $URL" "nfs_timeout = 5s" \
    "delivery_timeout = 60s"

# A message of a few hundred KiB, so the copy takes many WRITEs.
fault_message 6000 "nfs fault injection" t0830@example.org > "$MSG"

export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

RUN=0

# restore STATE - a new domain for the next run; its Maildir as the case
# needs it: missing, or a copy of the snapshot (as root, owners kept).
# Sets DOM, MD (on the server's disk), MDREL (as the shim logs it), LOCK.
restore() {
    RUN=$((RUN + 1))
    DOM=r$RUN.example
    MD=$VM/$DOM/bob/Maildir
    MDREL=/$DOM/bob/Maildir
    LOCK=$MD/maildirsize.lock
    if [ "$1" = existing ]; then
        mkdir -p "$VM/$DOM/bob"
        chown -R "$LDA_USER" "$VM/$DOM"
        cp -a "$SNAP" "$MD"
        # tmp/ not looked at for hours: the delivery scans it (READDIR,
        # GETATTR, SETATTR) once it is done.
        touch -a -d '9 hours ago' "$MD/tmp"
    fi
}

# fault_run LOG CALL [NTH [ERRNO [MODE [CONF]]]] - deliver once with the
# shim to bob@$DOM; RC, OUT, FIRST
fault_run() {
    : > "$1"
    chmod 666 "$1"
    OUT=$(env LD_PRELOAD="$FAULTNFS${LD_PRELOAD:+:$LD_PRELOAD}" \
              FAULT_LOG="$1" FAULT_CALL="$2" FAULT_NTH="${3:-0}" \
              FAULT_ERRNO="${4:-}" FAULT_MODE="${5:-before}" \
              timeout 120 "$LDA" -c "${6:-$CONF}" -f a@example.org \
              -d "bob@$DOM" < "$MSG" 2>&1)
    RC=$?
    FIRST=$(first_line "$OUT")
}

# message_ok FILE - FILE is the whole message for bob@$DOM, named with
# its real size
message_ok() {
    local size
    { printf 'Return-Path: <a@example.org>\nDelivered-To: bob@%s\n' "$DOM"
      cat "$MSG"; } | cmp -s - "$1" || return 1
    size=$(printf '%s' "${1##*/}" | sed -n 's/.*,S=\([0-9]*\).*/\1/p')
    [ "$size" = "$(stat -c %s "$1")" ]
}

# calls_of LOG - the calls of a run, but the WRITEs, on one line each
calls_of() { grep -v '^pwrite ' "$1" | sed "s|$MDREL/||g"; }

# counts LOG - "<name>=<calls>" for each call name seen in LOG
counts() {
    local c n out=
    for c in $CALLS; do
        n=$(awk -v c="$c" '$1 == c' "$1" | wc -l)
        [ "$n" -eq 0 ] || out="$out $c=$n"
    done
    printf '%s' "${out# }"
}

# plan_cases LOG MDREL - one line per case from a count log:
#   "<name> <k> <must> <why> <path...>"
# must: 1 = the delivery must fail, 2 = it must deliver, 0 = either
# outcome is right.  The
# commit is the LINK that gives the message its name in new/; the
# message's tmp/ file is its source.  Of the WRITEs of the message only
# the first, middle and last become cases.
plan_cases() {
    awk -v md="$2" '
        { n++; name[n] = $1; k[n] = $2; p1[n] = $3; p2[n] = $4
          rest[n] = $3 (NF > 3 ? " " $4 : "")
          if (!commit && $1 == "link" && index($4, md "/new/") == 1) {
              commit = n; msgtmp = $3
          } }
        END {
            for (i = 1; i <= n; i++)
                if (name[i] == "pwrite" && p1[i] == msgtmp)
                    w[++nw] = i
            keep[w[1]] = keep[w[int((nw + 1) / 2)]] = keep[w[nw]] = 1
            for (i = 1; i <= n; i++) {
                if (name[i] == "pwrite" && p1[i] == msgtmp && !keep[i])
                    continue
                must = 1; why = "before the move"
                if (!commit) why = "no move seen"
                if (i == commit) why = "the move into new/"
                if (commit && i > commit) { must = 0; why = "after the move" }
                if (name[i] == "link" && p2[i] == md "/maildirsize.lock" &&
                    (!commit || i < commit)) {
                    must = 0; why = "dotlock link, retried by design"
                    lockat = i
                }
                if (lockat && i == lockat + 1 && name[i] == "stat" &&
                    p1[i] == p1[lockat]) {
                    must = 0; why = "dotlock check, asked twice by design"
                }
                if (commit && i > commit && p1[i] == msgtmp) {
                    must = name[i] == "unlink" ? 2 : 1
                    why = must == 2 ? "tmp name after the move" \
                                    : "message tmp file"
                }
                if (commit && i > commit && name[i] == "pwrite") {
                    must = 2; why = "quota update after the move"
                }
                if (i != commit && (p1[i] == md "/new" ||
                    index(p1[i], md "/new/") == 1 ||
                    index(p2[i], md "/new/") == 1)) {
                    must = 1; why = "new/"
                }
                if (name[i] == "pwrite" && p1[i] == msgtmp) {
                    which = "middle"
                    if (i == w[1]) which = "first"
                    if (i == w[nw]) which = "last"
                    why = "message write, " which " of " nw
                }
                gsub(/ /, "_", why)
                print name[i], k[i], must, why, rest[i]
            }
        }' "$1"
}

# --- clean deliveries in counting mode ------------------------------------

# count_clean STATE WHAT - a clean delivery under the shim, listing its
# calls in count-STATE; the suite stops if it fails
count_clean() {
    restore "$1"
    fault_run "$LOGS/count-$1" count
    if [ "$RC" -eq 0 ] && [ "$(count_files "$MD/new")" -eq 1 ]; then
        ok "clean delivery into $2 over NFS (counting): $(counts "$LOGS/count-$1")"
    else
        not_ok "clean delivery into $2 over NFS (counting)"
        diag "exit $RC" "$OUT"
        exit 1
    fi
    check "... the message is the input plus lda's header lines" \
        message_ok "$(find "$MD/new" -type f | head -n 1)"
    check "... maildirsize agrees with a recount" quota_ok "$MD"
}

count_clean fresh "a missing Maildir"
MDREL_FRESH=$MDREL
# A mail reader saw it: keep it in cur/, so new/ starts empty.
for f in "$MD"/new/*; do
    mv "$f" "$MD/cur/${f##*/}:2,S"
done
cp -a "$MD" "$SNAP"

count_clean existing "an existing Maildir"
MDREL_EXISTING=$MDREL
check "... nothing left in tmp/, no lock left" \
    test -z "$(files_in "$MD/tmp")" -a ! -e "$LOCK"

for state in fresh existing; do
    [ "$state" = fresh ] && m=$MDREL_FRESH || m=$MDREL_EXISTING
    check "clean $state delivery moves with LINK into new/ then REMOVE" \
        awk -v md="$m" '$1 == "link" && index($3, md "/tmp/") == 1 &&
                        index($4, md "/new/") == 1 { l = $3 }
                        l != "" && $1 == "unlink" && $3 == l { ok = 1 }
                        END { exit !ok }' "$LOGS/count-$state"
    check "clean $state delivery takes the maildirsize dotlock with LINK" \
        grep -q "^link [0-9]* $m/tmp/[^ ]* $m/maildirsize.lock$" \
        "$LOGS/count-$state"
done
check "clean deliveries count the mkdir chain when the Maildir is missing" \
    grep -q "^mkdir [0-9]* $MDREL_FRESH/new$" "$LOGS/count-fresh"
seen=$(cat "$LOGS"/count-* | awk '{ print $1 }' | sort -u | tr '\n' ' ')
missing=
for c in $CALLS; do
    [ "$c" = ftruncate ] && continue    # only after a failed quota update
    case " $seen" in *" $c "*) ;; *) missing="$missing $c" ;; esac
done
is "${missing# }" "" "the shim sees every libnfs call lda makes (seen: ${seen% })"

# --- one failing call per run ----------------------------------------------

# judge STATE MODE NAME K MUST WHY PATH - run one case and report it
judge() {
    local state=$1 mode=$2 name=$3 k=$4 must=$5 why=${6//_/ } path=$7
    local log fired call fpath problems='' outcome desc

    restore "$state"
    log=$LOGS/fault-$state-$mode-$name-$k
    fault_run "$log" "$name" "$k" "" "$mode"
    fired=$(grep -m 1 "^FAULT $name $k " "$log")
    call=$(grep -m 1 "^$name $k " "$log")
    fpath=$(printf '%s' "$call" | awk '{ print $3 }')
    [ -n "$fpath" ] || fpath=$path
    # A lost reply of the move: lda must see that its LINK landed.
    [ "$mode" = after ] && [ "$why" = "the move into new/" ] && must=2
    desc="$name #$k, $mode ($state Maildir, $why) ${fpath#"$MDREL/"}"

    [ -n "$fired" ] || problems="$problems; the fault did not fire"
    fault_outcome outcome problems "$RC" "$FIRST" "$MD" "$must" message_ok
    fault_leftovers problems "$MD" "$name" "$fpath" "$MDREL"

    if [ -z "$problems" ]; then
        ok "$desc: $outcome${FIRST:+, $FIRST}"
    else
        not_ok "$desc: $outcome"
        diag "problems:${problems#;}" "exit $RC" "output: $OUT" \
             "fault: ${fired:-none}" "calls: $(calls_of "$log" | tr '\n' ';')" \
             "new/: $(files_in "$MD/new" | tr '\n' ' ')" \
             "tmp/: $(files_in "$MD/tmp" | tr '\n' ' ')" \
             "top: $(files_in "$MD" | tr '\n' ' ')" "quota: $(quota_state "$MD")"
    fi
}

plan_cases "$LOGS/count-fresh" "$MDREL_FRESH" > "$LOGS/plan-fresh"
plan_cases "$LOGS/count-existing" "$MDREL_EXISTING" > "$LOGS/plan-existing"
for mode in before after; do
    for state in existing fresh; do
        while read -r name k must why path; do
            judge "$state" "$mode" "$name" "$k" "$must" "$why" "$path"
        done < "$LOGS/plan-$state"
    done
done

# --- a lost reply of the move, without quota -------------------------------

restore existing
fault_run "$LOGS/count-noquota" count "" "" before "$NOQUOTA"
k=$(awk -v md="$MDREL" '$1 == "link" && index($4, md "/new/") == 1 {
                            print $2; exit }' "$LOGS/count-noquota")
if [ "$RC" -eq 0 ] && [ -n "$k" ]; then
    restore existing
    fault_run "$LOGS/after-noquota" link "$k" "" after "$NOQUOTA"
    if [ "$RC" -eq 0 ] && [ "$(count_files "$MD/new")" -eq 1 ] &&
       message_ok "$(find "$MD/new" -type f | head -n 1)" &&
       [ -z "$(files_in "$MD/tmp")" ] &&
       grep -q "^FAULT link $k " "$LOGS/after-noquota"; then
        ok "lost reply of the LINK into new/ (no quota): delivered once, tmp/ empty"
    else
        not_ok "lost reply of the LINK into new/ (no quota): want exit 0, one message, tmp/ empty"
        diag "exit $RC" "output: $OUT" \
             "calls: $(calls_of "$LOGS/after-noquota" | tr '\n' ';')" \
             "new/: $(files_in "$MD/new" | tr '\n' ' ')" \
             "tmp/: $(files_in "$MD/tmp" | tr '\n' ' ')"
    fi
else
    not_ok "clean delivery without quota (counting) finds the move"
    diag "exit $RC" "$OUT"
fi

# --- the status code follows the error --------------------------------------

msgtmp=$(awk -v md="$MDREL_EXISTING" '$1 == "link" &&
                                      index($4, md "/new/") == 1 {
                                          print $3; exit }' \
         "$LOGS/count-existing")
# last_call NAME PATH - k of the last NAME call on PATH in the count log
last_call() {
    awk -v c="$1" -v p="$2" '$1 == c && $3 == p { n = $2 } END { print n }' \
        "$LOGS/count-existing"
}
kwrite=$(last_call pwrite "$msgtmp")    # the last block of the body
kquota=$(last_call pwrite "$MDREL_EXISTING/maildirsize")

# errno_case NAME K ERRNO PATTERN WHAT - the fault gives exit 75 and a
# status matching PATTERN, leaving nothing behind
errno_case() {
    local log
    restore existing
    log=$LOGS/errno-$1-$2-$3
    fault_run "$log" "$1" "$2" "$3"
    if [ "$RC" -eq 75 ] && printf '%s' "$FIRST" | grep -Eq "$4" &&
       grep -q "^FAULT $1 $2 " "$log" && [ "$(count_files "$MD/new")" -eq 0 ] &&
       [ -z "$(files_in "$MD/tmp")" ] && quota_ok "$MD" && [ ! -e "$LOCK" ]; then
        ok "$3 on $5 ($1 #$2): exit 75, $FIRST"
    else
        not_ok "$3 on $5 ($1 #$2): want exit 75 and /$4/, nothing left"
        diag "exit $RC" "output: $OUT" \
             "calls: $(calls_of "$log" | tr '\n' ';')" \
             "new/: $(files_in "$MD/new" | tr '\n' ' ')" \
             "tmp/: $(files_in "$MD/tmp" | tr '\n' ' ')" \
             "top: $(files_in "$MD" | tr '\n' ' ')" "quota: $(quota_state "$MD")"
    fi
}

if [ -n "$kwrite" ] && [ -n "$kquota" ]; then
    errno_case pwrite "$kwrite" ENOSPC '^4\.3\.1 ' "the message's last WRITE"
    errno_case pwrite "$kwrite" EDQUOT '^4\.2\.2 ' "the message's last WRITE"
    errno_case pwrite "$kwrite" ETIMEDOUT '^4\.3\.0 .*(timed out|Timed out)' \
        "the message's last WRITE"
    # The message is in new/ by then: the delivery stands, and
    # maildirsize goes, for the next delivery to recount.
    restore existing
    log=$LOGS/errno-pwrite-$kquota-ENOSPC
    fault_run "$log" pwrite "$kquota" ENOSPC
    is "$RC/$(count_files "$MD/new")/$(files_in "$MD/tmp" | wc -l)" "0/1/0" \
        "ENOSPC on the quota update (pwrite #$kquota): delivered all the same"
    check "... maildirsize removed, to be recounted" test ! -e "$MD/maildirsize"
    check "... no lock left" test ! -e "$LOCK"
else
    not_ok "found the WRITEs of the message and of maildirsize in the count log"
fi

done_testing
