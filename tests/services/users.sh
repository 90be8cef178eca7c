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
