/*
 * faultfs.c - LD_PRELOAD shim that makes one filesystem call fail
 *
 * Used by tests/t0600-fault.sh to prove that every step of a Maildir
 * delivery is checked: the shim counts the calls lda makes on paths under
 * FAULT_PREFIX and makes the FAULT_NTH-th call of the family FAULT_CALL
 * fail with FAULT_ERRNO (default EIO).
 *
 * Environment (read once, when the library is loaded, so a program that
 * clears its environment later is still covered):
 *   FAULT_PREFIX     only paths equal to it or below it count; fd calls
 *                    count for fds the shim saw opened on such a path
 *   FAULT_CALL       family to break: open, pwrite, fsync, close, rename,
 *                    link, unlink, mkdir, ftruncate (a member name such as
 *                    "write" or "openat" names its family); "count" breaks
 *                    nothing and logs every counted call
 *   FAULT_NTH        which counted call of the family fails (1 = first)
 *   FAULT_ERRNO      EIO (default), ENOSPC, EDQUOT, EACCES, ... or a number;
 *                    SIGKILL instead kills the process just before the
 *                    call is made, as a crash or kill -9 would there;
 *                    STOP stops the process (SIGSTOP) just before the call,
 *                    which runs when it is continued: a test can catch lda
 *                    in the middle of a delivery, then kill it
 *   FAULT_LOG        the fault appends "<family> <k> <path>" here; in count
 *                    mode every counted call appends "<family> <path>"
 *   FAULT_COUNT_LOG  when set, every counted call appends "<family> <path>"
 *                    here, whatever the mode
 *
 * Families: open = open open64 openat openat64 creat creat64 fopen fopen64
 * mkstemp mkostemp (and the _FORTIFY_SOURCE __open_2 variants); pwrite =
 * write pwrite pwrite64 writev pwritev pwritev2 sendfile copy_file_range
 * splice; fsync = fsync fdatasync; close = close fclose; rename = rename
 * renameat renameat2; link = link linkat; unlink = unlink unlinkat; mkdir
 * = mkdir mkdirat; ftruncate = ftruncate ftruncate64.
 *
 * dup, dup2, dup3 and fcntl(F_DUPFD) copies of a tracked descriptor are
 * tracked too (the calls themselves never fail).
 *
 * A failing close (or fclose) still releases the descriptor first, as
 * close(2) does on Linux, so nothing leaks.  Two-path calls (rename, link)
 * count when either path is under the prefix and are logged "old new".
 *
 * The wrappers call only the real functions found with dlsym(RTLD_NEXT),
 * raw system calls and their own string helpers: no malloc, no stdio, no
 * recursion into themselves.  The descriptor table is not locked: the
 * shim is meant for single-threaded programs such as lda.  It works under
 * AddressSanitizer when the program runs with
 * ASAN_OPTIONS=verify_asan_link_order=0.
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

/* whether open(2) FLAGS come with a mode argument */
#ifdef O_TMPFILE
#define NEEDS_MODE(flags) \
    (((flags) & O_CREAT) || ((flags) & O_TMPFILE) == O_TMPFILE)
#else
#define NEEDS_MODE(flags) ((flags) & O_CREAT)
#endif

#define FPATH 4096 /* longest path the shim reasons about */
#define NFD 64     /* descriptors tracked at once */

enum family { F_NONE = -1, F_OPEN, F_PWRITE, F_FSYNC, F_CLOSE, F_RENAME,
              F_LINK, F_UNLINK, F_MKDIR, F_FTRUNCATE, F_COUNT_ };

static const char *const family_name[F_COUNT_] = {
    [F_OPEN] = "open", [F_PWRITE] = "pwrite", [F_FSYNC] = "fsync",
    [F_CLOSE] = "close", [F_RENAME] = "rename", [F_LINK] = "link",
    [F_UNLINK] = "unlink", [F_MKDIR] = "mkdir", [F_FTRUNCATE] = "ftruncate",
};

/* member names accepted in FAULT_CALL besides the family names */
static const struct { const char *name; enum family fam; } member[] = {
    { "open64", F_OPEN }, { "openat", F_OPEN }, { "openat64", F_OPEN },
    { "creat", F_OPEN }, { "fopen", F_OPEN }, { "mkstemp", F_OPEN },
    { "write", F_PWRITE }, { "pwrite64", F_PWRITE }, { "writev", F_PWRITE },
    { "fdatasync", F_FSYNC }, { "fclose", F_CLOSE },
    { "renameat", F_RENAME }, { "renameat2", F_RENAME },
    { "linkat", F_LINK }, { "unlinkat", F_UNLINK }, { "mkdirat", F_MKDIR },
    { "ftruncate64", F_FTRUNCATE },
};

