/* lock.h - an NFS-safe dotlock made of backend calls, that never stalls */
#ifndef LDA_LOCK_H
#define LDA_LOCK_H

#include <stdint.h>
#include <time.h>

#include "../util/status.h"
#include "backend.h"

/* A holder keeps it for milliseconds; Dovecot breaks it after 30 s. */
#define LOCK_STALE_SECS 30

struct lock {
    char path[4096];            /* the lock name, e.g. maildirsize.lock */
    char uniq[4096 + 8];        /* our file in tmp/ that holds the content */
    uint64_t ino;               /* the lock's file id, while held */
    int held;
};

int lock_acquire(struct backend *b, struct lock *lk, const char *lockpath,
                 const char *uniqbase, time_t deadline, struct status *st);
void lock_release(struct backend *b, struct lock *lk);

#endif
