/*
 * file.c - a file replaced whole and durably: tmp name, fsync, rename
 *
 * The Maildir way for any small file: the data goes to a temporary
 * name, is fsynced, is renamed over the final name, and the final
 * name's directory is fsynced, so after a crash the name holds the old
 * content or the new, never part of either, and a caller that goes on
 * to forget something else (an event unlinked) may rely on it.  On
 * failure the temporary file is removed and -1 returned with a status;
 * errno still holds the failure, so a caller may tell a missing
 * directory (ENOENT) from the rest.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "io.h"

/* file_sync_dir - fsync a directory, so the names in it survive a crash */
int file_sync_dir(const char *dir, struct status *st)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), err;

    if (fd < 0 || fsync(fd) < 0) {
        err = errno;
        status_errno(st, err, "fsync '%s'", dir);
        if (fd >= 0)
            close(fd);
        errno = err;
        return -1;
    }
    close(fd);
    return 0;
}

/* fail - fill st from errno, remove tmp, and keep errno for the caller */
static int fail(struct status *st, int fd, const char *what, const char *tmp)
{
    int err = errno;

    status_errno(st, err, "%s '%s'", what, tmp);
    if (fd >= 0)
        close(fd);
    (void)unlink(tmp);
    errno = err;
    return -1;
}

/* sync_parent - fsync the directory that holds path */
static int sync_parent(const char *path, struct status *st)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;

    if (slash == NULL)
        return file_sync_dir(".", st);
    if (n == 0)
        n = 1;                  /* "/name": the root */
    if (n >= sizeof(dir)) {
        status_errno(st, ENAMETOOLONG, "fsync '%.*s'", (int)n, path);
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(dir, path, n);
    dir[n] = '\0';
    return file_sync_dir(dir, st);
}

/* replace - write tmp opened with oflags, fsync, rename over path */
static int replace(const char *tmp, int oflags, const char *path,
                   const void *data, size_t len, struct status *st)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_CLOEXEC | oflags, 0600);

    if (fd < 0) {
        int err = errno;

        status_errno(st, err, "create '%s'", tmp);
        errno = err;
        return -1;
    }
    if (pwrite_full(fd, data, len, 0) < 0)
        return fail(st, fd, "write", tmp);
    if (fsync(fd) < 0)
        return fail(st, fd, "fsync", tmp);
    if (close(fd) < 0)
        return fail(st, -1, "close", tmp);
    if (rename(tmp, path) < 0)
        return fail(st, -1, "rename", tmp);
    return sync_parent(path, st);
}

/*
 * file_replace - path holds data, whole, after a crash too; the
 * temporary name "<path>.<pid>.tmp" is beside it (a rename does not
 * cross directories), truncated if a crashed process of the same pid
 * left one
 */
int file_replace(const char *path, const void *data, size_t len,
                 struct status *st)
{
    char tmp[4200];

    if (snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid())
        >= (int)sizeof(tmp)) {
        status_errno(st, ENAMETOOLONG, "create '%s'", path);
        errno = ENAMETOOLONG;
        return -1;
    }
    return replace(tmp, O_TRUNC, path, data, len, st);
}

/*
 * file_replace_via - the same through the caller's temporary name, a
 * fresh one (created exclusively), e.g. in a Maildir-like tmp/ beside
 * the final directory on the same file system
 */
int file_replace_via(const char *tmp, const char *path, const void *data,
                     size_t len, struct status *st)
{
    return replace(tmp, O_EXCL, path, data, len, st);
}
