# tests/services/users.sh - system accounts for service tests (sourced)
#
#   ensure_user NAME   create system user and group NAME unless they exist
#                      (no home, no login shell); sets USER_UID, USER_GID
#
# The account is left in place: several scripts share it, and creating it
# again on the next run is a no-op.

LDA_TEST_USER=${LDA_TEST_USER:-ldatest}

ensure_user() {
    local name=$1
    if ! id -u "$name" >/dev/null 2>&1; then
        getent group "$name" >/dev/null 2>&1 || groupadd -r "$name" 2>/dev/null
        useradd -r -g "$name" -M -d /nonexistent -s /usr/sbin/nologin \
            -c "lda test suite" "$name" 2>/dev/null
        # another script may have created it at the same moment
        id -u "$name" >/dev/null 2>&1 || { diag "cannot create user $name"; return 1; }
    fi
    USER_UID=$(id -u "$name")
    USER_GID=$(id -g "$name")
}

# two_test_users - the system users ldatest1 and ldatest2 (made when
# missing), with distinct uids and gids: U1 G1 U2 G2; skips the script
# when that cannot be
two_test_users() {
    ensure_user ldatest1 || skip_all "cannot create test user ldatest1"
    U1=$USER_UID G1=$USER_GID
    ensure_user ldatest2 || skip_all "cannot create test user ldatest2"
    U2=$USER_UID G2=$USER_GID
    [ "$U1" != "$U2" ] && [ "$G1" != "$G2" ] ||
        skip_all "ldatest1 and ldatest2 share a uid or gid"
}
