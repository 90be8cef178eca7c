/*
 * watch.c - which events to look at: inotify, wake-ups, scans of new/
 *
 * Names come from three places, cheapest first: inotify on new/ (lda's
 * link or rename), the datagram lda sends to the wake socket, and a
 * scan of new/.  The first two fill a ring; when it overflows, or
 * inotify's queue does, a scan is asked for instead, so no event is
 * missed however many arrive at once.  The queue also asks for a scan
 * at start, when a retry falls due, and at least every minute, which
 * finds what was put back by "lda-notifyd replay".  A name may be told
 * twice; the queue looks at what is on disk each time.
 *
 * The outbox is locked while a daemon serves it: two would send every
 * event twice.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../util/log.h"
#include "../event/outbox.h"
#include "state.h"
#include "watch.h"
#include "../util/clock.h"

/* watch_event_name - the id in "<id>.json", when name is an event's */
int watch_event_name(const char *name, char *id, size_t cap)
{
    size_t n = strlen(name), k = strlen(OUTBOX_SUFFIX), i;

    if (n <= k || n - k >= cap || strcmp(name + n - k, OUTBOX_SUFFIX) != 0)
        return -1;
    for (i = 0; i < n - k; i++)
        if (!((name[i] >= '0' && name[i] <= '9')
              || (name[i] >= 'a' && name[i] <= 'z')
              || (name[i] >= 'A' && name[i] <= 'Z') || name[i] == '-'))
            return -1;
    memcpy(id, name, n - k);
    id[n - k] = '\0';
    return 0;
}

/* tell - note an event's name; a full ring means a scan instead */
static void tell(struct watch *w, const char *name)
{
    char id[WATCH_ID_MAX];

    if (watch_event_name(name, id, sizeof(id)) < 0)
        return;
    if ((w->ring_w + 1) % WATCH_RING == w->ring_r) {
        w->rescan = 1;
        return;
    }
    memcpy(w->ring[w->ring_w], id, sizeof(id));
    w->ring_w = (w->ring_w + 1) % WATCH_RING;
}

/* watch_next - the next id to look at: told ones first, then the scan */
int watch_next(struct watch *w, char *id)
{
    if (w->ring_r != w->ring_w) {
        memcpy(id, w->ring[w->ring_r], WATCH_ID_MAX);
        w->ring_r = (w->ring_r + 1) % WATCH_RING;
        return 0;
    }
    if (w->scan == NULL) {
        if (!w->rescan)
            return -1;
        w->rescan = 0;
        w->began = 1;
        w->scan_start = clock_unix_ms();
    }
    if (watch_walk(w->outbox, &w->scan, id) == 0)
        return 0;
    w->scan_took = clock_unix_ms() - w->scan_start;
    return -1;
}

/*
 * watch_walk - the next event name of a pass over new/ kept in *dir:
 * the pass begins when *dir is NULL and ends (-1, *dir NULL again) when
 * new/ has no more names; the queue keeps one pass per endpoint that
 * has events to catch up on, besides the watch's own scans
 */
int watch_walk(const char *outbox, DIR **dir, char *id)
{
    struct dirent *d;
    char path[4096];

    if (*dir == NULL) {
        if (state_path(path, sizeof(path), outbox, "new", NULL, NULL) < 0)
            return -1;
        if ((*dir = opendir(path)) == NULL) {
            log_warn("open '%s': %m", path);
            return -1;
        }
    }
    while ((d = readdir(*dir)) != NULL)
        if (watch_event_name(d->d_name, id, WATCH_ID_MAX) == 0)
            return 0;
    closedir(*dir);
    *dir = NULL;
    return -1;
}

/* watch_busy - whether names are waiting to be read now */
int watch_busy(const struct watch *w)
{
    return w->ring_r != w->ring_w || w->scan != NULL || w->rescan;
}

/*
 * sweep - remove the files in <outbox>/<sub> older than age seconds
 * whose names end in suffix: what a crashed writer left behind
 */
