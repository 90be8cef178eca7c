# bench/lib.sh - what bench/run.sh and bench/events.sh share (sourced)

# bench_user - the account the agents run as: as root BENCH_USER (default
# ldabench, created as a system user when missing), else the caller.
# Sets RUN_USER, and USER_OPT for runner.c ("-u USER" or empty).
bench_user() {
    if [ "$(id -u)" = 0 ]; then
        RUN_USER=${BENCH_USER:-ldabench}
        if ! id "$RUN_USER" >/dev/null 2>&1; then
            useradd -r -M -d /nonexistent -s /usr/sbin/nologin \
                -c "lda benchmark" "$RUN_USER" || die "cannot create user $RUN_USER"
        fi
        [ "$(id -u "$RUN_USER")" != 0 ] || die "BENCH_USER must not be root"
        USER_OPT="-u $RUN_USER"
    else
        RUN_USER=$(id -un)
        USER_OPT=
    fi
}

# make_msg SIZE FILE - a plain RFC 5322 message of exactly SIZE bytes
# from SENDER to RCPT, LF line ends, body of 76-column base64 lines
make_msg() {
    local size=$1 file=$2 hdr body
    hdr="Received: from mx.example.org (mx.example.org [192.0.2.1])
	by mail.example.com (Postfix) with ESMTPS id 4BENCH$size
	for <$RCPT>; Mon, 24 Nov 2025 03:00:00 +0000 (UTC)
From: Sender <$SENDER>
To: Bob <$RCPT>
Subject: benchmark message of $size bytes
Date: Mon, 24 Nov 2025 03:00:00 +0000
Message-ID: <bench-$size@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: base64
"
    body=$((size - ${#hdr} - 2))
    [ "$body" -gt 0 ] || die "message size $size too small"
    {
        printf '%s\n' "$hdr"
        head -c $((body * 3 / 4 + 1024)) /dev/urandom | base64 -w 76 |
            head -c "$body"
        printf '\n'
    } > "$file"
    [ "$(stat -c %s "$file")" = "$size" ] || die "cannot make a $size byte message"
}
