#!/bin/bash
# t1300-sieve-pigeonhole.sh - lda's Sieve interpreter against Pigeonhole's
#
# Every case under tests/sieve/cases/ (a script whose first comment lines
# name its messages, envelopes and settings) is run by Pigeonhole's
# sieve-test, the reference implementation, and by `lda-sieve test`; both
# reports are brought to lda-sieve's action format and must be equal.
# Where lda deliberately differs, tests/sieve/known-differences states
# lda's expected output and why; tests/sieve/todo lists the cases lda
# still gets wrong (TAP TODO).
#
# A case file starts with comment lines:
#   # msg: plain.eml folded.eml     messages (tests/sieve/msg/), one case each
#   # args: -f A -r B [-a C] [-m F] [-s before.sieve] [-D Folder]
#                                   an envelope; several lines: one case each
#   # conf: key=value               a setting for both (Pigeonhole's name)
# PH_DUMP=1 prints Pigeonhole's normalized reports instead of comparing.
# Defaults: -f alice@example.org -r bob@example.com; -a is -r when absent.
# -s names a script of tests/sieve/before/; include finds tests/sieve/
# personal/ and global/.  A case's id is NAME/MSG, NAME/MSG/K for the K-th
# args line after the first.

. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/services/pigeonhole.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root (sieve-test runs as nobody)"
command -v sieve-test >/dev/null 2>&1 || skip_all "sieve-test (dovecot-sieve) is not installed"
: "${LDA_SIEVE:=$(dirname "$LDA")/lda-sieve}"
if [ ! -x "$LDA_SIEVE" ]; then
    echo "1..1"; not_ok "lda-sieve binary under test exists: $LDA_SIEVE"; exit 1
fi

S=$TESTS_DIR/sieve
W=$TEST_TMP/ph
ph_init "$W" "$S/personal" "$S/global"
mkdir -p "$W/before" "$W/cases" "$W/msg"
cp "$S"/before/*.sieve "$W/before/"
cp "$S"/msg/*.eml "$W/msg/"
chmod -R a+rX "$W"
chown -R nobody "$W"

# The same settings for lda-sieve (keys named as Pigeonhole's).
LCONF=$TEST_TMP/lda.conf
cat > "$LCONF" <<EOF
sieve_dir = $S/personal
sieve_global_dir = $S/global
sieve_max_actions = 32
sieve_max_redirects = 4
EOF
printf '%s\n' "$PH_SPAM_CONF" | sed 's/^ *//' >> "$LCONF"

# expected ID - lda's output stated in known-differences for ID, if any
expected() {
    awk -v id="$1" '
    /^== / { on = ($2 == id); found = found || on; next }
    on && /^#/ { next }
    on && /^$/ { on = 0; next }
    on { print }
    END { exit !found }' "$S/known-differences"
}

# todo_reason ID - why ID is a known failure, if it is one
todo_reason() { awk -v id="$1" '$1 == id { $1 = ""; sub(/^ /, ""); print; f = 1 } END { exit !f }' "$S/todo"; }

# lda_normalize RC OUT ERR - lda-sieve's report in the compared form
lda_normalize() {
    local loc
    if [ "$1" -ne 0 ]; then
        loc=$(printf '%s\n' "$3" | sed -n 's/^\([^:]*\):\([0-9]*\):[0-9]*: error: .*/\1 line \2/p' | head -n 1)
        loc=${loc##*/}; loc=${loc/.sieve line/ line}
        if [ -z "$2" ]; then echo "compile-error $loc"; return; fi
        echo "error $loc"
    fi
    [ -n "$2" ] && printf '%s\n' "$2"
}

# run_case FILE MSG K ARGS... - one TAP line
run_case() {
    local file=$1 msg=$2 k=$3; shift 3
    local name id ph_args=() l_args=() sender="" folder=INBOX have_a="" rcpt=""
    local mailloc="" a ph want got out err rc reason
    name=$(basename "$file" .sieve)
    id=$name/$msg; [ "$k" -gt 1 ] && id=$id/$k
    while [ $# -gt 0 ]; do
        case $1 in
        -s) ph_args+=(-s "$2"); l_args+=(-s "$S/before/$2"); shift 2; continue ;;
        -D) mailloc=$W/mail/$name.$k
            mkdir -p "$mailloc/.$2/cur" "$mailloc/.$2/new" "$mailloc/.$2/tmp" "$mailloc/cur" "$mailloc/new" "$mailloc/tmp"
            chown -R nobody "$W/mail"
            l_args+=(-D "$2"); shift 2; continue ;;
        -f) sender=$2 ;;
        -r) rcpt=$2 ;;
        -a) have_a=1 ;;
        -m) folder=$2 ;;
        esac
        ph_args+=("$1" "$2"); l_args+=("$1" "$2"); shift 2
    done
    [ -z "$have_a" ] && { ph_args+=(-a "$rcpt"); l_args+=(-a "$rcpt"); }
    [ -n "$mailloc" ] && ph_args+=(-o "mail_location=maildir:$mailloc")
    for a in "${confs[@]}"; do
        ph_args+=(-o "plugin/$a"); l_args+=(-o "$a")
    done
    out=$("$LDA_SIEVE" test -c "$LCONF" "${l_args[@]}" "$file" "$S/msg/$msg" 2> "$TEST_TMP/err")
    rc=$?
    err=$(cat "$TEST_TMP/err")
    got=$(lda_normalize "$rc" "$out" "$err" | sieve_canon)
    if want=$(expected "$id"); then
        want=$(printf '%s\n' "$want" | sieve_canon)
        ph="(known difference)"
    else
        cp "$file" "$W/cases/$name.sieve"; chown nobody "$W/cases/$name.sieve"
        ph=$(ph_run "$W/before" "${ph_args[@]}" "$W/cases/$name.sieve" "$W/msg/$msg")
        want=$(printf '%s\n' "$ph" | ph_normalize "$sender" "$folder" | sieve_canon)
    fi
    if [ -n "${PH_DUMP:-}" ]; then
        printf '== %s\n%s\n\n' "$id" "$want" >&2; ok "$id"; return
    fi
    if [ "$got" = "$want" ]; then
        ok "$id"
        agree=$((agree + 1))
    elif reason=$(todo_reason "$id"); then
        todo "$id" "$reason"
    else
        not_ok "$id"
        { echo "pigeonhole:"; printf '%s\n' "$want"
          echo "lda-sieve (exit $rc):"; printf '%s\n' "$got"
          [ -n "$err" ] && { echo "lda-sieve stderr:"; printf '%s\n' "$err"; }
        } | sed 's/^/#   /' >&2
    fi
}

agree=0
for file in "$S"/cases/*.sieve; do
    msgs=$(sed -n 's/^# msg: *//p' "$file" | head -n 1)
    [ -n "$msgs" ] || msgs=plain.eml
    mapfile -t argl < <(sed -n 's/^# args: *//p' "$file")
    [ ${#argl[@]} -gt 0 ] || argl=("")
    mapfile -t confs < <(sed -n 's/^# conf: *//p' "$file")
    for msg in $msgs; do
        k=0
        for line in "${argl[@]}"; do
            k=$((k + 1))
            # shellcheck disable=SC2086  # the args line is split as written
            set -- $line
            case " $line " in *" -f "*) ;; *) set -- -f alice@example.org "$@" ;; esac
            case " $line " in *" -r "*) ;; *) set -- -r bob@example.com "$@" ;; esac
            run_case "$file" "$msg" "$k" "$@"
        done
    done
done
diag "$agree cases agree"
done_testing
