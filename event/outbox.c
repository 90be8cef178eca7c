/*
 * outbox.c - the durable event outbox: tmp/, new/, and the wake socket
 *
 * An event is in new/ whole or not at all, and durable before lda
 * exits 0.  The Maildir way, with the temporary file unnamed where the
 * filesystem allows (O_TMPFILE: ext4, xfs, btrfs, tmpfs): written,
 * fsynced, linked into new/, new/ fsynced.  Elsewhere a file in tmp/,
 * fsync, rename into new/, fsync of new/.  Either way a crash leaves
 * no name pointing at a partial event.  lda creates tmp/ and new/ when
 * missing, with the outbox's own permissions (an outbox shared through
 * a group stays shared), never the outbox itself: a missing outbox is a
 * setup mistake to report.
 *
 * outbox_wake() then tells lda-notifyd the name with one datagram,
 * without waiting: a daemon that is down or busy finds the file anyway.
 */
#define _GNU_SOURCE             /* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../util/file.h"
#include "../util/io.h"
#include "outbox.h"

/* sub - "<dir>/<a>[/<b>]" into out; -1 when it does not fit */
static int sub(char *out, size_t cap, const char *dir, const char *a,
               const char *b)
{
    int n = b ? snprintf(out, cap, "%s/%s/%s", dir, a, b)
        : snprintf(out, cap, "%s/%s", dir, a);

    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/*
 * outbox_dirs - tmp/ and new/ under an existing outbox, made like it:
 * its permission bits (not the umask's 0700: other accounts may deliver
 * here too) and, when root makes them, its owner and group
 */
int outbox_dirs(const char *dir, struct status *st)
{
    static const char *const names[] = {"tmp", "new"};
    char path[4096];
    struct stat sb;
    size_t i;

    if (stat(dir, &sb) < 0)
        return status_errno(st, errno, "outbox '%s'", dir);
    for (i = 0; i < 2; i++) {
        if (sub(path, sizeof(path), dir, names[i], NULL) < 0)
            return status_set(st, "4.3.5", "outbox '%s': name too long",
                              dir);
        if (mkdir(path, 0700) < 0) {
            if (errno == EEXIST)
                continue;
            return status_errno(st, errno, "create '%s'", path);
        }
        if (chown(path, sb.st_uid, sb.st_gid) < 0 && geteuid() == 0)
            return status_errno(st, errno, "chown '%s'", path);
        if (chmod(path, sb.st_mode & 07777) < 0)
            return status_errno(st, errno, "chmod '%s'", path);
    }
    return 0;
}

/* What the O_TMPFILE way came to, when it did not fail. */
enum unnamed {
    UNNAMED_DONE,               /* the event is in new/, durable */
    UNNAMED_UNSUPPORTED,        /* no O_TMPFILE here: use tmp/ */
    UNNAMED_NO_DIR              /* new/ is missing */
};

/* put_unnamed - the O_TMPFILE way; *how says what came of it */
static int put_unnamed(const char *newdir, const char *final,
                       const char *json, size_t len, enum unnamed *how,
                       struct status *st)
{
    char proc[64];
    int fd = open(newdir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);

    *how = UNNAMED_DONE;
    if (fd < 0 && errno == ENOENT) {
        *how = UNNAMED_NO_DIR;
        return 0;
    }
    if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR
                   || errno == EINVAL)) {
        *how = UNNAMED_UNSUPPORTED;
        return 0;
    }
    if (fd < 0)
        return status_errno(st, errno, "create in '%s'", newdir);
    if (pwrite_full(fd, json, len, 0) < 0 || fsync(fd) < 0) {
        status_errno(st, errno, "write in '%s'", newdir);
        close(fd);
        return -1;
    }
    /* linkat(AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH; /proc does not. */
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    if (linkat(AT_FDCWD, proc, AT_FDCWD, final, AT_SYMLINK_FOLLOW) < 0) {
        int err = errno;

        close(fd);
        if (err == ENOENT && access("/proc/self", F_OK) < 0) {
            *how = UNNAMED_UNSUPPORTED;
            return 0;
        }
        return status_errno(st, err, "link '%s'", final);
    }
    if (close(fd) < 0) {
        status_errno(st, errno, "close '%s'", final);
        (void)unlink(final);
        return -1;
    }
    return file_sync_dir(newdir, st);
}

/* outbox_put - <dir>/new/<id>.json holding json, durable */
int outbox_put(const char *dir, const char *id, const char *json,
               size_t len, struct status *st)
{
    char name[128], newdir[4096], final[4096], tmp[4096];
    enum unnamed how;

    snprintf(name, sizeof(name), "%s%s", id, OUTBOX_SUFFIX);
    if (sub(newdir, sizeof(newdir), dir, "new", NULL) < 0
        || sub(final, sizeof(final), dir, "new", name) < 0)
        return status_set(st, "4.3.5", "outbox '%s': name too long", dir);
    if (put_unnamed(newdir, final, json, len, &how, st) < 0)
        return -1;
    if (how == UNNAMED_NO_DIR) {
        /* The first event: no new/ yet (a missing outbox is said here). */
        if (outbox_dirs(dir, st) < 0
            || put_unnamed(newdir, final, json, len, &how, st) < 0)
            return -1;
        if (how == UNNAMED_NO_DIR)
            return status_errno(st, ENOENT, "create in '%s'", newdir);
    }
    if (how == UNNAMED_DONE)
        return 0;
    /* The Maildir way: tmp/, fsync, rename into new/, fsync of new/. */
    if (sub(tmp, sizeof(tmp), dir, "tmp", name) < 0)
        return status_set(st, "4.3.5", "outbox '%s': name too long", dir);
    return file_replace_via(tmp, final, json, len, st);
}

/* outbox_wake - one datagram naming the event; errors do not matter */
void outbox_wake(const char *dir, const char *id)
{
    struct sockaddr_un sa;
    char name[128];
    int fd, n;

    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", dir,
                 OUTBOX_WAKE) >= (int)sizeof(sa.sun_path))
        return;
    n = snprintf(name, sizeof(name), "%s%s", id, OUTBOX_SUFFIX);
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return;
    (void)sendto(fd, name, (size_t)n, MSG_DONTWAIT, (struct sockaddr *)&sa,
                 sizeof(sa));
    close(fd);
}
