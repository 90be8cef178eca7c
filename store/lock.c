/*
 * lock.c - an NFS-safe dotlock made of backend calls
 *
 * The lock is a name: whoever makes it exist holds it.  O_EXCL is not
 * atomic on old NFS clients and byte-range locks are unusable through
 * libnfs, so the lock is taken as the Linux open(2) manual advises for
 * NFS: link() a unique file of ours to the lock name, and trust the
 * unique file's link count (2 = ours) rather than link()'s answer,
 * which a retransmitted request can get wrong.  The caller names the
 * unique file; a delivery uses its own message in tmp/, which saves
 * creating and removing one more file on every delivery.  The same name is what
 * Dovecot's dotlock uses for maildirsize, so the two exclude each other.
 *
 * A lock older than LOCK_STALE_SECS belongs to a process that died.
 * Its age is measured against the unique file's ctime (the server's
 * clock, so client clock skew does not matter), or as the time this
 * process has watched it unchanged.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"

/* pause_ms - sleep a short while, growing with tries, with jitter */
static void pause_ms(unsigned tries, unsigned seed)
{
    struct timespec ts;
    unsigned ms = tries < 6 ? 1u << tries : 50;

    ms += (seed ^ (tries * 2654435761u)) % (ms + 1);
    ts.tv_sec = 0;
    ts.tv_nsec = (long)ms * 1000000L;
    nanosleep(&ts, NULL);
}

/*
 * lock_acquire - take the lock at lockpath, waiting until deadline;
 * uniqpath is an existing file of ours with a single link
 */
int lock_acquire(struct backend *b, struct lock *lk, const char *lockpath,
                 const char *uniqpath, time_t deadline, struct status *st)
{
    const struct backend_ops *op = b->ops;
    struct bstat us, ls;
    unsigned tries = 0;
    time_t seen_ctime = 0, seen_at = 0;

    lk->held = 0;
    if (snprintf(lk->path, sizeof(lk->path), "%s", lockpath)
        >= (int)sizeof(lk->path))
        return status_set(st, "4.3.0", "lock name too long: '%s'", lockpath);
    for (;;) {
        /* The answer of link() is not trusted, only the link count.
         * Without it, the lock may be ours all the same: ask twice
         * (a remote driver asks on a fresh connection) before giving
         * up, else the lock would stay until it is stale. */
        (void)op->link(b, uniqpath, lockpath);
        if (op->stat(b, uniqpath, &us) < 0 && op->stat(b, uniqpath, &us) < 0)
            return status_errno(st, errno, "stat '%s'", uniqpath);
        if (us.nlink == 2) {
            lk->held = 1;
            return 0;
        }
        if (op->stat(b, lockpath, &ls) == 0) {
            if (ls.ctime != seen_ctime) {
                seen_ctime = ls.ctime;
                seen_at = time(NULL);
            }
            /* us.ctime is recent, and on the server's clock. */
            if (ls.ctime + LOCK_STALE_SECS < us.ctime
                || time(NULL) - seen_at > LOCK_STALE_SECS) {
                (void)op->unlink(b, lockpath);
                continue;
            }
        }
        if (time(NULL) >= deadline)
            return status_set(st, "4.3.0", "lock '%s': timed out", lockpath);
        pause_ms(tries++, (unsigned)getpid());
    }
}

/* lock_release - give the lock up */
void lock_release(struct backend *b, struct lock *lk)
{
    if (lk->held)
        (void)b->ops->unlink(b, lk->path);
    lk->held = 0;
}
