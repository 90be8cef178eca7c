/*
 * local.c - the POSIX storage driver
 *
 * Plain system calls on a local (or kernel-mounted) filesystem.  The
 * move into new/ is renameat2(RENAME_NOREPLACE): one atomic step that
 * never replaces a message and leaves no window in which a crash could
 * keep the file in both or neither directory.  Filesystems without it
 * get link() + unlink(), as qmail does.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/io.h"
#include "backend.h"

struct bfile {
    int fd;
};

/* local_open - nothing to reach: the path is the storage */
static int local_open(struct backend *b, const struct location *loc,
                      const char *base, const struct backend_conf *conf,
                      struct status *st)
{
    (void)b;
    (void)conf;
    /* loc->path is the template ("~/Maildir/" too); base is expanded. */
    if (base[0] != '/')
        return status_set(st, "4.3.5", "maildir '%s' is not an absolute "
                          "path", loc->path);
    return 0;
}

/* wrap - a heap handle for an open descriptor */
static int wrap(int fd, struct bfile **out)
{
    struct bfile *f;

    if (fd < 0)
        return -1;
    if ((f = malloc(sizeof(*f))) == NULL) {
        close(fd);
        errno = ENOMEM;
        return -1;
    }
    f->fd = fd;
    *out = f;
    return 0;
}

/* local_create - exclusive create, never through a symlink */
static int local_create(struct backend *b, const char *path, int mode,
                        struct bfile **out)
{
    (void)b;
    return wrap(open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
                     | O_CLOEXEC, mode), out);
}

/* local_open_rw - open an existing regular file read-write */
static int local_open_rw(struct backend *b, const char *path,
                         struct bfile **out)
{
    (void)b;
    return wrap(open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC), out);
}

static long local_pread(struct backend *b, struct bfile *f, void *buf,
                        size_t len, uint64_t off)
{
    ssize_t n;

    (void)b;
    do
        n = pread(f->fd, buf, len, (off_t)off);
    while (n < 0 && errno == EINTR);
    return (long)n;
}

static int local_pwrite(struct backend *b, struct bfile *f, const void *buf,
                        size_t len, uint64_t off)
{
    (void)b;
    return pwrite_full(f->fd, buf, len, (off_t)off);
}

static int local_truncate(struct backend *b, struct bfile *f, uint64_t len)
{
    (void)b;
    return ftruncate(f->fd, (off_t)len);
}

static int local_fsync(struct backend *b, struct bfile *f)
{
    (void)b;
    return fsync(f->fd);
}

/* fill - copy the fields the Maildir code uses */
static void fill(const struct stat *sb, struct bstat *out)
{
    out->ino = (uint64_t)sb->st_ino;
    out->size = (uint64_t)sb->st_size;
    out->nlink = (uint64_t)sb->st_nlink;
    out->atime = sb->st_atime;
    out->mtime = sb->st_mtime;
    out->ctime = sb->st_ctime;
    out->mode = (int)(sb->st_mode & 07777);
    out->is_dir = S_ISDIR(sb->st_mode);
    out->is_reg = S_ISREG(sb->st_mode);
}

static int local_fstat(struct backend *b, struct bfile *f, struct bstat *out)
{
    struct stat sb;

    (void)b;
    if (fstat(f->fd, &sb) < 0)
        return -1;
    fill(&sb, out);
    return 0;
}

/* local_close - close and free; the handle is gone even on error */
static int local_close(struct backend *b, struct bfile *f)
{
    int rc = close(f->fd);

    (void)b;
    free(f);
    return rc;
}

static int local_stat(struct backend *b, const char *path, struct bstat *out)
{
    struct stat sb;

    (void)b;
    if (stat(path, &sb) < 0)
        return -1;
    fill(&sb, out);
    return 0;
}

/* local_mkdir - mkdir with exactly mode: lda runs with umask 077 */
static int local_mkdir(struct backend *b, const char *path, int mode)
{
    mode_t old = umask(0);
    int rc = mkdir(path, (mode_t)mode);
    int err = errno;

    (void)b;
    umask(old);
    errno = err;
    return rc;
}

static int local_link(struct backend *b, const char *from, const char *to)
{
    (void)b;
    return link(from, to);
}

/* local_move - atomic move that never replaces an existing name */
static int local_move(struct backend *b, const char *from, const char *to)
{
    (void)b;
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        return -1;
    if (link(from, to) < 0)
        return -1;
    /* The message is in new/ now; a stale tmp/ name is cleaned later. */
    (void)unlink(from);
    return 0;
}

static int local_rename(struct backend *b, const char *from, const char *to)
{
    (void)b;
    return rename(from, to);
}

static int local_unlink(struct backend *b, const char *path)
{
    (void)b;
    return unlink(path);
}

/* local_signal_unlink - unlink(2), which is async-signal-safe */
static int local_signal_unlink(const char *path)
{
    return unlink(path);
}

/* local_fsync_dir - make the names in a directory durable */
static int local_fsync_dir(struct backend *b, const char *path)
{
    int fd, rc, err;

    (void)b;
    if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return -1;
    rc = fsync(fd);
    err = errno;
    if (close(fd) < 0 && rc == 0)
        return -1;
    errno = err;
    return rc;
}

/* local_scan - call fn for each name in dir except . and .. */
static int local_scan(struct backend *b, const char *dir, backend_scan_fn fn,
                      void *arg)
{
    DIR *d;
    struct dirent *de;
    int rc = 0, err = 0;

    (void)b;
    if ((d = opendir(dir)) == NULL)
        return -1;
    for (;;) {
        errno = 0;
        if ((de = readdir(d)) == NULL) {
            if (errno != 0) {
                err = errno;
                rc = -1;
            }
            break;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (fn(arg, de->d_name) < 0) {
            err = errno;
            rc = -1;
            break;
        }
    }
    closedir(d);
    errno = err;
    return rc;
}

/* local_set_atime - set the access time, keep the modification time */
static int local_set_atime(struct backend *b, const char *path, time_t when)
{
    struct timespec ts[2];

    (void)b;
    ts[0].tv_sec = when;
    ts[0].tv_nsec = 0;
    ts[1].tv_sec = 0;
    ts[1].tv_nsec = UTIME_OMIT;
    return utimensat(AT_FDCWD, path, ts, 0);
}

static void local_free(struct backend *b)
{
    free(b);
}

const struct backend_ops backend_local_ops = {
    .name = "local",
    .open = local_open,
    .create = local_create,
    .open_rw = local_open_rw,
    .pread = local_pread,
    .pwrite = local_pwrite,
    .truncate = local_truncate,
    .fsync = local_fsync,
    .fstat = local_fstat,
    .close = local_close,
    .stat = local_stat,
    .mkdir = local_mkdir,
    .link = local_link,
    .move = local_move,
    .rename = local_rename,
    .unlink = local_unlink,
    .fsync_dir = local_fsync_dir,
    .scan = local_scan,
    .set_atime = local_set_atime,
    .free = local_free,
    .signal_unlink = local_signal_unlink,
};