static const struct { const char *name; int err; } errno_name[] = {
    { "EIO", EIO }, { "ENOSPC", ENOSPC }, { "EDQUOT", EDQUOT },
    { "EACCES", EACCES }, { "EPERM", EPERM }, { "EROFS", EROFS },
    { "ENOENT", ENOENT }, { "EEXIST", EEXIST }, { "EINTR", EINTR },
    { "EAGAIN", EAGAIN }, { "ENOMEM", ENOMEM }, { "EFBIG", EFBIG },
    { "EMFILE", EMFILE }, { "ESTALE", ESTALE }, { "ETIMEDOUT", ETIMEDOUT },
    { "EMLINK", EMLINK },
};

/* settings, filled once by faultfs_init() */
static int configured;
static char prefix[FPATH];
static size_t prefix_len;
static char prefix_real[FPATH]; /* the prefix with symlinks resolved */
static size_t prefix_real_len;
static enum family fault_family = F_NONE;
static int count_mode;
static long fault_nth;
static int fault_errno = EIO;
static int fault_kill;          /* FAULT_ERRNO=SIGKILL */
static int fault_stop;          /* FAULT_ERRNO=STOP */
static char fault_log[FPATH];
static char count_log[FPATH];

static long calls[F_COUNT_];

static struct { int fd; char path[FPATH]; } tracked[NFD];

/* set while dlsym runs, so a call it makes goes straight to the kernel */
static __thread int resolving __attribute__((tls_model("initial-exec")));

/* next - the real definition of NAME, after this library */
static void *next(const char *name)
{
    void *p;

    resolving++;
    p = dlsym(RTLD_NEXT, name);
    resolving--;
    return p;
}

