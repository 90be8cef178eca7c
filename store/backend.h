/* backend.h - where Maildir bytes land: the storage driver interface */
#ifndef LDA_BACKEND_H
#define LDA_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../util/status.h"

/*
 * The Maildir algorithm (maildir.c), the quota file (quota.c) and the
 * lock (lock.c) are written once against these calls.  A driver is a
 * const table of them; every call returns 0 (or a count) on success
 * and -1 with errno set on failure, so status_errno() classifies local
 * and remote failures alike.  Paths are absolute within the backend.
 */
struct backend;
struct bfile;

#define BACKEND_PATH 4096

struct bstat {
    uint64_t ino;
    uint64_t size;
    uint64_t nlink;
    time_t atime;
    time_t mtime;
    time_t ctime;
    int mode;                   /* permission bits, 07777 */
    int is_dir;
    int is_reg;                 /* a regular file */
};

/* scan callback: return 0 to go on, -1 to stop (errno set) */
typedef int (*backend_scan_fn)(void *arg, const char *name);

/*
 * A maildir setting split up.  "nfs://server/export/%d/%n/Maildir?v=4"
 * is driver nfs, server "nfs://server", path "/export/%d/%n/Maildir"
 * and query "v=4".  Only the path is expanded, so no recipient can
 * add URL arguments or a server; a plain path is the local driver.
 */
struct location {
    const struct backend_ops *ops;
    char server[256];
    char path[BACKEND_PATH];
    char query[512];
};

/* What every driver is told when it opens. */
struct backend_conf {
    unsigned timeout;           /* seconds for any one remote call */
    const char *host;           /* this host's name, for client names */
};

struct backend_ops {
    const char *name;
    /* base (the fixed part of the path) is what the driver mounts: it
     * is the storage root, whatever storage_root says */
    int base_is_root;
    /* reach the storage; base is the fixed part of the path, which
     * must exist for the storage to be there at all */
    int (*open)(struct backend *, const struct location *, const char *base,
                const struct backend_conf *, struct status *);
    /* create exclusively (never through a symlink), write-only */
    int (*create)(struct backend *, const char *path, int mode,
                  struct bfile **);
    /* open an existing file read-write, not through a symlink */
    int (*open_rw)(struct backend *, const char *path, struct bfile **);
    long (*pread)(struct backend *, struct bfile *, void *, size_t,
                  uint64_t off);
    int (*pwrite)(struct backend *, struct bfile *, const void *, size_t,
                  uint64_t off);
    int (*truncate)(struct backend *, struct bfile *, uint64_t len);
    int (*fsync)(struct backend *, struct bfile *);
    int (*fstat)(struct backend *, struct bfile *, struct bstat *);
    int (*close)(struct backend *, struct bfile *);
    int (*stat)(struct backend *, const char *path, struct bstat *);
    /* mkdir with exactly mode (no umask); the parent's set-group-ID
     * bit and group are inherited as the file system does */
    int (*mkdir)(struct backend *, const char *path, int mode);
    /* link only: fails with EEXIST rather than replace */
    int (*link)(struct backend *, const char *from, const char *to);
    /* move, never replacing an existing name */
    int (*move)(struct backend *, const char *from, const char *to);
    /* rename, replacing the target */
    int (*rename)(struct backend *, const char *from, const char *to);
    int (*unlink)(struct backend *, const char *path);
    int (*fsync_dir)(struct backend *, const char *path);
    int (*scan)(struct backend *, const char *dir, backend_scan_fn, void *);
    int (*set_atime)(struct backend *, const char *path, time_t when);
    void (*free)(struct backend *);
    /* unlink from a signal handler: async-signal-safe, needing nothing
     * but the path; NULL when the driver cannot (a remote call) */
    int (*signal_unlink)(const char *path);
};

struct backend {
    const struct backend_ops *ops;
    void *ctx;
};

int backend_locate(const char *setting, struct location *loc,
                   struct status *st);
int backend_open(const struct location *loc, const char *base,
                 const struct backend_conf *conf, struct backend **out,
                 struct status *st);
void backend_close(struct backend *b);

extern const struct backend_ops backend_local_ops;
extern const struct backend_ops backend_nfs_ops;

#endif
