# shellcheck shell=bash
# tests/lib/sieve.sh - what the tests of Sieve in delivery share: a
# sendmail that records its calls, the message files of a folder
# (sourced by t13xx after lib.sh, which does not source it)
#
#   sv_write FILE TEXT        a script (or any file) the delivery account reads
#   fake_sendmail DIR         DIR/sendmail records each call, exits as DIR/rc says
#   sent_calls DIR            the recorded calls, oldest first (DIR/calls/N)
#   sent_argv CALL            that call's arguments, one a line
#   folder_files MAILDIR [FOLDER]  message files in new/ and cur/ of FOLDER
#                             (INBOX when absent), full paths, one a line
#   all_files MAILDIR         message files of every folder
#   wait_until SECS CMD...    poll CMD until it succeeds (mail through an MTA)

# sv_write FILE TEXT - TEXT and a newline into FILE, mode 0644
sv_write() {
    mkdir -p "$(dirname "$1")"
    printf '%s\n' "$2" > "$1"
    chmod 644 "$1"
}

# fake_sendmail DIR - DIR/sendmail, a sendmail(1) that writes each call
# to DIR/calls/<ns>.<pid>/ (argv: one argument a line; msg: standard
# input) and exits with the number in DIR/rc (0 when absent).  DIR is
# made writable by the delivery account, which runs it.
fake_sendmail() {
    local d=$1
    mkdir -p "$d/calls"
    cat > "$d/sendmail" <<EOF
#!/bin/sh
# a sendmail for the tests: records its arguments and input
c=$d/calls/\$(/bin/date +%s%N).\$\$
/bin/mkdir "\$c.part" || exit 75
for a in "\$@"; do printf '%s\n' "\$a"; done > "\$c.part/argv"
/bin/cat > "\$c.part/msg"
/bin/mv "\$c.part" "\$c"
rc=\$(/bin/cat "$d/rc" 2>/dev/null)
exit \${rc:-0}
EOF
    chmod 755 "$d/sendmail"
    chmod 1777 "$d/calls"
    chmod 755 "$d"
}

# sent_calls DIR - the finished calls' directories, oldest first
sent_calls() {
    find "$1/calls" -mindepth 1 -maxdepth 1 -type d ! -name '*.part' 2>/dev/null | sort
}

# sent_argv CALL - its arguments, one a line
sent_argv() { cat "$1/argv" 2>/dev/null; }

# folder_files MAILDIR [FOLDER] - message files of FOLDER (Maildir++
# name without the dot; INBOX or none: the Maildir itself)
folder_files() {
    local d=$1
    [ -n "${2:-}" ] && [ "$2" != INBOX ] && d=$1/.$2
    find "$d/new" "$d/cur" -maxdepth 1 -type f 2>/dev/null | sort
}

# all_files MAILDIR - message files of every folder
all_files() {
    find "$1" \( -path '*/new/*' -o -path '*/cur/*' \) -type f 2>/dev/null | sort
}

# wait_until SECS CMD... - poll CMD every 0.25 s until it succeeds, at
# most SECS seconds; CMD's status at the end
wait_until() {
    local secs=$1 _; shift
    for _ in $(seq 1 $((secs * 4))); do "$@" && return 0; sleep 0.25; done
    "$@"
}
