# tests/lib/tap.sh - the TAP core: plan, ok, not_ok, todo, is, like,
# check, diag, done_testing, and at_exit for cleanups (sourced by lib.sh)
#
# Each tests/tNNNN-topic.sh calls plan or ends with done_testing, and
# reports with ok/not_ok/is.  Sourcing this file sets the EXIT trap that
# runs the at_exit commands; the exit status of the script is kept.

_tap_n=0
_tap_failed=0
_cleanups=()

# at_exit - run CMD when the script ends, last registered first
at_exit() { _cleanups=("$*" "${_cleanups[@]}"); }

_tap_exit() {
    local rc=$? c
    for c in "${_cleanups[@]}"; do eval "$c" || true; done
    exit $rc
}
trap _tap_exit EXIT

plan() { echo "1..$1"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }

ok() {
    _tap_n=$((_tap_n + 1))
    echo "ok $_tap_n - $*"
}

not_ok() {
    _tap_n=$((_tap_n + 1))
    _tap_failed=$((_tap_failed + 1))
    echo "not ok $_tap_n - $*"
}

# todo DESC WHY - a known failure: "not ok ... # TODO WHY", reported
# by prove(1) but not counted against the script
todo() {
    _tap_n=$((_tap_n + 1))
    echo "not ok $_tap_n - $1 # TODO $2"
}

diag() { printf '# %s\n' "$@" >&2; }

# check DESC CMD... - ok when CMD succeeds
check() {
    local desc=$1; shift
    if "$@"; then ok "$desc"; else not_ok "$desc"; diag "failed: $*"; fi
}

# is GOT WANT DESC - string equality
is() {
    if [ "$1" = "$2" ]; then ok "$3"; else
        not_ok "$3"; diag "got:  '$1'" "want: '$2'"
    fi
}

# like GOT PATTERN DESC - extended regular expression match
like() {
    if printf '%s' "$1" | grep -Eq -- "$2"; then ok "$3"; else
        not_ok "$3"; diag "got:  '$1'" "want: /$2/"
    fi
}

done_testing() { echo "1..$_tap_n"; [ "$_tap_failed" -eq 0 ]; }
