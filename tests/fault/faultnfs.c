/*
 * faultnfs.c - LD_PRELOAD shim that makes one libnfs call fail
 *
 * Used by tests/t0830-nfs-fault.sh to prove that every NFS call of a
 * Maildir delivery is checked, as tests/fault/faultfs.c does for the
 * local driver.  It interposes the synchronous libnfs 4.x calls that
 * store/nfs.c makes, counts them by name, and makes the FAULT_NTH-th
 * call named FAULT_CALL fail the way libnfs reports failures: -errno.
 *
 * Environment (read once, when the library is loaded):
 *   FAULT_CALL   name of the call to break: mount, open (nfs_open and
 *                nfs_open2), pwrite, pread, fsync, fstat, close, stat,
 *                mkdir, link, unlink, rename, ftruncate, opendir, utimes
 *                (the libnfs names, "nfs_link" or "nfs_stat64", are
 *                accepted too); "count" or unset breaks nothing
 *   FAULT_NTH    which call of that name fails (1 = first; 0 = none)
 *   FAULT_ERRNO  EIO (default), ENOSPC, EDQUOT, EACCES, ESTALE, ... or a
 *                number; ETIMEDOUT is returned as -EINTR, which is how
 *                libnfs reports "Command timed out"
 *   FAULT_MODE   "before" (default): the call is not made, it fails;
 *                "after": the call is made, then its reply is "lost":
 *                it reports -EINTR (or FAULT_ERRNO when set), so the
 *                server did the work while the caller sees a timeout
 *   FAULT_LOG    every call appends "<name> <k> <path> [<path2>]", k
 *                counting calls of that name from 1; calls on a file
 *                handle name the path it was opened with ("?" if
 *                unknown); paths are relative to the mount, as libnfs
 *                sees them; mount logs its export.  The call that fails
 *                adds "FAULT <name> <k> <errno name> <mode>"
 *
 * An injected failure also sets what nfs_get_error() says next
 * ("faultnfs: injected ..."), so lda's status line is not given the
 * words of some earlier, unrelated error.
 *
 * nfs_close always releases the handle (the real call is made) and then
 * reports the failure, as a real CLOSE that fails still frees it.  An
 * open or opendir whose reply is "lost" (FAULT_MODE=after) is closed
 * here, since the caller never learns of the handle; the file it created
 * stays on the server, as after a real lost reply.
 *
 * The shim is meant for single-threaded programs (lda).  It is not
 * built with sanitizers; under AddressSanitizer run the program with
 * ASAN_OPTIONS=verify_asan_link_order=0.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <nfsc/libnfs.h>

#define FPATH 1024      /* longest path logged */
#define NFH 64          /* open handles tracked at once */

enum call { C_MOUNT, C_OPEN, C_PWRITE, C_PREAD, C_FSYNC, C_FSTAT, C_CLOSE,
            C_STAT, C_MKDIR, C_LINK, C_UNLINK, C_RENAME, C_FTRUNCATE,
            C_OPENDIR, C_UTIMES, C_COUNT_ };

static const char *const call_name[C_COUNT_] = {
    [C_MOUNT] = "mount", [C_OPEN] = "open", [C_PWRITE] = "pwrite",
    [C_PREAD] = "pread", [C_FSYNC] = "fsync", [C_FSTAT] = "fstat",
    [C_CLOSE] = "close", [C_STAT] = "stat", [C_MKDIR] = "mkdir",
    [C_LINK] = "link", [C_UNLINK] = "unlink", [C_RENAME] = "rename",
    [C_FTRUNCATE] = "ftruncate", [C_OPENDIR] = "opendir",
    [C_UTIMES] = "utimes",
};

/* libnfs names accepted in FAULT_CALL besides the short ones */
static const struct { const char *name; enum call c; } alias[] = {
    { "nfs_mount", C_MOUNT }, { "nfs_open", C_OPEN },
    { "nfs_open2", C_OPEN }, { "nfs_pwrite", C_PWRITE },
    { "nfs_pread", C_PREAD }, { "nfs_fsync", C_FSYNC },
    { "nfs_fstat64", C_FSTAT }, { "fstat64", C_FSTAT },
    { "nfs_close", C_CLOSE }, { "nfs_stat64", C_STAT },
    { "stat64", C_STAT }, { "nfs_mkdir2", C_MKDIR }, { "mkdir2", C_MKDIR },
    { "nfs_link", C_LINK }, { "nfs_unlink", C_UNLINK },
    { "nfs_rename", C_RENAME }, { "nfs_ftruncate", C_FTRUNCATE },
    { "nfs_opendir", C_OPENDIR }, { "nfs_utimes", C_UTIMES },
};