#define REAL(ret, name, params)                                             \
    static ret (*real_##name) params;                                      \
    static int have_##name(void)                                           \
    {                                                                      \
        if (!real_##name && !resolving)                                    \
            real_##name = (ret (*) params)next(#name);                     \
        return real_##name != NULL;                                        \
    }

REAL(int, open, (const char *, int, ...))
REAL(int, open64, (const char *, int, ...))
REAL(int, openat, (int, const char *, int, ...))
REAL(int, openat64, (int, const char *, int, ...))
REAL(int, __open_2, (const char *, int))
REAL(int, __open64_2, (const char *, int))
REAL(int, __openat_2, (int, const char *, int))
REAL(int, __openat64_2, (int, const char *, int))
REAL(int, creat, (const char *, mode_t))
REAL(int, creat64, (const char *, mode_t))
REAL(FILE *, fopen, (const char *, const char *))
REAL(FILE *, fopen64, (const char *, const char *))
REAL(int, mkstemp, (char *))
REAL(int, mkstemp64, (char *))
REAL(int, mkostemp, (char *, int))
REAL(int, mkostemp64, (char *, int))
REAL(ssize_t, write, (int, const void *, size_t))
REAL(ssize_t, pwrite, (int, const void *, size_t, off_t))
REAL(ssize_t, pwrite64, (int, const void *, size_t, off64_t))
REAL(ssize_t, writev, (int, const struct iovec *, int))
REAL(ssize_t, pwritev, (int, const struct iovec *, int, off_t))
REAL(ssize_t, pwritev64, (int, const struct iovec *, int, off64_t))
REAL(ssize_t, pwritev2, (int, const struct iovec *, int, off_t, int))
REAL(ssize_t, sendfile, (int, int, off_t *, size_t))
REAL(ssize_t, sendfile64, (int, int, off64_t *, size_t))
REAL(ssize_t, copy_file_range, (int, off64_t *, int, off64_t *, size_t,
                                unsigned int))
REAL(ssize_t, splice, (int, off64_t *, int, off64_t *, size_t, unsigned int))
REAL(int, fsync, (int))
REAL(int, fdatasync, (int))
REAL(int, close, (int))
REAL(int, fclose, (FILE *))
REAL(int, rename, (const char *, const char *))
REAL(int, renameat, (int, const char *, int, const char *))
REAL(int, renameat2, (int, const char *, int, const char *, unsigned int))
REAL(int, link, (const char *, const char *))
REAL(int, linkat, (int, const char *, int, const char *, int))
REAL(int, unlink, (const char *))
REAL(int, unlinkat, (int, const char *, int))
REAL(int, mkdir, (const char *, mode_t))
REAL(int, mkdirat, (int, const char *, mode_t))
REAL(int, ftruncate, (int, off_t))
REAL(int, ftruncate64, (int, off64_t))
REAL(int, dup, (int))
REAL(int, dup2, (int, int))
REAL(int, dup3, (int, int, int))
REAL(int, fcntl, (int, int, ...))
REAL(int, fcntl64, (int, int, ...))

/* ---- small string helpers (no allocation) ---- */

/* cat - append S to BUF of SIZE bytes at *LEN, truncating */
static void cat(char *buf, size_t size, size_t *len, const char *s)
{
    while (*s && *len + 1 < size)
        buf[(*len)++] = *s++;
    buf[*len] = '\0';
}

/* cat_long - append the decimal form of N */
static void cat_long(char *buf, size_t size, size_t *len, long n)
{
    char tmp[24];
    int i = (int)sizeof tmp - 1;
    unsigned long u = n < 0 ? 0UL - (unsigned long)n : (unsigned long)n;

    tmp[i] = '\0';
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u && i > 1);
    if (n < 0)
        tmp[--i] = '-';
    cat(buf, size, len, tmp + i);
}

/* normalize - collapse "//", "/./" and "dir/.." in the absolute path P */
static void normalize(char *p)
{
    char *out = p, *in = p;

    while (*in) {
        if (in[0] == '/' && in[1] == '/') {
            in++;
        } else if (in[0] == '/' && in[1] == '.' &&
                   (in[2] == '/' || in[2] == '\0')) {
            in += 2;
        } else if (in[0] == '/' && in[1] == '.' && in[2] == '.' &&
                   (in[3] == '/' || in[3] == '\0')) {
            in += 3;
            while (out > p && *--out != '/')
                ;
        } else {
            *out++ = *in++;
        }
    }
    if (out == p)
        *out++ = '/';
    *out = '\0';
}

/* fd_dir - the path of the directory DIRFD into BUF; -1 when unknown */
static int fd_dir(int dirfd, char *buf, size_t size)
{
    char proc[40];
    size_t len = 0;
    ssize_t n;
    int i;

    if (dirfd == AT_FDCWD)
        return syscall(SYS_getcwd, buf, size) < 0 ? -1 : 0;
    for (i = 0; i < NFD; i++) {
        if (tracked[i].path[0] && tracked[i].fd == dirfd) {
            len = 0;
            buf[0] = '\0';
            cat(buf, size, &len, tracked[i].path);
            return 0;
        }
    }
    cat(proc, sizeof proc, &len, "/proc/self/fd/");
    cat_long(proc, sizeof proc, &len, dirfd);
    n = syscall(SYS_readlink, proc, buf, size - 1);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return 0;
}

/* resolve - PATH relative to DIRFD as a normalised absolute path */
static int resolve(int dirfd, const char *path, char *buf, size_t size)
{
    size_t len;

    if (!path)
        return -1;
    if (path[0] == '/') {
        len = 0;
        buf[0] = '\0';
        cat(buf, size, &len, path);
    } else {
        if (fd_dir(dirfd, buf, size) < 0)
            return -1;
        len = strlen(buf);
        if (path[0]) {
            cat(buf, size, &len, "/");
            cat(buf, size, &len, path);
        }
    }
    normalize(buf);
    return 0;
}

/* under - whether the normalised absolute path P is the prefix or below */
static int under(const char *p)
{
    if (prefix_len && strncmp(p, prefix, prefix_len) == 0 &&
        (p[prefix_len] == '\0' || p[prefix_len] == '/'))
        return 1;
    return prefix_real_len && strncmp(p, prefix_real, prefix_real_len) == 0 &&
           (p[prefix_real_len] == '\0' || p[prefix_real_len] == '/');
}

/* ---- settings ---- */

/* faultfs_init - read the settings from the environment, once */
__attribute__((constructor)) static void faultfs_init(void)
{
    const char *v;
    size_t len, i;
    char cwd[FPATH];

    if (configured)
        return;
    configured = 1;
    v = getenv("FAULT_PREFIX");
    if (v && *v) {
        if (v[0] == '/') {
            len = 0;
            cat(prefix, sizeof prefix, &len, v);
        } else if (syscall(SYS_getcwd, cwd, sizeof cwd) >= 0) {
            len = 0;
            cat(prefix, sizeof prefix, &len, cwd);
            cat(prefix, sizeof prefix, &len, "/");
            cat(prefix, sizeof prefix, &len, v);
        }
        normalize(prefix);
        prefix_len = strlen(prefix);
        if (prefix_len > 1 && prefix[prefix_len - 1] == '/')
            prefix[--prefix_len] = '\0';
        /* realpath of the parent: the prefix itself may not exist yet */
        {
            char parent[FPATH], real[PATH_MAX];
            char *slash;

            len = 0;
            parent[0] = '\0';
            cat(parent, sizeof parent, &len, prefix);
            slash = strrchr(parent, '/');
            if (slash && slash != parent) {
                *slash = '\0';
                if (realpath(parent, real)) {
                    len = 0;
                    cat(prefix_real, sizeof prefix_real, &len, real);
                    cat(prefix_real, sizeof prefix_real, &len, "/");
                    cat(prefix_real, sizeof prefix_real, &len, slash + 1);
                    prefix_real_len = strlen(prefix_real);
                    if (strcmp(prefix_real, prefix) == 0)
                        prefix_real_len = 0;
                }
            }
        }
    }
    v = getenv("FAULT_CALL");
    if (v && strcmp(v, "count") == 0)
        count_mode = 1;
    else if (v && *v) {
        for (i = 0; i < F_COUNT_; i++)
            if (strcmp(v, family_name[i]) == 0)
                fault_family = (enum family)i;
        for (i = 0; i < sizeof member / sizeof member[0]; i++)
            if (strcmp(v, member[i].name) == 0)
                fault_family = member[i].fam;
    }
    v = getenv("FAULT_NTH");
    fault_nth = v ? strtol(v, NULL, 10) : 0;
    if (fault_family != F_NONE && fault_nth <= 0)
        fault_nth = 1;
    v = getenv("FAULT_ERRNO");
    if (v && strcmp(v, "SIGKILL") == 0)
        fault_kill = 1;
    else if (v && *v) {
        if (v[0] >= '0' && v[0] <= '9')
            fault_errno = (int)strtol(v, NULL, 10);
        fault_stop = strcmp(v, "STOP") == 0;
        for (i = 0; i < sizeof errno_name / sizeof errno_name[0]; i++)
            if (strcmp(v, errno_name[i].name) == 0)
                fault_errno = errno_name[i].err;
    }
    v = getenv("FAULT_LOG");
    if (v) {
        len = 0;
        cat(fault_log, sizeof fault_log, &len, v);
    }
    v = getenv("FAULT_COUNT_LOG");
    if (v) {
        len = 0;
        cat(count_log, sizeof count_log, &len, v);
    } else if (count_mode) {
        len = 0;
        cat(count_log, sizeof count_log, &len, fault_log);
    }
}

/* ---- logging and the decision ---- */

/* log_line - append LINE to the file FILE with the real open and write */
static void log_line(const char *file, const char *line)
{
    int fd;
    size_t len = strlen(line), off = 0;
    ssize_t n;

    if (!file[0])
        return;
    fd = (int)syscall(SYS_openat, AT_FDCWD, file,
                      O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return;
    while (off < len) {
        n = syscall(SYS_write, fd, line + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    syscall(SYS_close, fd);
}

/*
 * counted - a call of family FAM on PATH (and PATH2) under the prefix
 * happened; returns the errno to fail it with, or 0 to let it through
 */
static int counted(enum family fam, const char *path, const char *path2)
{
    char line[2 * FPATH + 64];
    size_t len = 0;
    long k;
    int saved = errno, fire;

    faultfs_init();
    k = __atomic_add_fetch(&calls[fam], 1, __ATOMIC_SEQ_CST);
    fire = fam == fault_family && k == fault_nth;
    if (count_log[0]) {
        cat(line, sizeof line, &len, family_name[fam]);
        cat(line, sizeof line, &len, " ");
        cat(line, sizeof line, &len, path);
        if (path2) {
            cat(line, sizeof line, &len, " ");
            cat(line, sizeof line, &len, path2);
        }
        cat(line, sizeof line, &len, "\n");
        log_line(count_log, line);
    }
    if (fire) {
        len = 0;
        cat(line, sizeof line, &len, family_name[fam]);
        cat(line, sizeof line, &len, " ");
        cat_long(line, sizeof line, &len, k);
        cat(line, sizeof line, &len, " ");
        cat(line, sizeof line, &len, path);
        if (path2) {
            cat(line, sizeof line, &len, " ");
            cat(line, sizeof line, &len, path2);
        }
        cat(line, sizeof line, &len, "\n");
        log_line(fault_log, line);
        /* A crash point: the call never happens, nothing is cleaned up. */
        if (fault_kill)
            syscall(SYS_kill, (pid_t)syscall(SYS_getpid), SIGKILL);
        if (fault_stop) {
            syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
            fire = 0;
        }
    }
    errno = saved;
    return fire ? fault_errno : 0;
}

/* path_call - count a call on PATH relative to DIRFD; errno to fail or 0 */
static int path_call(enum family fam, int dirfd, const char *path)
{
    char abs[FPATH];
    int saved = errno;

    faultfs_init();
    if (!prefix_len || resolve(dirfd, path, abs, sizeof abs) < 0 ||
        !under(abs)) {
        errno = saved;
        return 0;
    }
    errno = saved;
    return counted(fam, abs, NULL);
}

/* path2_call - count a two-path call when either path is under the prefix */
static int path2_call(enum family fam, int d1, const char *p1, int d2,
                      const char *p2)
{
    char a1[FPATH], a2[FPATH];
    int saved = errno, u1, u2;

    faultfs_init();
    if (!prefix_len) {
        errno = saved;
        return 0;
    }
    u1 = resolve(d1, p1, a1, sizeof a1) == 0 && under(a1);
    u2 = resolve(d2, p2, a2, sizeof a2) == 0 && under(a2);
    errno = saved;
    if (!u1 && !u2)
        return 0;
    return counted(fam, u1 ? a1 : p1, u2 ? a2 : p2);
}

/* slot - the tracking slot of FD, or -1 */
static int slot(int fd)
{
    int i;

    if (fd < 0)
        return -1;
    for (i = 0; i < NFD; i++)
        if (tracked[i].path[0] && tracked[i].fd == fd)
            return i;
    return -1;
}

/* fd_call - count a call on FD when it was opened under the prefix */
static int fd_call(enum family fam, int fd)
{
    int i = slot(fd);

    return i < 0 ? 0 : counted(fam, tracked[i].path, NULL);
}

/* forget - stop tracking FD */
static void forget(int fd)
{
    int i = slot(fd);

    if (i >= 0)
        tracked[i].path[0] = '\0';
}

/* opened - FD was just opened on PATH relative to DIRFD: track or forget */
static void opened(int fd, int dirfd, const char *path)
{
    char abs[FPATH];
    size_t len = 0;
    int i, saved = errno;

    if (fd < 0)
        return;
    forget(fd);
    if (prefix_len && resolve(dirfd, path, abs, sizeof abs) == 0 &&
        under(abs)) {
        for (i = 0; i < NFD; i++) {
            if (!tracked[i].path[0]) {
                tracked[i].fd = fd;
                cat(tracked[i].path, sizeof tracked[i].path, &len, abs);
                break;
            }
        }
    }
    errno = saved;
}

/* copied - NEWFD is now a copy of OLDFD: track it when OLDFD is tracked */
static void copied(int oldfd, int newfd)
{
    size_t len = 0;
    int i = slot(oldfd), j;

    if (newfd < 0 || newfd == oldfd)
        return;
    forget(newfd);
    if (i < 0)
        return;
    for (j = 0; j < NFD; j++) {
        if (!tracked[j].path[0]) {
            tracked[j].fd = newfd;
            cat(tracked[j].path, sizeof tracked[j].path, &len,
                tracked[i].path);
            break;
        }
    }
}

/* fail - set errno to ERR and return -1 */
static int fail(int err)
{
    errno = err;
    return -1;
}

/* ---- open family ---- */

#define OPEN_MODE(flags, mode, last)                                        \
    do {                                                                    \
        if (NEEDS_MODE(flags)) {                                            \
            va_list ap;                                                     \
            va_start(ap, last);                                             \
            (mode) = (mode_t)va_arg(ap, int);                               \
            va_end(ap);                                                     \
        }                                                                   \
    } while (0)

/* do_openat - the shared body of the open wrappers */
static int do_openat(int dirfd, const char *path, int flags, mode_t mode,
                     int (*fn_at)(int, const char *, int, ...),
                     int (*fn)(const char *, int, ...))
{
    int err = path_call(F_OPEN, dirfd, path), fd;

    if (err)
        return fail(err);
    if (fn)
        fd = fn(path, flags, mode);
    else if (fn_at)
        fd = fn_at(dirfd, path, flags, mode);
    else
        fd = (int)syscall(SYS_openat, dirfd, path, flags, mode);
    opened(fd, dirfd, path);
    return fd;
}

int open(const char *path, int flags, ...)
{
    mode_t mode = 0;

    OPEN_MODE(flags, mode, flags);
    return do_openat(AT_FDCWD, path, flags, mode, NULL,
                     have_open() ? real_open : NULL);
}

int open64(const char *path, int flags, ...)
{
    mode_t mode = 0;

    OPEN_MODE(flags, mode, flags);
    return do_openat(AT_FDCWD, path, flags, mode, NULL,
                     have_open64() ? real_open64 : NULL);
}

int openat(int dirfd, const char *path, int flags, ...)
{
    mode_t mode = 0;

    OPEN_MODE(flags, mode, flags);
    return do_openat(dirfd, path, flags, mode,
                     have_openat() ? real_openat : NULL, NULL);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
    mode_t mode = 0;

    OPEN_MODE(flags, mode, flags);
    return do_openat(dirfd, path, flags, mode,
                     have_openat64() ? real_openat64 : NULL, NULL);
}

int __open_2(const char *path, int flags);
int __open_2(const char *path, int flags)
{
    int err = path_call(F_OPEN, AT_FDCWD, path), fd;

    if (err)
        return fail(err);
    fd = have___open_2() ? real___open_2(path, flags)
                         : (int)syscall(SYS_openat, AT_FDCWD, path, flags);
    opened(fd, AT_FDCWD, path);
    return fd;
}

int __open64_2(const char *path, int flags);
int __open64_2(const char *path, int flags)
{
    int err = path_call(F_OPEN, AT_FDCWD, path), fd;

    if (err)
        return fail(err);
    fd = have___open64_2() ? real___open64_2(path, flags)
                           : (int)syscall(SYS_openat, AT_FDCWD, path, flags);
    opened(fd, AT_FDCWD, path);
    return fd;
}

int __openat_2(int dirfd, const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags)
{
    int err = path_call(F_OPEN, dirfd, path), fd;

    if (err)
        return fail(err);
    fd = have___openat_2() ? real___openat_2(dirfd, path, flags)
                           : (int)syscall(SYS_openat, dirfd, path, flags);
    opened(fd, dirfd, path);
    return fd;
}

int __openat64_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags)
{
    int err = path_call(F_OPEN, dirfd, path), fd;

    if (err)
        return fail(err);
    fd = have___openat64_2() ? real___openat64_2(dirfd, path, flags)
                             : (int)syscall(SYS_openat, dirfd, path, flags);
    opened(fd, dirfd, path);
    return fd;
}

/* do_creat - the shared body of creat and creat64 */
static int do_creat(const char *path, mode_t mode,
                    int (*fn)(const char *, mode_t))
{
    int err = path_call(F_OPEN, AT_FDCWD, path), fd;

    if (err)
        return fail(err);
    fd = fn ? fn(path, mode)
            : (int)syscall(SYS_openat, AT_FDCWD, path,
                           O_WRONLY | O_CREAT | O_TRUNC, mode);
    opened(fd, AT_FDCWD, path);
    return fd;
}

int creat(const char *path, mode_t mode)
{
    return do_creat(path, mode, have_creat() ? real_creat : NULL);
}

int creat64(const char *path, mode_t mode)
{
    return do_creat(path, mode, have_creat64() ? real_creat64 : NULL);
}

/* do_fopen - the shared body of fopen and fopen64 */
static FILE *do_fopen(const char *path, const char *how,
                      FILE *(*fn)(const char *, const char *))
{
    int err = path_call(F_OPEN, AT_FDCWD, path);
    FILE *fp;

    if (err) {
        errno = err;
        return NULL;
    }
    if (!fn) {
        errno = ENOSYS;
        return NULL;
    }
    fp = fn(path, how);
    if (fp)
        opened(fileno(fp), AT_FDCWD, path);
    return fp;
}

FILE *fopen(const char *path, const char *how)
{
    return do_fopen(path, how, have_fopen() ? real_fopen : NULL);
}

FILE *fopen64(const char *path, const char *how)
{
    return do_fopen(path, how, have_fopen64() ? real_fopen64 : NULL);
}

/* do_mkstemp - the shared body of the mkstemp family */
static int do_mkstemp(char *tmpl, int flags, int (*fn)(char *),
                      int (*fn_flags)(char *, int))
{
    int err = path_call(F_OPEN, AT_FDCWD, tmpl), fd;

    if (err)
        return fail(err);
    if (fn)
        fd = fn(tmpl);
    else if (fn_flags)
        fd = fn_flags(tmpl, flags);
    else
        return fail(ENOSYS);
    opened(fd, AT_FDCWD, tmpl);
    return fd;
}

int mkstemp(char *tmpl)
{
    return do_mkstemp(tmpl, 0, have_mkstemp() ? real_mkstemp : NULL, NULL);
}

int mkstemp64(char *tmpl)
{
    return do_mkstemp(tmpl, 0, have_mkstemp64() ? real_mkstemp64 : NULL,
                      NULL);
}

int mkostemp(char *tmpl, int flags)
{
    return do_mkstemp(tmpl, flags, NULL,
                      have_mkostemp() ? real_mkostemp : NULL);
}

int mkostemp64(char *tmpl, int flags)
{
    return do_mkstemp(tmpl, flags, NULL,
                      have_mkostemp64() ? real_mkostemp64 : NULL);
}

/* ---- pwrite family ---- */

ssize_t write(int fd, const void *buf, size_t n)
{
    int err = fd_call(F_PWRITE, fd);

    if (err)
        return fail(err);
    if (have_write())
        return real_write(fd, buf, n);
    return syscall(SYS_write, fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    int err = fd_call(F_PWRITE, fd);

    if (err)
        return fail(err);
    if (have_pwrite())
        return real_pwrite(fd, buf, n, off);
    return syscall(SYS_pwrite64, fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
    int err = fd_call(F_PWRITE, fd);

    if (err)
        return fail(err);
    if (have_pwrite64())
        return real_pwrite64(fd, buf, n, off);
    return syscall(SYS_pwrite64, fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int n)
{
    int err = fd_call(F_PWRITE, fd);

    if (err)
        return fail(err);
    if (have_writev())
        return real_writev(fd, iov, n);
    return syscall(SYS_writev, fd, iov, n);
}

ssize_t pwritev(int fd, const struct iovec *iov, int n, off_t off)
{
    int err = fd_call(F_PWRITE, fd);

    if (err)
        return fail(err);
    return have_pwritev() ? real_pwritev(fd, iov, n, off) : fail(ENOSYS);
}

ssize_t pwritev64(int fd, const struct iovec *iov, int n, off64_t off)
{
    int err = fd_call(F_PWRITE, fd);

    if (err)
        return fail(err);
    return have_pwritev64() ? real_pwritev64(fd, iov, n, off) : fail(ENOSYS);
}

ssize_t pwritev2(int fd, const struct iovec *iov, int n, off_t off, int fl)
{
    int err = fd_call(F_PWRITE, fd);

    if (err)
        return fail(err);
    return have_pwritev2() ? real_pwritev2(fd, iov, n, off, fl)
                           : fail(ENOSYS);
}

ssize_t sendfile(int out, int in, off_t *off, size_t n)
{
    int err = fd_call(F_PWRITE, out);

    if (err)
        return fail(err);
    return have_sendfile() ? real_sendfile(out, in, off, n) : fail(ENOSYS);
}

ssize_t sendfile64(int out, int in, off64_t *off, size_t n)
{
    int err = fd_call(F_PWRITE, out);

    if (err)
        return fail(err);
    return have_sendfile64() ? real_sendfile64(out, in, off, n)
                             : fail(ENOSYS);
}

ssize_t copy_file_range(int in, off64_t *inoff, int out, off64_t *outoff,
                        size_t n, unsigned int fl)
{
    int err = fd_call(F_PWRITE, out);

    if (err)
        return fail(err);
    return have_copy_file_range()
               ? real_copy_file_range(in, inoff, out, outoff, n, fl)
               : fail(ENOSYS);
}

ssize_t splice(int in, off64_t *inoff, int out, off64_t *outoff, size_t n,
               unsigned int fl)
{
    int err = fd_call(F_PWRITE, out);

    if (err)
        return fail(err);
    return have_splice() ? real_splice(in, inoff, out, outoff, n, fl)
                         : fail(ENOSYS);
}

/* ---- fsync, close, ftruncate ---- */

int fsync(int fd)
{
    int err = fd_call(F_FSYNC, fd);

    if (err)
        return fail(err);
    return have_fsync() ? real_fsync(fd) : (int)syscall(SYS_fsync, fd);
}

int fdatasync(int fd)
{
    int err = fd_call(F_FSYNC, fd);

    if (err)
        return fail(err);
    return have_fdatasync() ? real_fdatasync(fd)
                            : (int)syscall(SYS_fdatasync, fd);
}

int close(int fd)
{
    int err = fd_call(F_CLOSE, fd), rc;

    forget(fd);
    rc = have_close() ? real_close(fd) : (int)syscall(SYS_close, fd);
    /* the descriptor is gone either way, as with a real EIO from close */
    return err ? fail(err) : rc;
}

int fclose(FILE *fp)
{
    int fd = fp ? fileno(fp) : -1, err = fd_call(F_CLOSE, fd), rc;

    forget(fd);
    if (!have_fclose())
        return fail(ENOSYS);
    rc = real_fclose(fp);
    if (err) {
        errno = err;
        return EOF;
    }
    return rc;
}

int ftruncate(int fd, off_t len)
{
    int err = fd_call(F_FTRUNCATE, fd);

    if (err)
        return fail(err);
    return have_ftruncate() ? real_ftruncate(fd, len)
                            : (int)syscall(SYS_ftruncate, fd, len);
}

int ftruncate64(int fd, off64_t len)
{
    int err = fd_call(F_FTRUNCATE, fd);

    if (err)
        return fail(err);
    return have_ftruncate64() ? real_ftruncate64(fd, len)
                              : (int)syscall(SYS_ftruncate, fd, len);
}

/* ---- path calls ---- */

int rename(const char *from, const char *to)
{
    int err = path2_call(F_RENAME, AT_FDCWD, from, AT_FDCWD, to);

    if (err)
        return fail(err);
    return have_rename() ? real_rename(from, to)
                         : (int)syscall(SYS_renameat2, AT_FDCWD, from,
                                        AT_FDCWD, to, 0);
}

int renameat(int fd1, const char *from, int fd2, const char *to)
{
    int err = path2_call(F_RENAME, fd1, from, fd2, to);

    if (err)
        return fail(err);
    return have_renameat() ? real_renameat(fd1, from, fd2, to)
                           : (int)syscall(SYS_renameat2, fd1, from, fd2, to,
                                          0);
}

int renameat2(int fd1, const char *from, int fd2, const char *to,
              unsigned int flags)
{
    int err = path2_call(F_RENAME, fd1, from, fd2, to);

    if (err)
        return fail(err);
    return have_renameat2() ? real_renameat2(fd1, from, fd2, to, flags)
                            : (int)syscall(SYS_renameat2, fd1, from, fd2, to,
                                           flags);
}

int link(const char *from, const char *to)
{
    int err = path2_call(F_LINK, AT_FDCWD, from, AT_FDCWD, to);

    if (err)
        return fail(err);
    return have_link() ? real_link(from, to)
                       : (int)syscall(SYS_linkat, AT_FDCWD, from, AT_FDCWD,
                                      to, 0);
}

int linkat(int fd1, const char *from, int fd2, const char *to, int flags)
{
    int err = path2_call(F_LINK, fd1, from, fd2, to);

    if (err)
        return fail(err);
    return have_linkat() ? real_linkat(fd1, from, fd2, to, flags)
                         : (int)syscall(SYS_linkat, fd1, from, fd2, to,
                                        flags);
}

int unlink(const char *path)
{
    int err = path_call(F_UNLINK, AT_FDCWD, path);

    if (err)
        return fail(err);
    return have_unlink() ? real_unlink(path)
                         : (int)syscall(SYS_unlinkat, AT_FDCWD, path, 0);
}

int unlinkat(int dirfd, const char *path, int flags)
{
    int err = path_call(F_UNLINK, dirfd, path);

    if (err)
        return fail(err);
    return have_unlinkat() ? real_unlinkat(dirfd, path, flags)
                           : (int)syscall(SYS_unlinkat, dirfd, path, flags);
}

int mkdir(const char *path, mode_t mode)
{
    int err = path_call(F_MKDIR, AT_FDCWD, path);

    if (err)
        return fail(err);
    return have_mkdir() ? real_mkdir(path, mode)
                        : (int)syscall(SYS_mkdirat, AT_FDCWD, path, mode);
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
    int err = path_call(F_MKDIR, dirfd, path);

    if (err)
        return fail(err);
    return have_mkdirat() ? real_mkdirat(dirfd, path, mode)
                          : (int)syscall(SYS_mkdirat, dirfd, path, mode);
}

/* ---- descriptor copies: tracked, never counted ---- */

int dup(int fd)
{
    int nfd = have_dup() ? real_dup(fd) : (int)syscall(SYS_dup, fd);

    copied(fd, nfd);
    return nfd;
}

int dup2(int fd, int nfd)
{
    int rc = have_dup2() ? real_dup2(fd, nfd)
                         : (int)syscall(SYS_dup3, fd, nfd, 0);

    copied(fd, rc);
    return rc;
}

int dup3(int fd, int nfd, int flags)
{
    int rc = have_dup3() ? real_dup3(fd, nfd, flags)
                         : (int)syscall(SYS_dup3, fd, nfd, flags);

    copied(fd, rc);
    return rc;
}

/* do_fcntl - the shared body of fcntl and fcntl64 */
static int do_fcntl(int fd, int cmd, void *arg, int (*fn)(int, int, ...))
{
    int rc = fn ? fn(fd, cmd, arg) : (int)syscall(SYS_fcntl, fd, cmd, arg);

    if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
        copied(fd, rc);
    return rc;
}

int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    void *arg;

    va_start(ap, cmd);
    arg = va_arg(ap, void *);
    va_end(ap);
    return do_fcntl(fd, cmd, arg, have_fcntl() ? real_fcntl : NULL);
}

int fcntl64(int fd, int cmd, ...);
int fcntl64(int fd, int cmd, ...)
{
    va_list ap;
    void *arg;

    va_start(ap, cmd);
    arg = va_arg(ap, void *);
    va_end(ap);
    return do_fcntl(fd, cmd, arg, have_fcntl64() ? real_fcntl64 : NULL);
}
