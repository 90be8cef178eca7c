/* lock.h - an NFS-safe dotlock made of backend calls */
#ifndef LDA_LOCK_H
#define LDA_LOCK_H

#include <time.h>

#include "../util/status.h"
#include "backend.h"

#define LOCK_STALE_SECS 60      /* a holder keeps it for milliseconds */

struct lock {
    char path[4096];            /* the lock name, e.g. maildirsize.lock */
    int held;
};

int lock_acquire(struct backend *b, struct lock *lk, const char *lockpath,
                 const char *uniqpath, time_t deadline, struct status *st);
void lock_release(struct backend *b, struct lock *lk);

#endif
