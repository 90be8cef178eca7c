/*
 * nfs.c - the NFS storage driver: the server reached through libnfs
 *
 * maildir = nfs://server/export/%d/%n/Maildir?version=4 delivers over
 * NFS with no kernel mount.  Each delivery mounts the fixed part of the
 * path (everything before the first %-variable), so that directory
 * must exist on the server, just as a local base directory must.
 *
 * What libnfs does not do by itself, done here:
 *  - every call is bounded: nfs_set_timeout(nfs_timeout), no resending
 *    of a call that timed out, no silent reconnect;
 *  - a context that timed out or lost its connection is dead for good,
 *    so it is replaced by a fresh mount once, for the calls that must
 *    still reach the server (cleanup, and checking whether a move that
 *    failed in transit happened after all); after that, calls fail at
 *    once, and the delivery ends in 4.x.x within about two timeouts;
 *  - writes go in pieces the library can send (nfs_compat.h);
 *  - the move into new/ is LINK then REMOVE: RENAME would replace a
 *    file of the same name, LINK fails instead.  When LINK's answer is
 *    lost, the two names are compared by file id to learn the truth.
 *
 * Directory changes need no fsync here, and NFS has none to offer: the
 * server commits CREATE, LINK, REMOVE and RENAME to stable storage
 * before it answers (required of version 3 by RFC 1813 section 1.6;
 * Linux's nfsd does the same for version 4).  File data is made stable
 * by COMMIT (nfs_fsync), and the caller checks the size after it.
 */
#define _GNU_SOURCE             /* RTLD_DEFAULT */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "nfs.h"
#include "nfs_compat.h"

/* The driver's lda.conf keys (lda/config.c composes them in). */
const struct conf_key nfs_keys[] = {
    {"nfs_timeout", CONF_TIME, CONF_FIELD(struct nfs_settings, timeout),
     "5s", NULL},
    {NULL, CONF_STR, 0, 0, NULL, NULL},
};

#define NFS_REVIVES 1           /* fresh mounts after the first dies */
#define NFS_GRAVES 16           /* dead contexts and handles kept */
/* Writes are gathered into WRITEs of this size (see nfsb_pwrite). */
#define NFS_WBUF (NFSC_WRITE_MAX < 65536u ? NFSC_WRITE_MAX : 65536u)

struct nfsb {
    struct nfs_context *nfs;
    char url[BACKEND_PATH + 800];   /* what is mounted */
    char base[BACKEND_PATH];    /* its path, "" for the server's root */
    size_t baselen;
    char host[64];
    unsigned timeout;
    unsigned gen;               /* which mount: handles die with theirs */
    int dead;                   /* errno that killed the mount, or 0 */
    int revives;
    char why[256];              /* the server's words for the last error */
};

struct bfile {
    struct nfsfh *fh;
    unsigned gen;
    char *wbuf;                 /* a created file's writes not yet sent;
                                 * NULL for a file opened for update */
    size_t wlen;
    uint64_t woff;              /* where wbuf goes in the file */
    char path[];                /* its name in the mount */
};

/*
 * A dead libnfs context cannot be destroyed safely: destroying it runs
 * the callbacks of the requests it abandoned, whose data lived on the
 * stack of calls that have long returned.  Nor can its file handles be
 * closed without waiting for the dead server again.  They are kept
 * here, still reachable, until the process ends, which it does right
 * after its one delivery.
 */
static void *graves[NFS_GRAVES];

/* bury - keep a dead context or handle until exit */
static void bury(void *p)
{
    size_t i;

    for (i = 0; p != NULL && i < NFS_GRAVES; i++)
        if (graves[i] == NULL) {
            graves[i] = p;
            return;
        }
}

#ifndef LDA_LIBNFS_SONAME
#define LDA_LIBNFS_SONAME "libnfs.so"
#endif

struct nfsc_lib nfsc;

/*
 * nfsc_load - load libnfs and find its calls, once.  They are looked up
 * in the global scope, so a preloaded library (the tests' fault shim)
 * comes first, as it would for a linked one.
 */
