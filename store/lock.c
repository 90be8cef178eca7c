/*
 * lock.c - the maildirsize.lock dotlock: NFS-safe, and it never stalls
 *
 * Taking it.  A delivery writes "<pid>:<host>" (the content of Dovecot's
 * dotlocks, so each reads the other's) into a small file of its own,
 * tmp/<unique>.lock, links that to the lock name, and trusts the file's
 * link count (2 = ours) or the lock name's file id, not link()'s answer,
 * which a resent request can get wrong: the Linux open(2) manual's advice
 * for NFS, where O_EXCL is not atomic on old clients and libnfs has no
 * byte-range locks.  An exclusive create of the lock name itself would
 * save the unique file, but the name would exist empty until its content
 * is written (a waiter must never judge a half-made lock), and a create
 * whose answer was lost leaves a name no one can tell from another's
 * lock; the unique file is surely ours to remove.  It stays until the
 * release, so every removal comes after the message is in new/.  The
 * content is not fsynced: after a crash the lock is stale anyway.
 * Dovecot takes the same name by link() or O_EXCL, so the two exclude
 * each other.
 *
 * Staleness is judged from what a mail reader cannot change (the lock
 * used to be a link to the delivered message, whose ctime a reader's
 * rename reset):
 *  - content naming this host (gethostname()) and a pid that is gone
 *    (kill(pid, 0) says ESRCH): stale as soon as its content is read,
 *    which is once the lock is LOCK_PEEK_SECS old by its mtime (one to
 *    two seconds).  Holders keep it for milliseconds, so a lock that
 *    old is rarely removed as it is opened; over NFS version 4 such an
 *    OPEN fails after its name was looked up, and libnfs then loses
 *    step with the server's open sequence: the next OPEN of the
 *    delivery (maildirsize) failed with NFS4ERR_BAD_SEQID;
 *  - an mtime LOCK_STALE_SECS before the server's time now, taken as
 *    our unique file's ctime plus the time elapsed here since we made
 *    it: the server's clock against itself, so client clock skew does
 *    not matter;
 *  - or LOCK_STALE_SECS watched unchanged (file id, mtime, size and
 *    content) by this process, which bounds the wait whatever the
 *    clocks say.
 * A holder keeps the lock for milliseconds (read, check, append), or for
 * a recount the time it takes to list the Maildir; Dovecot breaks a
 * maildirsize.lock after 30 s, so a longer age would protect nothing.
 * Worst wait after a crash: on this host, until the lock is
 * LOCK_PEEK_SECS old; on another, until it is LOCK_STALE_SECS old;
 * plus one pause (at most 100 ms).
 *
 * Breaking.  Unlinking a stale lock by name races: A and B judge the same
 * stale lock, A removes it and takes a fresh one, then B's unlink removes
 * A's.  So the lock is renamed to tmp/<unique>.stale and what arrived
 * there is compared with what was judged (file id, size, content);
 * another lock is linked back, never replacing.  What remains: in the
 * two calls between that rename and the link back, a third delivery can
 * take the lock, and it and A then both hold one (three deliveries
 * meeting one stale lock at that instant).  A lock that names a process
 * that is gone may also just have been given up (a holder removes it,
 * then exits): it is broken only if the name still holds it after the
 * kill() check.  At release a holder removes the lock only while it is
 * still its own file (the file id: ours stays in tmp/ until then, so no
 * other file can have it), so one stopped past the stale age does not
 * remove its successor's.
 *
 * Never stalling.  A lock that is a directory or not a regular file, or
 * a stale one that cannot be moved away (EACCES, EPERM, ...), ends the
 * wait at once with its reason; so does a failing link() unless it says
 * EEXIST, classified by status_errno() (ENOSPC: 4.3.1).  A live lock is
 * waited for in sleeps of 1 to 100 ms: waiting costs next to no CPU.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"
#include "../util/clock.h"

#define LOCK_TEXT 320           /* "<pid>:<host>" for any host name */
#define LOCK_QUICK 3            /* retries at once before a pause */
#define LOCK_PEEK_SECS 2        /* age (mtime, in whole seconds) before a
                                 * lock's content is read */

/* what a lock name held when it was looked at */
struct seen {
    struct bstat sb;
    char text[LOCK_TEXT];
    size_t len;
    int read;                   /* text was read (len 0: none to read) */
    int symlink;                /* the name is a symbolic link */
};

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

/* this_host - the host name a lock carries, as Dovecot writes it */
static void this_host(char *out, size_t cap)
{
    if (gethostname(out, cap) < 0)
        snprintf(out, cap, "localhost");
    out[cap - 1] = '\0';
}

