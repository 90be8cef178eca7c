/*
 * nfs_compat.h - the libnfs versions lda builds against, in one place
 *
 * libnfs has no version macro.  6.0 introduced LIBNFS_API_V2, which
 * puts the buffer before the count in nfs_[p]read/nfs_[p]write and adds
 * nfs_set_retrans(); the Makefile passes the major version from
 * pkg-config as LDA_LIBNFS_MAJOR for what no macro tells apart:
 * 4.x fails any single write over 3944 bytes (5.0 fixed it).
 * Everything else in nfs.c is the same call on every version.
 */
#ifndef LDA_NFS_COMPAT_H
#define LDA_NFS_COMPAT_H

#include <stddef.h>             /* 6.x's header needs size_t */
#include <stdint.h>
#include <sys/time.h>           /* 4.x's and 5.x's need struct timeval */

#include <nfsc/libnfs.h>

#ifndef LDA_LIBNFS_MAJOR
#define LDA_LIBNFS_MAJOR 4
#endif

/* The most one WRITE may carry: 4.x breaks above 3944 bytes. */
#if LDA_LIBNFS_MAJOR < 5
#define NFSC_WRITE_MAX 3072u
#else
#define NFSC_WRITE_MAX (1024u * 1024u)
#endif

static inline int nfsc_pwrite(struct nfs_context *n, struct nfsfh *fh,
                              const void *buf, size_t len, uint64_t off)
{
#ifdef LIBNFS_API_V2
    return nfs_pwrite(n, fh, buf, len, off);
#else
    return nfs_pwrite(n, fh, off, (uint64_t)len, buf);
#endif
}

static inline int nfsc_pread(struct nfs_context *n, struct nfsfh *fh,
                             void *buf, size_t len, uint64_t off)
{
#ifdef LIBNFS_API_V2
    return nfs_pread(n, fh, buf, len, off);
#else
    return nfs_pread(n, fh, off, (uint64_t)len, buf);
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
    nfs_set_retrans(n, 0);
#else
    (void)n;
#endif
}

#endif
