/*
 * io.c - full writes
 *
 * A write that returns 0 would loop forever; like git's write_in_full()
 * it is treated as ENOSPC.  EINTR is retried.
 */
#include <errno.h>
#include <unistd.h>

#include "io.h"

/* pwrite_full - write all of buf at off, or fail with errno set */
int pwrite_full(int fd, const void *buf, size_t len, off_t off)
{
    const char *p = buf;
    ssize_t n;

    while (len > 0) {
        n = pwrite(fd, p, len, off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0) {
            errno = ENOSPC;
            return -1;
        }
        p += n;
        off += n;
        len -= (size_t)n;
    }
    return 0;
}
