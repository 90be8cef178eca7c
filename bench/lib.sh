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
