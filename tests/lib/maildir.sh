# tests/lib/maildir.sh - checks on what a delivery left in a Maildir:
# file counts and names, maildirsize against a recount, and the checks
# after many concurrent deliveries (sourced by lib.sh, after tap.sh)

# count_files DIR - number of regular files directly in DIR
count_files() { find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l | tr -d ' '; }

# files_in DIR - the names of the regular files in DIR, one a line
files_in() { find "$1" -maxdepth 1 -type f -printf '%f\n' 2>/dev/null | sort; }

# quota_state MAILDIR - "<maildirsize bytes> <count> / <recount bytes>
# <count>" for MAILDIR (new/ and cur/; sizes from S= where present)
quota_state() {
    local sum='- -' recount
    if [ -f "$1/maildirsize" ]; then
        sum=$(awk 'NR > 1 && NF { b += $1; c += $2 } END { print b + 0, c + 0 }' \
              "$1/maildirsize")
    fi
    recount=$(for d in "$1/new" "$1/cur"; do
                  find "$d" -maxdepth 1 -type f -printf '%f %s\n' 2>/dev/null
              done | awk '{ s = $2
                            if (match($1, /,S=[0-9]+/))
                                s = substr($1, RSTART + 3, RLENGTH - 3)
                            b += s; c++ }
                          END { print b + 0, c + 0 }')
    printf '%s / %s' "$sum" "$recount"
}

# quota_ok MAILDIR - its maildirsize agrees with the recount (or is
# absent: recounted by the next delivery, as Maildir++ says)
quota_ok() {
    local q
    q=$(quota_state "$1")
    case $q in
        "- - / "*) return 0 ;;
    esac
    [ "${q% / *}" = "${q#* / }" ]
}

# is_recounted MAILDIR DESC - maildirsize's totals equal the real sizes
# and number of the files in MAILDIR/new
is_recounted() {
    local claimed actual
    claimed=$(awk 'NR > 1 {b += $1; n += $2} END {print b, n}' "$1/maildirsize")
    actual=$(find "$1/new" -type f -printf '%s\n' | awk '{b += $1; n++} END {print b, n}')
    is "$claimed" "$actual" "$2"
}

# check_many MAILDIR TOTAL - after concurrent deliveries of TOTAL
# messages with "Subject: nN" lines into MAILDIR: all there, distinct,
# whole, each once, nothing left behind, maildirsize and every S= exact
check_many() {
    local md=$1 total=$2 sizes
    is "$(count_files "$md/new")" "$total" "$total files in new/"
    is "$(find "$md/new" -type f | sort -u | wc -l)" "$total" "... with distinct names"
    is "$(cat "$md"/new/* | grep -c '^Subject: n')" "$total" "... each a whole message"
    is "$(grep -h '^Subject: n' "$md"/new/* | sort -u | wc -l)" "$total" "... each one once"
    is "$(count_files "$md/tmp")" 0 "nothing left in tmp/"
    check "no lock left" test ! -e "$md/maildirsize.lock"
    is_recounted "$md" "maildirsize equals a full recount"
    sizes=$(for f in "$md"/new/*; do n=${f##*,S=}; n=${n%%,*}; echo "$n $(stat -c %s "$f")"; done \
        | awk '$1 != $2' | wc -l)
    is "$sizes" 0 "every S= matches its file's size"
}
