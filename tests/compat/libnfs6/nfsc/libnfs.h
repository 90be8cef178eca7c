/*
 * libnfs.h - the libnfs 6 (LIBNFS_API_V2) declarations store/nfs.c
 * uses, for "make check" to compile the driver's 6.x branch on a
 * system that only has libnfs 4.  Written from the libnfs 6.0 API as
 * documented: I/O calls take the buffer before the count, counts are
 * size_t, nfs_set_retrans() exists.  Like the real header, it does not
 * include <stddef.h> or <sys/time.h> itself.  Declarations only: it is
 * never linked.
 */
#ifndef _LIBNFS_H_
#define _LIBNFS_H_

#include <stdint.h>

#define LIBNFS_API_V2

struct nfs_context;
struct nfsfh;
struct nfsdir;

struct nfs_url {
    char *server;
    char *path;
    char *file;
};

struct nfs_stat_64 {
    uint64_t nfs_dev, nfs_ino, nfs_mode, nfs_nlink, nfs_uid, nfs_gid;
    uint64_t nfs_rdev, nfs_size, nfs_blksize, nfs_blocks;
    uint64_t nfs_atime, nfs_mtime, nfs_ctime;
    uint64_t nfs_atime_nsec, nfs_mtime_nsec, nfs_ctime_nsec, nfs_used;
};

struct nfsdirent {
    struct nfsdirent *next;
    char *name;
    uint64_t inode;
};

struct nfs_context *nfs_init_context(void);
void nfs_destroy_context(struct nfs_context *nfs);
struct nfs_url *nfs_parse_url_dir(struct nfs_context *nfs, const char *url);
void nfs_destroy_url(struct nfs_url *url);
char *nfs_get_error(struct nfs_context *nfs);
void nfs_set_timeout(struct nfs_context *nfs, int milliseconds);
void nfs_set_autoreconnect(struct nfs_context *nfs, int num_retries);
void nfs_set_retrans(struct nfs_context *nfs, int retrans);
void nfs4_set_client_name(struct nfs_context *nfs, const char *id);
int nfs_mount(struct nfs_context *nfs, const char *server,
              const char *exportname);
int nfs_open2(struct nfs_context *nfs, const char *path, int flags,
              int mode, struct nfsfh **nfsfh);
int nfs_close(struct nfs_context *nfs, struct nfsfh *nfsfh);
int nfs_pread(struct nfs_context *nfs, struct nfsfh *nfsfh, void *buf,
              size_t count, uint64_t offset);
int nfs_pwrite(struct nfs_context *nfs, struct nfsfh *nfsfh,
               const void *buf, size_t count, uint64_t offset);
int nfs_ftruncate(struct nfs_context *nfs, struct nfsfh *nfsfh,
                  uint64_t length);
int nfs_fsync(struct nfs_context *nfs, struct nfsfh *nfsfh);
int nfs_fstat64(struct nfs_context *nfs, struct nfsfh *nfsfh,
                struct nfs_stat_64 *st);
int nfs_stat64(struct nfs_context *nfs, const char *path,
               struct nfs_stat_64 *st);
int nfs_mkdir2(struct nfs_context *nfs, const char *path, int mode);
int nfs_link(struct nfs_context *nfs, const char *oldpath,
             const char *newpath);
int nfs_rename(struct nfs_context *nfs, const char *oldpath,
               const char *newpath);
int nfs_unlink(struct nfs_context *nfs, const char *path);
int nfs_opendir(struct nfs_context *nfs, const char *path,
                struct nfsdir **nfsdir);
struct nfsdirent *nfs_readdir(struct nfs_context *nfs, struct nfsdir *nfsdir);
void nfs_closedir(struct nfs_context *nfs, struct nfsdir *nfsdir);
int nfs_utimes(struct nfs_context *nfs, const char *path,
               struct timeval *times);

#endif