static const struct { const char *name; int err; } errno_name[] = {
    { "EIO", EIO }, { "ENOSPC", ENOSPC }, { "EDQUOT", EDQUOT },
    { "EACCES", EACCES }, { "EPERM", EPERM }, { "EROFS", EROFS },
    { "ENOENT", ENOENT }, { "EEXIST", EEXIST }, { "EINTR", EINTR },
    { "ETIMEDOUT", ETIMEDOUT }, { "ESTALE", ESTALE }, { "EAGAIN", EAGAIN },
    { "ENOMEM", ENOMEM }, { "EFBIG", EFBIG }, { "ERANGE", ERANGE },
    { "ENOTCONN", ENOTCONN }, { "ECONNRESET", ECONNRESET },
    { "EPIPE", EPIPE },
};

/* settings, filled once by faultnfs_init() */
static int fault_call = -1;
static long fault_nth;
static int fault_errno = EIO;
static int mode_after;
static char fault_log[FPATH];

static long calls[C_COUNT_];

static struct { struct nfsfh *fh; char path[FPATH]; } tracked[NFH];

/* what nfs_get_error() says after an injected failure */
static char injected[FPATH + 128];
static int injected_set;

/* ---- the real calls ---- */

#define REAL(ret, name, params)                                             \
    static ret (*real_##name) params;                                      \
    static ret (*get_##name(void)) params                                  \
    {                                                                      \
        if (!real_##name)                                                  \
            real_##name = (ret (*) params)dlsym(RTLD_NEXT, #name);         \
        return real_##name;                                                \
    }

REAL(int, nfs_mount, (struct nfs_context *, const char *, const char *))
REAL(int, nfs_open, (struct nfs_context *, const char *, int,
                     struct nfsfh **))
REAL(int, nfs_open2, (struct nfs_context *, const char *, int, int,
                      struct nfsfh **))
REAL(int, nfs_pwrite, (struct nfs_context *, struct nfsfh *, uint64_t,
                       uint64_t, const void *))
REAL(int, nfs_pread, (struct nfs_context *, struct nfsfh *, uint64_t,
                      uint64_t, void *))
REAL(int, nfs_fsync, (struct nfs_context *, struct nfsfh *))
REAL(int, nfs_fstat64, (struct nfs_context *, struct nfsfh *,
                        struct nfs_stat_64 *))
REAL(int, nfs_close, (struct nfs_context *, struct nfsfh *))
REAL(int, nfs_stat64, (struct nfs_context *, const char *,
                       struct nfs_stat_64 *))
REAL(int, nfs_mkdir2, (struct nfs_context *, const char *, int))
REAL(int, nfs_link, (struct nfs_context *, const char *, const char *))
REAL(int, nfs_unlink, (struct nfs_context *, const char *))
REAL(int, nfs_rename, (struct nfs_context *, const char *, const char *))
REAL(int, nfs_ftruncate, (struct nfs_context *, struct nfsfh *, uint64_t))
REAL(int, nfs_opendir, (struct nfs_context *, const char *,
                        struct nfsdir **))
REAL(void, nfs_closedir, (struct nfs_context *, struct nfsdir *))
REAL(int, nfs_utimes, (struct nfs_context *, const char *,
                       struct timeval *))
REAL(char *, nfs_get_error, (struct nfs_context *))

/* ---- settings ---- */

/* parse_call - the call FAULT_CALL names, or -1 */
static int parse_call(const char *s)
{
    size_t i;

    for (i = 0; i < C_COUNT_; i++)
        if (strcmp(s, call_name[i]) == 0)
            return (int)i;
    for (i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
        if (strcmp(s, alias[i].name) == 0)
            return (int)alias[i].c;
    return -1;
}

/* parse_errno - an errno from its name or number; EIO if unknown */
static int parse_errno(const char *s)
{
    size_t i;
    char *end;
    long v;

    for (i = 0; i < sizeof(errno_name) / sizeof(errno_name[0]); i++)
        if (strcmp(s, errno_name[i].name) == 0)
            return errno_name[i].err;
    v = strtol(s, &end, 10);
    return *s && !*end && v > 0 && v < 4096 ? (int)v : EIO;
}

/* errno_label - the name of err, for the log */
static const char *errno_label(int err)
{
    size_t i;

    for (i = 0; i < sizeof(errno_name) / sizeof(errno_name[0]); i++)
        if (errno_name[i].err == err)
            return errno_name[i].name;
    return "errno";
}

__attribute__((constructor))
static void faultnfs_init(void)
{
    const char *s;

    if ((s = getenv("FAULT_CALL")) != NULL && strcmp(s, "count") != 0)
        fault_call = parse_call(s);
    if ((s = getenv("FAULT_NTH")) != NULL)
        fault_nth = strtol(s, NULL, 10);
    if ((s = getenv("FAULT_MODE")) != NULL && strcmp(s, "after") == 0) {
        mode_after = 1;
        fault_errno = ETIMEDOUT;        /* a lost reply looks like this */
    }
    if ((s = getenv("FAULT_ERRNO")) != NULL && *s)
        fault_errno = parse_errno(s);
    if ((s = getenv("FAULT_LOG")) != NULL)
        snprintf(fault_log, sizeof(fault_log), "%s", s);
}

/* ---- the log ---- */

/* log_line - append one line to FAULT_LOG, errno kept */
static void log_line(const char *line)
{
    int saved = errno, fd;
    size_t len = strlen(line), off = 0;
    ssize_t n;

    if (!fault_log[0])
        return;
    fd = open(fault_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
    if (fd >= 0) {
        while (off < len && (n = write(fd, line + off, len - off)) > 0)
            off += (size_t)n;
        close(fd);
    }
    errno = saved;
}

/* ---- handles ---- */

/* fh_path - the path FH was opened with, or "?" */
static const char *fh_path(const struct nfsfh *fh)
{
    int i;

    for (i = 0; i < NFH; i++)
        if (tracked[i].fh == fh && fh != NULL)
            return tracked[i].path;
    return "?";
}

/* track - remember the path FH was opened with */
static void track(struct nfsfh *fh, const char *path)
{
    int i;

    for (i = 0; i < NFH; i++) {
        if (tracked[i].fh == NULL) {
            tracked[i].fh = fh;
            snprintf(tracked[i].path, sizeof(tracked[i].path), "%s", path);
            return;
        }
    }
}

/* forget - FH is gone */
static void forget(const struct nfsfh *fh)
{
    int i;

    for (i = 0; i < NFH; i++)
        if (tracked[i].fh == fh)
            tracked[i].fh = NULL;
}

/* ---- the decision ---- */

enum verdict { PASS, FAIL_BEFORE, FAIL_AFTER };

/*
 * enter - count and log one call; whether it is the one to break.
 * A call starting clears the words of an earlier injected failure.
 */
static enum verdict enter(enum call c, const char *p1, const char *p2)
{
    char line[2 * FPATH + 64];
    long k = ++calls[c];

    injected_set = 0;
    snprintf(line, sizeof(line), "%s %ld %s%s%s\n", call_name[c], k,
             p1 ? p1 : "-", p2 ? " " : "", p2 ? p2 : "");
    log_line(line);
    if ((int)c != fault_call || fault_nth <= 0 || k != fault_nth)
        return PASS;
    snprintf(line, sizeof(line), "FAULT %s %ld %s %s\n", call_name[c], k,
             errno_label(fault_errno), mode_after ? "after" : "before");
    log_line(line);
    return mode_after ? FAIL_AFTER : FAIL_BEFORE;
}

/* failure - what the broken call returns: -errno, as libnfs does */
static int failure(enum call c, enum verdict v)
{
    int err = fault_errno;

    snprintf(injected, sizeof(injected), "faultnfs: %s %s #%ld: %s",
             v == FAIL_AFTER ? "lost the reply of" : "injected failure of",
             call_name[c], calls[c],
             err == ETIMEDOUT ? "Command timed out" : errno_label(err));
    injected_set = 1;
    /* libnfs reports an RPC timeout as -EINTR */
    return err == ETIMEDOUT ? -EINTR : -err;
}

/* missing - a libnfs call the shim could not find */
static int missing(void)
{
    return -ENOSYS;
}

/* PATH_CALL - the body of a wrapper around a call on paths */
#define PATH_CALL(c, p1, p2, fn, ...)                                       \
    do {                                                                   \
        enum verdict v = enter((c), (p1), (p2));                           \
        int rc;                                                            \
                                                                           \
        if (v == FAIL_BEFORE)                                              \
            return failure((c), v);                                        \
        if (!get_##fn())                                                   \
            return missing();                                              \
        rc = real_##fn(__VA_ARGS__);                                       \
        return v == FAIL_AFTER ? failure((c), v) : rc;                     \
    } while (0)

/* ---- the wrappers ---- */

int nfs_mount(struct nfs_context *nfs, const char *server,
              const char *exportname)
{
    PATH_CALL(C_MOUNT, exportname, NULL, nfs_mount, nfs, server, exportname);
}

/* opened - the end of an open wrapper: track, or close a lost handle */
static int opened(struct nfs_context *nfs, enum verdict v, int rc,
                  const char *path, struct nfsfh **fhp)
{
    if (rc < 0)
        return v == FAIL_AFTER ? failure(C_OPEN, v) : rc;
    if (v == FAIL_AFTER) {
        /* The caller never hears of it: release the client's side. */
        if (get_nfs_close())
            (void)real_nfs_close(nfs, *fhp);
        *fhp = NULL;
        return failure(C_OPEN, v);
    }
    track(*fhp, path);
    return rc;
}

int nfs_open2(struct nfs_context *nfs, const char *path, int flags, int mode,
              struct nfsfh **nfsfh)
{
    enum verdict v = enter(C_OPEN, path, NULL);

    if (v == FAIL_BEFORE)
        return failure(C_OPEN, v);
    if (!get_nfs_open2())
        return missing();
    return opened(nfs, v, real_nfs_open2(nfs, path, flags, mode, nfsfh),
                  path, nfsfh);
}

int nfs_open(struct nfs_context *nfs, const char *path, int flags,
             struct nfsfh **nfsfh)
{
    enum verdict v = enter(C_OPEN, path, NULL);

    if (v == FAIL_BEFORE)
        return failure(C_OPEN, v);
    if (!get_nfs_open())
        return missing();
    return opened(nfs, v, real_nfs_open(nfs, path, flags, nfsfh), path,
                  nfsfh);
}

int nfs_pwrite(struct nfs_context *nfs, struct nfsfh *nfsfh, uint64_t offset,
               uint64_t count, const void *buf)
{
    PATH_CALL(C_PWRITE, fh_path(nfsfh), NULL, nfs_pwrite, nfs, nfsfh, offset,
              count, buf);
}

int nfs_pread(struct nfs_context *nfs, struct nfsfh *nfsfh, uint64_t offset,
              uint64_t count, void *buf)
{
    PATH_CALL(C_PREAD, fh_path(nfsfh), NULL, nfs_pread, nfs, nfsfh, offset,
              count, buf);
}

int nfs_fsync(struct nfs_context *nfs, struct nfsfh *nfsfh)
{
    PATH_CALL(C_FSYNC, fh_path(nfsfh), NULL, nfs_fsync, nfs, nfsfh);
}

int nfs_fstat64(struct nfs_context *nfs, struct nfsfh *nfsfh,
                struct nfs_stat_64 *st)
{
    PATH_CALL(C_FSTAT, fh_path(nfsfh), NULL, nfs_fstat64, nfs, nfsfh, st);
}

int nfs_ftruncate(struct nfs_context *nfs, struct nfsfh *nfsfh,
                  uint64_t length)
{
    PATH_CALL(C_FTRUNCATE, fh_path(nfsfh), NULL, nfs_ftruncate, nfs, nfsfh,
              length);
}

/* nfs_close - the handle is released either way, then the fault told */
int nfs_close(struct nfs_context *nfs, struct nfsfh *nfsfh)
{
    enum verdict v = enter(C_CLOSE, fh_path(nfsfh), NULL);
    int rc;

    forget(nfsfh);
    if (!get_nfs_close())
        return missing();
    rc = real_nfs_close(nfs, nfsfh);
    return v != PASS ? failure(C_CLOSE, v) : rc;
}

int nfs_stat64(struct nfs_context *nfs, const char *path,
               struct nfs_stat_64 *st)
{
    PATH_CALL(C_STAT, path, NULL, nfs_stat64, nfs, path, st);
}

int nfs_mkdir2(struct nfs_context *nfs, const char *path, int mode)
{
    PATH_CALL(C_MKDIR, path, NULL, nfs_mkdir2, nfs, path, mode);
}

int nfs_link(struct nfs_context *nfs, const char *oldpath,
             const char *newpath)
{
    PATH_CALL(C_LINK, oldpath, newpath, nfs_link, nfs, oldpath, newpath);
}

int nfs_unlink(struct nfs_context *nfs, const char *path)
{
    PATH_CALL(C_UNLINK, path, NULL, nfs_unlink, nfs, path);
}

int nfs_rename(struct nfs_context *nfs, const char *oldpath,
               const char *newpath)
{
    PATH_CALL(C_RENAME, oldpath, newpath, nfs_rename, nfs, oldpath, newpath);
}

int nfs_utimes(struct nfs_context *nfs, const char *path,
               struct timeval *times)
{
    PATH_CALL(C_UTIMES, path, NULL, nfs_utimes, nfs, path, times);
}

int nfs_opendir(struct nfs_context *nfs, const char *path,
                struct nfsdir **nfsdir)
{
    enum verdict v = enter(C_OPENDIR, path, NULL);
    int rc;

    if (v == FAIL_BEFORE)
        return failure(C_OPENDIR, v);
    if (!get_nfs_opendir())
        return missing();
    rc = real_nfs_opendir(nfs, path, nfsdir);
    if (v == FAIL_AFTER) {
        if (rc >= 0 && get_nfs_closedir())
            real_nfs_closedir(nfs, *nfsdir);
        *nfsdir = NULL;
        return failure(C_OPENDIR, v);
    }
    return rc;
}

/* nfs_get_error - the shim's words right after it broke a call */
char *nfs_get_error(struct nfs_context *nfs)
{
    if (injected_set)
        return injected;
    return get_nfs_get_error() ? real_nfs_get_error(nfs) : injected;
}
