/*
 * nfs_compat.h - the libnfs versions lda builds against, in one place
 *
 * libnfs has no version macro.  6.0 introduced LIBNFS_API_V2, which
 * puts the buffer before the count in nfs_[p]read/nfs_[p]write and adds
 * nfs_set_retrans(); the Makefile passes the major version from
 * pkg-config as LDA_LIBNFS_MAJOR for what no macro tells apart:
 * 4.x fails any single write over 3944 bytes (5.0 fixed it).
 *
 * libnfs is loaded when an nfs:// Maildir is used (nfsc_load), not
 * when lda starts: a local delivery does not pay for mapping and
 * relocating it.  The pointers have the header's own types
 * (__typeof__), so every call is checked against the installed libnfs
 * just as a direct call would be.
 */
#ifndef LDA_NFS_COMPAT_H
#define LDA_NFS_COMPAT_H

#include <stddef.h>             /* 6.x's header needs size_t */
#include <stdint.h>
#include <sys/time.h>           /* 4.x's and 5.x's need struct timeval */

#include <nfsc/libnfs.h>

#include "../util/status.h"

#ifndef LDA_LIBNFS_MAJOR
#define LDA_LIBNFS_MAJOR 4
#endif

/* The most one WRITE may carry: 4.x breaks above 3944 bytes. */
#if LDA_LIBNFS_MAJOR < 5
#define NFSC_WRITE_MAX 3072u
#else
#define NFSC_WRITE_MAX (1024u * 1024u)
#endif

/* The libnfs calls lda makes. */
#define NFSC_CALLS(X) \
    X(nfs_init_context) X(nfs_destroy_context) X(nfs_parse_url_dir) \
    X(nfs_destroy_url) X(nfs_get_error) X(nfs_set_timeout) \
    X(nfs_set_autoreconnect) X(nfs4_set_client_name) X(nfs_mount) \
    X(nfs_open2) X(nfs_close) X(nfs_pread) X(nfs_pwrite) X(nfs_ftruncate) \
    X(nfs_fsync) X(nfs_fstat64) X(nfs_stat64) X(nfs_mkdir2) X(nfs_link) \
    X(nfs_rename) X(nfs_unlink) X(nfs_opendir) X(nfs_readdir) \
    X(nfs_closedir) X(nfs_utimes) NFSC_CALLS_V2(X)
#ifdef LIBNFS_API_V2
#define NFSC_CALLS_V2(X) X(nfs_set_retrans)
#else
#define NFSC_CALLS_V2(X)
#endif

struct nfsc_lib {
#define NFSC_POINTER(f) __typeof__(f) *f;
    NFSC_CALLS(NFSC_POINTER)
#undef NFSC_POINTER
};

extern struct nfsc_lib nfsc;

int nfsc_load(struct status *st);

static inline int nfsc_pwrite(struct nfs_context *n, struct nfsfh *fh,
                              const void *buf, size_t len, uint64_t off)
{
#ifdef LIBNFS_API_V2
    return nfsc.nfs_pwrite(n, fh, buf, len, off);
#else
    return nfsc.nfs_pwrite(n, fh, off, (uint64_t)len, buf);
#endif
}

static inline int nfsc_pread(struct nfs_context *n, struct nfsfh *fh,
                             void *buf, size_t len, uint64_t off)
{
#ifdef LIBNFS_API_V2
    return nfsc.nfs_pread(n, fh, buf, len, off);
#else
    return nfsc.nfs_pread(n, fh, off, (uint64_t)len, buf);
#endif
}

/*
 * No retransmissions: a timed-out call fails with the timeout rather
 * than being sent again, where it could execute twice.  (Before 6.0
 * libnfs has no retransmission count and sends each call once.)
 */
static inline void nfsc_no_retrans(struct nfs_context *n)
{
#ifdef LIBNFS_API_V2
    nfsc.nfs_set_retrans(n, 0);
#else
    (void)n;
#endif
}

#endif
