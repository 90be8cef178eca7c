/*
 * unixsock.c - the unix notifier: one event per line on a stream socket
 *
 * Each event goes to the AF_UNIX SOCK_STREAM socket SOCKPATH(ep) as its
 * JSON and a "\n" (JSON Lines).  One non-blocking connection per
 * endpoint carries every job, in the order start() was called: with
 * concurrency above 1 the jobs wait in a FIFO here.  A job is done when
 * the socket has accepted its whole line; what the listener does with
 * it is its own business.  A failed connect or write, or a job that
 * waits longer than ep->timeout_ms, is retried.
 *
 * The stream must stay a sequence of whole lines: when a line was cut
 * off (an error or a timeout part way) the connection is dropped and
 * the next job gets a new one.  A connection that died while idle
 * (end of file seen while polled, or EPIPE on the first write of a
 * line) is replaced without failing the job.  Writes use MSG_NOSIGNAL:
 * a gone listener is EPIPE, not SIGPIPE.  A finished job is reported
 * at once (notifier.h allows it anywhere).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "attempt.h"
#include "endpoint.h"
#include "notifier.h"
#include "../util/clock.h"

/* The driver's own endpoint settings (notifier.h). */
struct unix_settings {
    char path[ENDPOINT_TARGET_MAX];
};

#define SOCKPATH(ep) (((const struct unix_settings *)(ep)->settings)->path)

static const struct conf_key unix_keys[] = {
    {"path", CONF_STR, CONF_FIELD(struct unix_settings, path), "", NULL},
    {NULL, CONF_STR, 0, 0, NULL, NULL},
};

/* One job waiting or being written. */
struct pending {
    struct job *job;
    long deadline;              /* CLOCK_MONOTONIC, ms */
    struct pending *next;
};

struct usock {
    int fd;                     /* -1: not connected */
    int connecting;             /* connect(2) in progress */
    int fresh;                  /* connected for the head job */
    int polled;                 /* the fd handed out by pollfds() */
    size_t off;                 /* bytes of the head's line accepted */
    struct pending *head, **tail;
};

/* drop - close the connection */
static void drop(struct usock *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    s->connecting = 0;
    s->fresh = 0;
    s->polled = -1;             /* a new fd may get the same number */
}

/* pop - take p off the FIFO and finish its job */
static void pop(struct usock *s, struct pending *p, enum attempt_outcome o,
                const char *error)
{
    struct pending **pp;
    int was_head = p == s->head;

    for (pp = &s->head; *pp != p; pp = &(*pp)->next)
        continue;
    if ((*pp = p->next) == NULL)
        s->tail = pp;
    if (was_head) {
        /* it was the head: a cut-off line must not run into the next */
        if (s->off > 0 || s->connecting)
            drop(s);
        s->off = 0;
    }
    attempt_finish(p->job, o, 0, "%s", error);
    free(p);
}

/* fail_head - the head job failed on the socket: retry it later */
static void fail_head(struct usock *s, const char *what, const char *path,
                      int err)
{
    char msg[256];

    snprintf(msg, sizeof(msg), "%s '%s': %s", what, path, strerror(err));
    drop(s);
    if (s->head != NULL)
        pop(s, s->head, ATT_RETRY, msg);
}

/* open_conn - start a connection; -1 with errno when it failed at once */
static int open_conn(struct usock *s, const char *path)
{
    struct sockaddr_un sun;
    int err;

    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun.sun_path)) {
        errno = ENAMETOOLONG;   /* unix_check() refused it already */
        return -1;
    }
    memcpy(sun.sun_path, path, strlen(path) + 1);
    s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->fd < 0)
        return -1;
    s->fresh = 1;
    s->off = 0;
    while (connect(s->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        if (errno == EINTR)
            continue;
        /* Linux connects AF_UNIX at once; others may not */
        if (errno == EINPROGRESS) {
            s->connecting = 1;
            return 0;
        }
        err = errno;
        drop(s);
        errno = err;
        return -1;
    }
    return 0;
}