int nfsc_load(struct status *st)
{
    static int loaded;
    void *sym;

    if (loaded)
        return 0;
    if (dlopen(LDA_LIBNFS_SONAME, RTLD_NOW | RTLD_GLOBAL) == NULL)
        return status_set(st, "4.3.0", "nfs: cannot load %s: %s",
                          LDA_LIBNFS_SONAME, dlerror());
#define NFSC_FIND(f) \
    if ((sym = dlsym(RTLD_DEFAULT, #f)) == NULL) \
        return status_set(st, "4.3.0", "nfs: %s lacks %s", \
                          LDA_LIBNFS_SONAME, #f); \
    memcpy(&nfsc.f, &sym, sizeof(sym));
    NFSC_CALLS(NFSC_FIND)
#undef NFSC_FIND
    loaded = 1;
    return 0;
}

/* nb - the driver state */
static struct nfsb *nb_of(struct backend *b)
{
    return b->ctx;
}

/*
 * fail - a libnfs error as errno, with the server's words kept for the
 * status line; a timeout or a lost connection kills the mount
 */
static int fail(struct nfsb *nb, int rc)
{
    int err = rc < 0 ? -rc : EIO;
    const char *why = nfsc.nfs_get_error(nb->nfs);

    if (err == EINTR)           /* libnfs: "Command timed out" */
        err = ETIMEDOUT;
    snprintf(nb->why, sizeof(nb->why), "nfs: %s", why ? why : "?");
    status_detail(err, "%s", nb->why);
    if (err == ETIMEDOUT || err == EIO || err == EPIPE || err == ECONNRESET
        || err == ENOTCONN || err == ECONNREFUSED)
        nb->dead = err;
    errno = err;
    return -1;
}

/* mount_fresh - a new context, bounded, mounted; the status on failure */
static int mount_fresh(struct nfsb *nb, struct status *st)
{
    struct nfs_url *url;
    char client[128];
    int rc;

    if ((nb->nfs = nfsc.nfs_init_context()) == NULL)
        return status_set(st, "4.3.0", "nfs: cannot make a context");
    if ((url = nfsc.nfs_parse_url_dir(nb->nfs, nb->url)) == NULL) {
        status_set(st, "4.3.5", "maildir URL '%s': %s", nb->url,
                   nfsc.nfs_get_error(nb->nfs));
        goto fail;
    }
    /* After the URL, which could otherwise turn these back on. */
    nfsc.nfs_set_timeout(nb->nfs, (int)nb->timeout * 1000);
    nfsc.nfs_set_autoreconnect(nb->nfs, 0);
    nfsc_no_retrans(nb->nfs);
    /* NFSv4 clients need names of their own, or they share state. */
    snprintf(client, sizeof(client), "lda.%s.%ld.%u", nb->host,
             (long)getpid(), nb->gen);
    nfsc.nfs4_set_client_name(nb->nfs, client);
    rc = nfsc.nfs_mount(nb->nfs, url->server, url->path);
    nfsc.nfs_destroy_url(url);
    if (rc < 0) {
        fail(nb, rc);
        status_errno(st, errno, "mount %s", nb->url);
        goto fail;
    }
    nb->dead = 0;
    return 0;
fail:
    bury(nb->nfs);
    nb->nfs = NULL;
    return -1;
}

/*
 * enter - every call starts here: a dead mount is replaced, once; its
 * server state lapses with its lease
 */
static int enter(struct nfsb *nb)
{
    struct status st;

    status_detail_clear();
    if (!nb->dead)
        return 0;
    if (nb->revives < NFS_REVIVES) {
        nb->revives++;
        bury(nb->nfs);
        nb->nfs = NULL;
        nb->gen++;
        if (mount_fresh(nb, &st) == 0)
            return 0;
    }
    errno = nb->dead;
    return -1;
}

/* rel - path within the mount; NULL (EXDEV) if outside it */
static const char *rel(struct nfsb *nb, const char *path)
{
    const char *p = path + nb->baselen;

    if (strncmp(path, nb->base, nb->baselen) != 0
        || (*p != '\0' && *p != '/')) {
        errno = EXDEV;
        return NULL;
    }
    return *p ? p : "/";
}

/* ENTER_PATH - start a call on a path: p is its name in the mount */
#define ENTER_PATH(nb, p, path) \
    do { \
        if (enter(nb) < 0 || ((p) = rel((nb), (path))) == NULL) \
            return -1; \
    } while (0)

/*
 * live - whether a file handle can be used on the current mount.  A
 * file opened for update (maildirsize, under its lock) is opened again
 * on a new mount; a file being written (a message) is not: what the
 * dead mount wrote but did not COMMIT may be gone.
 */
static int live(struct nfsb *nb, struct bfile *f)
{
    struct nfsfh *fh;
    int rc;

    if (enter(nb) < 0)
        return 0;
    if (f->gen == nb->gen)
        return 1;
    if (f->wbuf != NULL) {
        errno = ESTALE;
        return 0;
    }
    if ((rc = nfsc.nfs_open2(nb->nfs, f->path, O_RDWR, 0, &fh)) < 0) {
        fail(nb, rc);
        return 0;
    }
    bury(f->fh);
    f->fh = fh;
    f->gen = nb->gen;
    return 1;
}

/* root_creds - whether URL arguments claim uid or gid 0 */
static int root_creds(const char *query)
{
    const char *p = query;

    while (*p) {
        if ((strncmp(p, "uid=", 4) == 0 || strncmp(p, "gid=", 4) == 0)
            && strtoul(p + 4, NULL, 10) == 0)
            return 1;
        p += strcspn(p, "&");
        if (*p == '&')
            p++;
    }
    return 0;
}

static int nfsb_open(struct backend *b, const struct location *loc,
                     const char *base, const struct backend_conf *conf,
                     struct status *st)
{
    struct nfsb *nb;
    size_t len = strlen(base);

    while (len > 0 && base[len - 1] == '/')
        len--;
    /* As locally: lda never writes as root. */
    if (root_creds(loc->query))
        return status_set(st, "4.3.5", "maildir URL: uid=0 and gid=0 are "
                          "refused");
    if (nfsc_load(st) < 0)
        return -1;
    if ((nb = calloc(1, sizeof(*nb))) == NULL)
        return status_errno(st, errno, "nfs");
    memcpy(nb->base, base, len);
    nb->baselen = len;
    snprintf(nb->host, sizeof(nb->host), "%s", conf->host);
    nb->timeout = conf->timeout ? conf->timeout : 1;
    if (snprintf(nb->url, sizeof(nb->url), "%s%s%s%s", loc->server,
                 len ? nb->base : "/", loc->query[0] ? "?" : "",
                 loc->query) >= (int)sizeof(nb->url)) {
        free(nb);
        return status_set(st, "4.3.5", "maildir URL too long");
    }
    if (mount_fresh(nb, st) < 0) {
        free(nb);
        return -1;
    }
    b->ctx = nb;
    return 0;
}

/* wrap - a handle for an open file; one just created gets a buffer */
static int wrap(struct nfsb *nb, struct nfsfh *fh, const char *path,
                int created, struct bfile **out)
{
    struct bfile *f;

    if ((f = calloc(1, sizeof(*f) + strlen(path) + 1)) == NULL
        || (created && (f->wbuf = malloc(NFS_WBUF)) == NULL)) {
        free(f);
        nfsc.nfs_close(nb->nfs, fh);
        errno = ENOMEM;
        return -1;
    }
    f->fh = fh;
    f->gen = nb->gen;
    memcpy(f->path, path, strlen(path) + 1);
    *out = f;
    return 0;
}

/*
 * open_file - OPEN with flags; NFSv4 OPEN refuses a symlink as its name.
 * When an exclusive create's answer is lost, the file may exist all the
 * same: the name is the caller's unique one, so it is removed again.
 */
static int open_file(struct backend *b, const char *path, int flags,
                     int mode, struct bfile **out)
{
    struct nfsb *nb = nb_of(b);
    struct nfsfh *fh;
    const char *p;
    char why[sizeof(nb->why)];
    int rc, err;

    ENTER_PATH(nb, p, path);
    if ((rc = nfsc.nfs_open2(nb->nfs, p, flags, mode, &fh)) >= 0)
        return wrap(nb, fh, p, (flags & O_CREAT) != 0, out);
    fail(nb, rc);
    if ((flags & O_CREAT) && nb->dead) {
        err = errno;
        memcpy(why, nb->why, sizeof(why));
        if (enter(nb) == 0)
            (void)nfsc.nfs_unlink(nb->nfs, p);
        status_detail(err, "%s", why);
        errno = err;
    }
    return -1;
}

/* nfsb_create - exclusive create; not nfs_creat(), read-only in 4.x */
static int nfsb_create(struct backend *b, const char *path, int mode,
                       struct bfile **out)
{
    return open_file(b, path, O_WRONLY | O_CREAT | O_EXCL, mode, out);
}

static int nfsb_open_rw(struct backend *b, const char *path,
                        struct bfile **out)
{
    return open_file(b, path, O_RDWR, 0, out);
}

/* send - WRITE all of p, in pieces the library can carry */
static int send(struct nfsb *nb, struct bfile *f, const char *p, size_t len,
                uint64_t off)
{
    size_t n;
    int rc;

    while (len > 0) {
        n = len < NFSC_WRITE_MAX ? len : NFSC_WRITE_MAX;
        if ((rc = nfsc_pwrite(nb->nfs, f->fh, p, n, off)) < 0)
            return fail(nb, rc);
        if (rc == 0)
            return fail(nb, -EIO);
        p += rc;
        off += (uint64_t)rc;
        len -= (size_t)rc;
    }
    return 0;
}

/* flush - send what nfsb_pwrite gathered; it is dropped on failure */
static int flush(struct nfsb *nb, struct bfile *f)
{
    size_t len = f->wlen;

    f->wlen = 0;
    return len ? send(nb, f, f->wbuf, len, f->woff) : 0;
}

/* ready - live, with every byte written so far sent */
static int ready(struct nfsb *nb, struct bfile *f)
{
    return live(nb, f) && flush(nb, f) == 0;
}

static long nfsb_pread(struct backend *b, struct bfile *f, void *buf,
                       size_t len, uint64_t off)
{
    struct nfsb *nb = nb_of(b);
    int rc;

    if (!ready(nb, f))
        return -1;
    if (len > NFSC_WRITE_MAX)
        len = NFSC_WRITE_MAX;   /* the same size limit holds for READ */
    rc = nfsc_pread(nb->nfs, f->fh, buf, len, off);
    return rc < 0 ? fail(nb, rc) : rc;
}

/*
 * nfsb_pwrite - write all of buf.  For a created file (a message) the
 * bytes are gathered and sent in full-size WRITEs, so neither lda's
 * header lines nor the end of each input block cost a round trip of
 * their own; an error then shows at the next call, at the latest the
 * fsync every delivery makes.  maildirsize is written through at once.
 */
static int nfsb_pwrite(struct backend *b, struct bfile *f, const void *buf,
                       size_t len, uint64_t off)
{
    struct nfsb *nb = nb_of(b);
    const char *p = buf;
    size_t n;

    if (!live(nb, f))
        return -1;
    if (f->wbuf == NULL)
        return send(nb, f, p, len, off);
    if (f->wlen > 0 && off != f->woff + f->wlen && flush(nb, f) < 0)
        return -1;
    while (len > 0) {
        if (f->wlen == 0)
            f->woff = off;
        n = NFS_WBUF - f->wlen < len ? NFS_WBUF - f->wlen : len;
        memcpy(f->wbuf + f->wlen, p, n);
        f->wlen += n;
        p += n;
        off += n;
        len -= n;
        if (f->wlen == NFS_WBUF && flush(nb, f) < 0)
            return -1;
    }
    return 0;
}

static int nfsb_truncate(struct backend *b, struct bfile *f, uint64_t len)
{
    struct nfsb *nb = nb_of(b);
    int rc;

    if (!ready(nb, f))
        return -1;
    rc = nfsc.nfs_ftruncate(nb->nfs, f->fh, len);
    return rc < 0 ? fail(nb, rc) : 0;
}

/* nfsb_fsync - COMMIT: the written data is on the server's disk */
static int nfsb_fsync(struct backend *b, struct bfile *f)
{
    struct nfsb *nb = nb_of(b);
    int rc;

    if (!ready(nb, f))
        return -1;
    rc = nfsc.nfs_fsync(nb->nfs, f->fh);
    return rc < 0 ? fail(nb, rc) : 0;
}

/* fill - the fields the Maildir code uses */
static void fill(const struct nfs_stat_64 *sb, struct bstat *out)
{
    out->ino = sb->nfs_ino;
    out->size = sb->nfs_size;
    out->nlink = sb->nfs_nlink;
    out->atime = (time_t)sb->nfs_atime;
    out->mtime = (time_t)sb->nfs_mtime;
    out->ctime = (time_t)sb->nfs_ctime;
    out->mode = (int)(sb->nfs_mode & 07777);
    out->is_dir = S_ISDIR(sb->nfs_mode);
    out->is_reg = S_ISREG(sb->nfs_mode);
}

static int nfsb_fstat(struct backend *b, struct bfile *f, struct bstat *out)
{
    struct nfsb *nb = nb_of(b);
    struct nfs_stat_64 sb;
    int rc;

    if (!ready(nb, f))
        return -1;
    if ((rc = nfsc.nfs_fstat64(nb->nfs, f->fh, &sb)) < 0)
        return fail(nb, rc);
    fill(&sb, out);
    return 0;
}

/*
 * nfsb_close - CLOSE and free.  A handle of a dead or replaced mount
 * is only buried: see bury().
 */
static int nfsb_close(struct backend *b, struct bfile *f)
{
    struct nfsb *nb = nb_of(b);
    int rc = -1, err = 0;

    status_detail_clear();
    if (f->gen == nb->gen && !nb->dead && nb->nfs != NULL
        && flush(nb, f) < 0)
        err = errno;            /* a gathered write failed: say so */
    if (f->gen == nb->gen && !nb->dead && nb->nfs != NULL) {
        if ((rc = nfsc.nfs_close(nb->nfs, f->fh)) < 0)
            rc = fail(nb, rc);
    } else {
        bury(f->fh);
        if (err == 0)
            err = nb->dead ? nb->dead : ESTALE;
    }
    free(f->wbuf);
    free(f);
    if (err != 0) {
        errno = err;
        return -1;
    }
    return rc < 0 ? -1 : 0;
}

static int nfsb_stat(struct backend *b, const char *path, struct bstat *out)
{
    struct nfsb *nb = nb_of(b);
    struct nfs_stat_64 sb;
    const char *p;
    int rc;

    ENTER_PATH(nb, p, path);
    if ((rc = nfsc.nfs_stat64(nb->nfs, p, &sb)) < 0)
        return fail(nb, rc);
    fill(&sb, out);
    return 0;
}

static int nfsb_mkdir(struct backend *b, const char *path, int mode)
{
    struct nfsb *nb = nb_of(b);
    const char *p;
    int rc;

    ENTER_PATH(nb, p, path);
    rc = nfsc.nfs_mkdir2(nb->nfs, p, mode);
    return rc < 0 ? fail(nb, rc) : 0;
}

/* two_paths - a call on two names in the mount (LINK, RENAME) */
static int two_paths(struct backend *b, const char *from, const char *to,
                     int (*call)(struct nfs_context *, const char *,
                                 const char *))
{
    struct nfsb *nb = nb_of(b);
    const char *p, *q;
    int rc;

    ENTER_PATH(nb, p, from);
    if ((q = rel(nb, to)) == NULL)
        return -1;
    rc = call(nb->nfs, p, q);
    return rc < 0 ? fail(nb, rc) : 0;
}

/* nfsb_link - fails with EEXIST rather than replace */
static int nfsb_link(struct backend *b, const char *from, const char *to)
{
    return two_paths(b, from, to, nfsc.nfs_link);
}

static int nfsb_unlink(struct backend *b, const char *path)
{
    struct nfsb *nb = nb_of(b);
    const char *p;
    int rc;

    ENTER_PATH(nb, p, path);
    rc = nfsc.nfs_unlink(nb->nfs, p);
    return rc < 0 ? fail(nb, rc) : 0;
}

/*
 * nfsb_move - LINK, then REMOVE the old name.  If LINK failed in
 * transit, or says EEXIST because a resent LINK of ours got there
 * first, the new name is looked at: the same file id as ours means
 * the message is in place.
 */
static int nfsb_move(struct backend *b, const char *from, const char *to)
{
    struct bstat ours, there;
    int err;

    if (nfsb_link(b, from, to) < 0) {
        err = errno;
        if (nfsb_stat(b, from, &ours) < 0 || nfsb_stat(b, to, &there) < 0
            || ours.ino != there.ino) {
            errno = err;
            return -1;
        }
    }
    /* The message is in new/ now; a stale tmp/ name is cleaned later. */
    (void)nfsb_unlink(b, from);
    return 0;
}

/* nfsb_rename - replaces the target: only for maildirsize */
static int nfsb_rename(struct backend *b, const char *from, const char *to)
{
    return two_paths(b, from, to, nfsc.nfs_rename);
}

/* nfsb_fsync_dir - nothing to do: see the top of this file */
static int nfsb_fsync_dir(struct backend *b, const char *path)
{
    struct nfsb *nb = nb_of(b);
    const char *p;

    ENTER_PATH(nb, p, path);
    (void)p;
    return 0;
}

static int nfsb_scan(struct backend *b, const char *dir, backend_scan_fn fn,
                     void *arg)
{
    struct nfsb *nb = nb_of(b);
    struct nfsdir *d;
    struct nfsdirent *de;
    const char *p;
    int rc;

    ENTER_PATH(nb, p, dir);
    if ((rc = nfsc.nfs_opendir(nb->nfs, p, &d)) < 0)
        return fail(nb, rc);
    rc = 0;
    while ((de = nfsc.nfs_readdir(nb->nfs, d)) != NULL) {
        if (strcmp(de->name, ".") == 0 || strcmp(de->name, "..") == 0)
            continue;
        if ((rc = fn(arg, de->name)) < 0)
            break;
    }
    nfsc.nfs_closedir(nb->nfs, d);
    return rc;
}

/* nfsb_set_atime - set the access time, keep the modification time */
static int nfsb_set_atime(struct backend *b, const char *path, time_t when)
{
    struct nfsb *nb = nb_of(b);
    struct nfs_stat_64 sb;
    struct timeval tv[2];
    const char *p;
    int rc;

    ENTER_PATH(nb, p, path);
    if ((rc = nfsc.nfs_stat64(nb->nfs, p, &sb)) < 0)
        return fail(nb, rc);
    tv[0].tv_sec = when;
    tv[0].tv_usec = 0;
    tv[1].tv_sec = (time_t)sb.nfs_mtime;
    tv[1].tv_usec = 0;
    rc = nfsc.nfs_utimes(nb->nfs, p, tv);
    return rc < 0 ? fail(nb, rc) : 0;
}

static void nfsb_free(struct backend *b)
{
    struct nfsb *nb = nb_of(b);

    if (nb != NULL && nb->dead)
        bury(nb->nfs);
    else if (nb != NULL && nb->nfs != NULL)
        nfsc.nfs_destroy_context(nb->nfs);
    free(nb);
    free(b);
}

const struct backend_ops backend_nfs_ops = {
    .name = "nfs",
    .base_is_root = 1,
    .open = nfsb_open,
    .create = nfsb_create,
    .open_rw = nfsb_open_rw,
    .pread = nfsb_pread,
    .pwrite = nfsb_pwrite,
    .truncate = nfsb_truncate,
    .fsync = nfsb_fsync,
    .fstat = nfsb_fstat,
    .close = nfsb_close,
    .stat = nfsb_stat,
    .mkdir = nfsb_mkdir,
    .link = nfsb_link,
    .move = nfsb_move,
    .rename = nfsb_rename,
    .unlink = nfsb_unlink,
    .fsync_dir = nfsb_fsync_dir,
    .scan = nfsb_scan,
    .set_atime = nfsb_set_atime,
    .free = nfsb_free,
};