static void sweep(struct watch *w, const char *sub, const char *suffix,
                  time_t age)
{
    char path[4096];
    struct dirent *d;
    struct stat sb;
    time_t old = time(NULL) - age;
    size_t n, k = strlen(suffix);
    DIR *dir;

    if (state_path(path, sizeof(path), w->outbox, sub, NULL, NULL) < 0
        || (dir = opendir(path)) == NULL)
        return;
    while ((d = readdir(dir)) != NULL)
        if (d->d_name[0] != '.' && (n = strlen(d->d_name)) >= k
            && strcmp(d->d_name + n - k, suffix) == 0
            && fstatat(dirfd(dir), d->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0
            && S_ISREG(sb.st_mode) && sb.st_mtime < old
            && unlinkat(dirfd(dir), d->d_name, 0) == 0)
            log_info("removed stale '%s/%s'", path, d->d_name);
    closedir(dir);
}

/*
 * watch_open - make tmp/ and new/ if needed, lock the outbox, clear
 * tmp/; unless once, watch new/ and bind the wake socket
 */
int watch_open(struct watch *w, const char *outbox, int once,
               struct status *st)
{
    struct sockaddr_un sa;
    char path[4096];

    memset(w, 0, sizeof(*w));
    w->outbox = outbox;
    w->once = once;
    w->rescan = 1;
    w->ino = w->wake = w->lock = -1;
    /* lda writes tmp/ and new/ as the accounts it delivers as. */
    if (outbox_dirs(w->outbox, st) < 0)
        return -1;
    /* Two daemons on one outbox would send everything twice.  The
     * longest name under the outbox: the others fit when this one does. */
    if (state_path(path, sizeof(path), w->outbox, "lda-notifyd.lock", NULL,
                   NULL) < 0)
        return status_set(st, "4.3.5", "outbox '%s': name too long",
                          w->outbox);
    if ((w->lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
        return status_errno(st, errno, "open '%s'", path);
    if (flock(w->lock, LOCK_EX | LOCK_NB) < 0)
        return status_set(st, "4.3.5", "outbox '%s' is served by another "
                          "lda-notifyd", w->outbox);
    /* Maildir gives up files in tmp/ after 36 hours; a record being
     * written by "lda-notifyd replay" is never an hour old. */
    sweep(w, "tmp", "", 36 * 3600);
    sweep(w, "state", ".tmp", 3600);
    if (w->once)
        return 0;
    (void)state_path(path, sizeof(path), w->outbox, "new", NULL, NULL);
    if ((w->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0
        || inotify_add_watch(w->ino, path, IN_CREATE | IN_MOVED_TO) < 0)
        return status_errno(st, errno, "inotify '%s'", path);
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", w->outbox,
                 OUTBOX_WAKE) >= (int)sizeof(sa.sun_path))
        return status_set(st, "4.3.5", "outbox '%s': name too long for a "
                          "socket", w->outbox);
    (void)unlink(sa.sun_path);          /* ours: the lock says so */
    if ((w->wake = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                         0)) < 0
        || bind(w->wake, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        return status_errno(st, errno, "bind '%s'", sa.sun_path);
    /* Any account lda delivers as may wake us; a name is all it says. */
    if (chmod(sa.sun_path, 0666) < 0)
        return status_errno(st, errno, "chmod '%s'", sa.sun_path);
    return 0;
}

/* drain_ino - names from inotify; an overflow means a scan */
static void drain_ino(struct watch *w)
{
    char buf[16384]
        __attribute__((aligned(__alignof__(struct inotify_event))));
    const struct inotify_event *e;
    ssize_t n;
    char *p;

    while ((n = read(w->ino, buf, sizeof(buf))) > 0)
        for (p = buf; p < buf + n; p += sizeof(*e) + e->len) {
            e = (const struct inotify_event *)(void *)p;
            if (e->mask & IN_Q_OVERFLOW)
                w->rescan = 1;
            else if (e->len)
                tell(w, e->name);
        }
}

/* drain_wake - names from lda's datagrams */
static void drain_wake(struct watch *w)
{
    char name[WATCH_ID_MAX + 8];
    ssize_t n;

    while ((n = recv(w->wake, name, sizeof(name) - 1, 0)) >= 0) {
        name[n] = '\0';
        tell(w, name);
    }
}

/* watch_fds - what to poll: inotify and the wake socket (none once) */
int watch_fds(struct watch *w, struct pollfd *pfd)
{
    if (w->once)
        return 0;
    pfd[0] = (struct pollfd){.fd = w->ino, .events = POLLIN};
    pfd[1] = (struct pollfd){.fd = w->wake, .events = POLLIN};
    return 2;
}

/* watch_read - take the names poll(2) found for us */
void watch_read(struct watch *w, const struct pollfd *pfd)
{
    if (w->once)
        return;
    if (pfd[0].revents)
        drain_ino(w);
    if (pfd[1].revents)
        drain_wake(w);
}

/* watch_close - let go of the outbox */
void watch_close(struct watch *w)
{
    if (w->scan)
        closedir(w->scan);
    if (w->ino >= 0)
        close(w->ino);
    if (w->wake >= 0)
        close(w->wake);
    if (w->lock >= 0)
        close(w->lock);
    w->scan = NULL;
    w->ino = w->wake = w->lock = -1;
}