/* send_head - write more of the head's line; -1 with errno on failure */
static ssize_t send_head(struct usock *s)
{
    struct job *j = s->head->job;
    struct iovec iov[2];
    struct msghdr msg;
    int n = 0;

    if (s->off < j->len) {
        iov[n].iov_base = (char *)j->body + s->off;
        iov[n++].iov_len = j->len - s->off;
    }
    iov[n].iov_base = (char *)"\n";
    iov[n++].iov_len = 1;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = iov;
    msg.msg_iovlen = (size_t)n;
    return sendmsg(s->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* pump - write jobs in order until the socket is full or none is left */
static void pump(struct endpoint *ep, struct usock *s)
{
    ssize_t n;

    while (s->head != NULL) {
        if (s->fd < 0 && open_conn(s, SOCKPATH(ep)) < 0) {
            fail_head(s, "connect", SOCKPATH(ep), errno);
            continue;
        }
        if (s->connecting)
            return;
        n = send_head(s);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n < 0 && s->off == 0 && !s->fresh) {
            /* it died while idle (the listener restarted): once more */
            drop(s);
            continue;
        }
        if (n < 0) {
            fail_head(s, "write", SOCKPATH(ep), errno);
            continue;
        }
        s->off += (size_t)n;
        if (s->off == s->head->job->len + 1) {
            s->off = 0;
            s->fresh = 0;
            pop(s, s->head, ATT_OK, "");
        }
    }
}

/* unix_start - queue the job and write what can be written now */
static void unix_start(struct endpoint *ep, struct job *j)
{
    struct usock *s = ep->priv;
    struct pending *p;

    memset(&j->res, 0, sizeof(j->res));
    if (memchr(j->body, '\n', j->len) != NULL) {
        /* a line per event: an event with a newline would be two */
        attempt_finish(j, ATT_FAIL, 0, "event has a newline");
        return;
    }
    if ((p = calloc(1, sizeof(*p))) == NULL) {
        attempt_finish(j, ATT_RETRY, 0, "%s", strerror(ENOMEM));
        return;
    }
    p->job = j;
    p->deadline = clock_ms() + ep->timeout_ms;
    *s->tail = p;
    s->tail = &p->next;
    pump(ep, s);
}

/*
 * unix_pollfds - the connection: readable (to notice it closed),
 * writable while a line waits; the timeout of the oldest job
 */
static int unix_pollfds(struct endpoint *ep, struct pollfd *pfd, int cap,
                        long *timeout_ms)
{
    struct usock *s = ep->priv;
    struct pending *p;
    long now = clock_ms(), left;

    for (p = s->head; p; p = p->next) {
        left = p->deadline > now ? p->deadline - now : 0;
        if (*timeout_ms < 0 || left < *timeout_ms)
            *timeout_ms = left;
    }
    s->polled = -1;
    if (s->fd < 0 || cap < 1) {
        if (s->fd >= 0 && s->head && (*timeout_ms < 0 || *timeout_ms > 50))
            *timeout_ms = 50;   /* no room: look again soon */
        return 0;
    }
    pfd[0].fd = s->polled = s->fd;
    pfd[0].events = POLLIN | (s->head ? POLLOUT : 0);
    pfd[0].revents = 0;
    return 1;
}

/* closed - whether the listener hung up; what it sent is dropped */
static int closed(struct usock *s, int *err)
{
    char sink[1024];
    ssize_t n;
    int i;

    /* bounded: a listener that talks without end must not hold us */
    for (i = 0; i < 64; i++) {
        n = recv(s->fd, sink, sizeof(sink), MSG_DONTWAIT);
        if (n > 0 || (n < 0 && errno == EINTR))
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        *err = n == 0 ? EPIPE : errno;
        return 1;
    }
    return 0;
}

/* unix_progress - connection events, timeouts, more writes, reports */
static void unix_progress(struct endpoint *ep, struct pollfd *pfd, int n)
{
    struct usock *s = ep->priv;
    struct pending *p, *next;
    socklen_t len = sizeof(int);
    short rev = 0;
    long now;
    int i, err = 0;

    for (i = 0; i < n; i++)
        if (pfd[i].fd == s->polled && s->polled == s->fd)
            rev = pfd[i].revents;
    if (s->connecting && (rev & (POLLOUT | POLLERR | POLLHUP))) {
        if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
            err = errno;
        s->connecting = 0;
        if (err != 0)
            fail_head(s, "connect", SOCKPATH(ep), err);
    } else if (s->fd >= 0 && (rev & (POLLIN | POLLERR | POLLHUP))
               && closed(s, &err)) {
        if (s->head && s->off > 0)
            fail_head(s, "write", SOCKPATH(ep), err);
        else
            drop(s);
    }
    now = clock_ms();
    for (p = s->head; p; p = next) {
        char msg[64];
        long t = ep->timeout_ms;

        next = p->next;
        if (now < p->deadline)
            continue;
        if (t % 1000 == 0)
            snprintf(msg, sizeof(msg), "timed out after %lds", t / 1000);
        else
            snprintf(msg, sizeof(msg), "timed out after %ldms", t);
        pop(s, p, ATT_RETRY, msg);
    }
    pump(ep, s);
}

/* unix_check - a path that fits a socket address */
static int unix_check(const struct endpoint *ep, struct status *st)
{
    struct sockaddr_un sun;

    if (SOCKPATH(ep)[0] == '\0')
        return status_set(st, "4.3.5", "'path' is empty");
    if (strlen(SOCKPATH(ep)) >= sizeof(sun.sun_path))
        return status_set(st, "4.3.5", "'path' is longer than a unix socket "
                          "address takes (%zu bytes)",
                          sizeof(sun.sun_path) - 1);
    return 0;
}

/* unix_init - no connection yet: the first job makes it */
static int unix_init(struct endpoint *ep, struct status *st)
{
    struct usock *s = calloc(1, sizeof(*s));

    if (s == NULL)
        return status_errno(st, ENOMEM, "endpoint '%s'", ep->name);
    s->fd = -1;
    s->polled = -1;
    s->tail = &s->head;
    ep->priv = s;
    return 0;
}

/* unix_fini - close and free; unreported jobs stay unreported */
static void unix_fini(struct endpoint *ep)
{
    struct usock *s = ep->priv;
    struct pending *p;

    if (s == NULL)
        return;
    drop(s);
    while ((p = s->head) != NULL) {
        s->head = p->next;
        p->job->priv = NULL;
        free(p);
    }
    free(s);
    ep->priv = NULL;
}

const struct notifier_ops notifier_unix_ops = {
    .name = "unix",
    .keys = unix_keys,
    .settings_size = sizeof(struct unix_settings),
    .target_key = "path",
    .concurrency = 1,           /* one connection: lines stay in order */
    .check = unix_check,
    .init = unix_init,
    .start = unix_start,
    .pollfds = unix_pollfds,
    .progress = unix_progress,
    .fini = unix_fini,
};