/* make_uniq - our file in tmp/, holding the lock's content */
static int make_uniq(struct backend *b, const char *path, struct status *st)
{
    const struct backend_ops *op = b->ops;
    char host[256], text[LOCK_TEXT];
    struct bfile *f;
    int n;

    this_host(host, sizeof(host));
    n = snprintf(text, sizeof(text), "%ld:%s", (long)getpid(), host);
    if (op->create(b, path, 0600, &f) < 0)
        return status_errno(st, errno, "create '%s'", path);
    if (op->pwrite(b, f, text, (size_t)n, 0) < 0) {
        status_errno(st, errno, "write '%s'", path);
        (void)op->close(b, f);
        (void)op->unlink(b, path);
        return -1;
    }
    if (op->close(b, f) < 0) {
        status_errno(st, errno, "write '%s'", path);
        (void)op->unlink(b, path);
        return -1;
    }
    return 0;
}

/* read_text - the first bytes of a lock; none when it cannot be read */
static void read_text(struct backend *b, const char *path, struct seen *s)
{
    struct bfile *f;
    long n;

    s->len = 0;
    s->read = 1;
    s->symlink = 0;
    if (b->ops->open_rw(b, path, &f) < 0) {
        s->symlink = errno == ELOOP;    /* opened without following */
        return;                 /* another user's lock: the age decides */
    }
    n = b->ops->pread(b, f, s->text, sizeof(s->text) - 1, 0);
    if (n > 0)
        s->len = (size_t)n;
    (void)b->ops->close(b, f);
}

/* look - stat a name and read its content; -1 with errno */
static int look(struct backend *b, const char *path, struct seen *s)
{
    if (b->ops->stat(b, path, &s->sb) < 0)
        return -1;
    read_text(b, path, s);
    return 0;
}

/*
 * same - the same lock: file id, size and content.  Not the mtime, which
 * an NFS server may report a second apart; a file id that comes back on
 * the next holder's lock comes with another pid in it.
 */
static int same(const struct seen *x, const struct seen *y)
{
    if (x->sb.ino != y->sb.ino || x->sb.size != y->sb.size)
        return 0;
    return !x->read || !y->read
        || (x->len == y->len && memcmp(x->text, y->text, x->len) == 0);
}

/* gone - the lock names a process of this host that no longer runs */
static int gone(const struct seen *s)
{
    char text[LOCK_TEXT], host[256], *colon, *end;
    size_t len = s->len;
    long pid;

    memcpy(text, s->text, len);
    if (len > 0 && text[len - 1] == '\n')
        len--;
    text[len] = '\0';
    if ((colon = strchr(text, ':')) == NULL || text[0] < '0'
        || text[0] > '9')
        return 0;
    *colon = '\0';
    errno = 0;
    pid = strtol(text, &end, 10);
    if (*end != '\0' || errno != 0 || pid <= 0 || pid > INT_MAX)
        return 0;
    this_host(host, sizeof(host));
    if (strcmp(colon + 1, host) != 0)
        return 0;
    return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

/* mono - seconds on the monotonic clock */
static time_t mono(void)
{
    return (time_t)(clock_ms() / 1000);
}

/*
 * stale - whether the lock looked at may be broken.  The server's time
 * now is our file's ctime plus the time since it was made (t0), so
 * only the server's clock is compared with the server's.
 */
static int stale(const struct seen *s, const struct bstat *us, time_t t0,
                 time_t seen_at)
{
    time_t now = mono();

    return gone(s)
        || s->sb.mtime + LOCK_STALE_SECS <= us->ctime + (now - t0)
        || now - seen_at >= LOCK_STALE_SECS;
}

/*
 * old - whether the lock looked at is LOCK_PEEK_SECS old on the
 * server's clock (see stale), so that its content may be read
 */
static int old(const struct seen *s, const struct bstat *us, time_t t0)
{
    return s->sb.mtime + LOCK_PEEK_SECS <= us->ctime + (mono() - t0);
}

/*
 * break_stale - move the judged lock to brk and remove it; a lock that
 * is not the one judged goes back.  0 to try again, -1 when it cannot
 * be moved away.
 */
static int break_stale(struct backend *b, const char *lockpath,
                       const char *brk, const struct seen *judged,
                       struct status *st)
{
    const struct backend_ops *op = b->ops;
    struct seen moved;
    int err;

    if (op->rename(b, lockpath, brk) < 0) {
        err = errno;
        if (err == ENOENT)
            return 0;           /* broken or released by another */
        /* An answer lost in transit: did it move all the same? */
        if (op->stat(b, brk, &moved.sb) < 0)
            return status_errno(st, err, "remove stale lock '%s'",
                                lockpath);
    }
    if (look(b, brk, &moved) < 0) {
        err = errno;
        (void)op->link(b, brk, lockpath);
        (void)op->unlink(b, brk);
        return status_errno(st, err, "stat '%s'", brk);
    }
    if (!same(&moved, judged))
        (void)op->link(b, brk, lockpath);   /* a fresh lock: put it back */
    (void)op->unlink(b, brk);
    return 0;
}

/*
 * lock_acquire - take the lock at lockpath, waiting until deadline;
 * uniqbase is a unique name of ours in tmp/, to which ".lock" and
 * ".stale" are added
 */
int lock_acquire(struct backend *b, struct lock *lk, const char *lockpath,
                 const char *uniqbase, time_t deadline, struct status *st)
{
    const struct backend_ops *op = b->ops;
    char brk[sizeof(lk->uniq)];
    struct bstat us, ls;
    struct seen cur, prev;
    time_t t0, seen_at = 0;
    unsigned tries = 0, quick = 0;
    int err;

    lk->held = 0;
    if (snprintf(lk->path, sizeof(lk->path), "%s", lockpath)
        >= (int)sizeof(lk->path)
        || snprintf(lk->uniq, sizeof(lk->uniq), "%s.lock", uniqbase)
        >= (int)sizeof(lk->uniq)
        || snprintf(brk, sizeof(brk), "%s.stale", uniqbase)
        >= (int)sizeof(brk))
        return status_set(st, "4.3.0", "lock name too long: '%s'", lockpath);
    if (make_uniq(b, lk->uniq, st) < 0)
        return -1;
    t0 = mono();
    memset(&cur, 0, sizeof(cur));
    for (;;) {
        err = op->link(b, lk->uniq, lockpath) < 0 ? errno : 0;
        /* Not link()'s answer but the link count: asked twice (a
         * remote driver asks again on a fresh connection). */
        if (op->stat(b, lk->uniq, &us) < 0
            && op->stat(b, lk->uniq, &us) < 0) {
            status_errno(st, errno, "stat '%s'", lk->uniq);
            break;
        }
        if (us.nlink == 2)
            goto held;
        if (err != 0 && err != EEXIST) {
            status_errno(st, err, "take lock '%s'", lockpath);
            break;
        }
        if (op->stat(b, lockpath, &ls) < 0) {
            if (errno != ENOENT) {
                status_errno(st, errno, "stat '%s'", lockpath);
                break;
            }
            /* Released meanwhile: again at once, but not forever (a
             * dangling symbolic link reads as gone, too; it is opened
             * only then, see LOCK_PEEK_SECS). */
            memset(&cur, 0, sizeof(cur));
            if (quick++ < LOCK_QUICK)
                continue;
            read_text(b, lockpath, &cur);
            if (cur.symlink)
                goto odd;
            memset(&cur, 0, sizeof(cur));
        } else if (ls.ino == us.ino) {
            goto held;          /* our link landed; the count lags */
        } else if (ls.is_dir) {
            status_set(st, "4.3.0", "lock '%s' is a directory", lockpath);
            break;
        } else if (!ls.is_reg) {
            goto odd;
        } else {
            /* Read afresh each time: file ids are reused, so the next
             * holder's lock can look like the last one's by its stat. */
            prev = cur;
            cur.sb = ls;
            cur.read = 0;
            cur.len = 0;
            if (old(&cur, &us, t0)) {
                read_text(b, lockpath, &cur);
                if (cur.symlink)
                    goto odd;
            }
            if (!same(&cur, &prev) || cur.sb.mtime != prev.sb.mtime)
                seen_at = mono();
            /* A holder removes its lock before it exits, so a lock that
             * names a process that is gone may just have been given up:
             * stale only if the name still holds it after that check. */
            if (stale(&cur, &us, t0, seen_at)
                && look(b, lockpath, &prev) == 0 && same(&prev, &cur)) {
                if (break_stale(b, lockpath, brk, &cur, st) < 0)
                    break;
                memset(&cur, 0, sizeof(cur));
                if (quick++ < LOCK_QUICK)
                    continue;
            }
        }
        if (time(NULL) >= deadline) {
            status_set(st, "4.3.0", "lock '%s': timed out", lockpath);
            break;
        }
        pause_ms(tries++, (unsigned)getpid());
        quick = 0;
    }
    (void)op->unlink(b, lk->uniq);
    return -1;
odd:
    status_set(st, "4.3.0", "lock '%s' is not a regular file", lockpath);
    (void)op->unlink(b, lk->uniq);
    return -1;
held:
    lk->ino = us.ino;
    lk->held = 1;
    return 0;
}

/* lock_release - give the lock up, if it still is ours */
void lock_release(struct backend *b, struct lock *lk)
{
    struct bstat sb;

    if (!lk->held)
        return;
    lk->held = 0;
    if (b->ops->stat(b, lk->path, &sb) < 0 || sb.ino == lk->ino)
        (void)b->ops->unlink(b, lk->path);
    (void)b->ops->unlink(b, lk->uniq);
}
