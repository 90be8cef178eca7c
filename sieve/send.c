/*
 * send.c - mail sent on by a Sieve script: sendmail runs and redirect
 *
 * sendmail is started with fork + execv (no shell: nothing in an
 * address is ever interpreted), a fixed argv and "--" before the
 * recipient, the message on a pipe to its stdin.  Its stdout and stderr
 * share one pipe, read while the message is written so that a chatty
 * sendmail cannot block on a full pipe while lda blocks on its stdin;
 * the first line is kept for the status text.  The whole run has a
 * deadline (s->timeout): a sendmail still running then is killed, with
 * its process group (Postfix's sendmail runs postdrop).  The child
 * keeps no descriptor but its three, default signal dispositions and an
 * empty signal mask.  SIGPIPE is ignored while lda writes (a sendmail
 * may exit before reading everything) and SIGCHLD set to its default so
 * waitpid() finds the child; both are restored after.
 *
 * Exit 0 is success; anything else is 4.3.0 with sendmail's words, so
 * that the delivery is retried rather than a forward silently lost.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../event/addr.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "eval.h"
#include "send.h"

#define SEND_DEFAULT_TIMEOUT 60 /* seconds, when s->timeout is 0 */
#define SEND_BLOCK 65536        /* message bytes read and written at once */
#define SEND_LINE 200           /* bytes of sendmail's first line kept */
#define REDIRECT_FILE "lda-redirect"
#define REDIRECT_PERIOD (12 * 3600)     /* Pigeonhole's, for duplicates */
#define REDIRECT_ID_MAX 1000

struct sieve_out {
    pid_t pid;
    int in;                     /* sendmail's stdin, -1 once closed */
    int out;                    /* its stdout and stderr, -1 at EOF */
    long long deadline;         /* clock_ms() */
    unsigned seconds;           /* the timeout, for the status text */
    int timed_out;
    int broken;                 /* EPIPE: it stopped reading */
    int reaped;
    int wstatus;
    char line[SEND_LINE];       /* its first line of output */
    size_t nline;
    int line_done;
};

/* remaining - milliseconds left before the deadline, at least 0 */
static int remaining(const struct sieve_out *o)
{
    long long left = o->deadline - clock_ms();

    if (left <= 0)
        return 0;
    return left > 1000000 ? 1000000 : (int)left;
}

/* take_output - read what sendmail printed, keeping its first line */
static void take_output(struct sieve_out *o)
{
    char buf[4096];
    ssize_t n;
    ssize_t i;

    if (o->out < 0)
        return;
    n = read(o->out, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        close(o->out);
        o->out = -1;
        return;
    }
    for (i = 0; i < n && !o->line_done; i++) {
        if (buf[i] == '\n') {
            o->line_done = 1;
        } else if (o->nline + 1 < sizeof(o->line)) {
            /* the status text is one printable line */
            o->line[o->nline++] = (unsigned char)buf[i] < ' ' ? ' ' : buf[i];
        }
    }
    o->line[o->nline] = '\0';
}

/* wait_any - poll the two pipes until one is ready or ms pass */
static void wait_any(struct sieve_out *o, int want_in, int ms)
{
    struct pollfd p[2];
    int n = 0;

    if (want_in && o->in >= 0) {
        p[n].fd = o->in;
        p[n++].events = POLLOUT;
    }
    if (o->out >= 0) {
        p[n].fd = o->out;
        p[n++].events = POLLIN;
    }
    if (n == 0) {
        /* nothing to watch: a short sleep between waitpid() calls */
        struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)ms * 1000000L};

        nanosleep(&ts, NULL);
        return;
    }
    if (poll(p, (nfds_t)n, ms) > 0 && o->out >= 0
        && (p[n - 1].revents & (POLLIN | POLLHUP | POLLERR)))
        take_output(o);
}

/*
 * sieve_out_write - len bytes to sendmail's stdin, all of them, within
 * the deadline: 0, or -1 when it timed out or stopped reading (the
 * reason is in o and reported by the run's end)
 */
int sieve_out_write(struct sieve_out *o, const void *buf, size_t len)
{
    const char *p = buf;
    ssize_t n;

    while (len > 0) {
        if (o->in < 0 || o->timed_out || o->broken)
            return -1;
        n = write(o->in, p, len > SEND_BLOCK ? SEND_BLOCK : len);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EPIPE) {
            o->broken = 1;
            return -1;
        }
        if (n < 0 && errno != EINTR && errno != EAGAIN) {
            o->broken = 1;
            return -1;
        }
        if (remaining(o) == 0) {
            o->timed_out = 1;
            return -1;
        }
        wait_any(o, 1, remaining(o));
    }
    return 0;
}

/* close_from - close every descriptor from fd up (in the child) */
static void close_from(int fd)
{
    struct rlimit rl;
    long max = 1024, i;

#ifdef SYS_close_range
    /* Linux 5.9: one call; older kernels say ENOSYS and get the loop */
    if (syscall(SYS_close_range, (unsigned)fd, ~0U, 0) == 0)
        return;
#endif
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        max = rl.rlim_cur > 65536 ? 65536 : (long)rl.rlim_cur;
    for (i = fd; i < max; i++)
        close((int)i);
}

/*
 * child - in the new process: the pipes become 0, 1 and 2 and sendmail
 * runs; an exec failure is told to the parent through the report pipe
 */
static void child(const char *path, char *const argv[], int in, int out,
                  int report)
{
    sigset_t none;
    int sig, e;

    /* its own process group, so a timeout kills postdrop too */
    setpgid(0, 0);
    for (sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* above 2 first, so that dup2 never meets its own descriptor */
    in = fcntl(in, F_DUPFD_CLOEXEC, 3);
    out = fcntl(out, F_DUPFD_CLOEXEC, 3);
    if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0
        || dup2(out, 2) < 0)
        goto fail;
    if (report != 3 && dup2(report, 3) < 0)
        goto fail;
    fcntl(3, F_SETFD, FD_CLOEXEC);
    close_from(4);
    execv(path, argv);
  fail:
    e = errno;
    (void)!write(3, &e, sizeof(e));
    _exit(127);
}

/*
 * start - run sendmail; 0 with o filled, or -1 with st.  The report
 * pipe is close-on-exec: reading it returns 0 bytes once exec worked,
 * or the child's errno when it did not.
 */
static int start(const struct sieve_send *s, char *const argv[],
                 struct sieve_out *o, const char *what, struct status *st)
{
    int in[2], out[2], rep[2];
    int e = 0;
    ssize_t n;

    memset(o, 0, sizeof(*o));
    o->in = o->out = -1;
    o->seconds = s->timeout ? s->timeout : SEND_DEFAULT_TIMEOUT;
    o->deadline = clock_ms() + 1000LL * o->seconds;
    if (pipe2(in, O_CLOEXEC) < 0)
        return status_errno(st, errno, "%s failed: pipe", what);
    if (pipe2(out, O_CLOEXEC) < 0) {
        e = errno;
        close(in[0]);
        close(in[1]);
        return status_errno(st, e, "%s failed: pipe", what);
    }
    if (pipe2(rep, O_CLOEXEC) < 0) {
        e = errno;
        goto fail_pipes;
    }
    o->pid = fork();
    if (o->pid < 0) {
        e = errno;
        close(rep[0]);
        close(rep[1]);
        goto fail_pipes;
    }
    if (o->pid == 0) {
        close(in[1]);
        close(out[0]);
        close(rep[0]);
        child(s->sendmail, argv, in[0], out[1], rep[1]);
    }
    /* as the child does: whichever runs first, kill(-pid) then works */
    setpgid(o->pid, o->pid);
    close(in[0]);
    close(out[1]);
    close(rep[1]);
    do
        n = read(rep[0], &e, sizeof(e));
    while (n < 0 && errno == EINTR);
    close(rep[0]);
    o->in = in[1];
    o->out = out[0];
    fcntl(o->in, F_SETFL, O_NONBLOCK);
    fcntl(o->out, F_SETFL, O_NONBLOCK);
    if (n == (ssize_t)sizeof(e)) {
        /* exec failed: the child is gone already */
        close(o->in);
        close(o->out);
        while (waitpid(o->pid, NULL, 0) < 0 && errno == EINTR)
            ;
        return status_errno_as(st, "4.3.0", e, "%s failed: run '%s'", what,
                               s->sendmail);
    }
    return 0;

  fail_pipes:
    close(in[0]);
    close(in[1]);
    close(out[0]);
    close(out[1]);
    return status_errno(st, e, "%s failed: run '%s'", what, s->sendmail);
}

/* reap - wait for sendmail until the deadline; kill it past that */
static void reap(struct sieve_out *o)
{
    pid_t r;

    if (o->in >= 0) {
        close(o->in);
        o->in = -1;
    }
    while (!o->reaped && !o->timed_out) {
        r = waitpid(o->pid, &o->wstatus, WNOHANG);
        if (r == o->pid || (r < 0 && errno != EINTR)) {
            o->reaped = 1;
            break;
        }
        if (remaining(o) == 0) {
            o->timed_out = 1;
            break;
        }
        /* its output is read meanwhile; waitpid() is asked again at
         * least every 20 ms, as a grandchild may hold the pipe open */
        wait_any(o, 0, remaining(o) < 20 ? remaining(o) : 20);
    }
    if (!o->reaped) {
        kill(-o->pid, SIGKILL);
        kill(o->pid, SIGKILL);
        while (waitpid(o->pid, &o->wstatus, 0) < 0 && errno == EINTR)
            ;
    }
    /* what it printed last, without waiting */
    while (o->out >= 0 && !o->line_done) {
        struct pollfd p = {.fd = o->out, .events = POLLIN};

        if (poll(&p, 1, 0) <= 0)
            break;
        take_output(o);
    }
    if (o->out >= 0)
        close(o->out);
    o->out = -1;
}

/* outcome - 0 for exit 0 after the whole message; -1 with st else */
static int outcome(const struct sieve_out *o, int fed, const char *what,
                   struct status *st)
{
    const char *sep = o->nline ? ": " : "";

    if (o->timed_out)
        return status_set(st, "4.3.0", "%s failed: sendmail timed out "
                          "after %u s%s%s", what, o->seconds, sep, o->line);
    if (WIFSIGNALED(o->wstatus))
        return status_set(st, "4.3.0", "%s failed: sendmail killed by "
                          "signal %d%s%s", what, WTERMSIG(o->wstatus), sep,
                          o->line);
    if (!WIFEXITED(o->wstatus) || WEXITSTATUS(o->wstatus) != 0)
        return status_set(st, "4.3.0", "%s failed: sendmail exit %d%s%s",
                          what, WIFEXITED(o->wstatus) ?
                          WEXITSTATUS(o->wstatus) : -1, sep, o->line);
    if (!fed)
        return status_set(st, "4.3.0", "%s failed: sendmail exited "
                          "before reading the message%s%s", what, sep,
                          o->line);
    return 0;
}

/*
 * sieve_sendmail - run sendmail with argv, feed writing the message
 * through sieve_out_write: 0 when it took it (exit 0), -1 with st
 * ("4.3.0 WHAT failed: ...") otherwise.  feed returns -1 when a write
 * failed (the run's end tells why) or, with st filled, when it could
 * not make the message: sendmail is then killed before it queues a
 * part of it.
 */
int sieve_sendmail(const struct sieve_send *s, char *const argv[],
                   int (*feed)(void *arg, struct sieve_out *o,
                                struct status *st), void *arg,
                   const char *what, struct status *st)
{
    struct sigaction ign, dfl, old_pipe, old_chld;
    struct sieve_out o;
    int fed, rc;

    if (s->sendmail == NULL || s->sendmail[0] != '/')
        return status_set(st, "4.3.5", "%s failed: sendmail_path '%s' is "
                          "not an absolute path", what,
                          s->sendmail ? s->sendmail : "");
    memset(&ign, 0, sizeof(ign));
    sigemptyset(&ign.sa_mask);
    dfl = ign;
    ign.sa_handler = SIG_IGN;
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGPIPE, &ign, &old_pipe);
    sigaction(SIGCHLD, &dfl, &old_chld);
    if (start(s, argv, &o, what, st) < 0) {
        rc = -1;
    } else {
        fed = feed(arg, &o, st) == 0;
        if (!fed && !o.timed_out && !o.broken) {
            /* the feed itself failed (reading the message): st holds
             * why; sendmail must not queue half a message */
            kill(-o.pid, SIGKILL);
            kill(o.pid, SIGKILL);
            o.timed_out = 0;
            close(o.in);
            o.in = -1;
            while (waitpid(o.pid, NULL, 0) < 0 && errno == EINTR)
                ;
            o.reaped = 1;
            if (o.out >= 0)
                close(o.out);
            rc = -1;
        } else {
            reap(&o);
            rc = outcome(&o, fed, what, st);
        }
    }
    sigaction(SIGCHLD, &old_chld, NULL);
    sigaction(SIGPIPE, &old_pipe, NULL);
    return rc;
}

/*
 * sieve_message_id - a new Message-ID, "<time.pid.count.random@host>",
 * into out (cap bytes)
 */
void sieve_message_id(char *out, size_t cap, time_t now)
{
    static unsigned count;
    char host[256];
    unsigned long long r = (unsigned long long)clock_ms() * 2654435761ULL;

    if (gethostname(host, sizeof(host)) < 0 || host[0] == '\0')
        snprintf(host, sizeof(host), "localhost");
    host[sizeof(host) - 1] = '\0';
    snprintf(out, cap, "<%lld.%ld.%u.%llx@%s>", (long long)now,
             (long)getpid(), ++count, r & 0xffffffffULL, host);
}

/* What redirect feeds sendmail. */
struct redirect {
    const struct sieve_send *s;
    const char *head;           /* the added header fields */
    uint64_t from;              /* where the stored message goes on */
};

/*
 * skip_return_path - the offset after lda's own Return-Path line at the
 * top of the stored message (with any continuation), 0 when none
 */
static uint64_t skip_return_path(const struct sieve_send *s)
{
    static const char name[] = "return-path:";
    char buf[1024];
    long n = s->pread(s->arg, buf, sizeof(buf), 0);
    long i;

    if (n < (long)sizeof(name) - 1
        || strncasecmp(buf, name, sizeof(name) - 1) != 0)
        return 0;
    for (i = 0; i < n; i++)
        if (buf[i] == '\n' && (i + 1 >= n || (buf[i + 1] != ' '
                                              && buf[i + 1] != '\t')))
            return (uint64_t)i + 1;
    return 0;                   /* a line this long is not lda's */
}

/* redirect_feed - the added header fields, then the stored message */
static int redirect_feed(void *arg, struct sieve_out *o, struct status *st)
{
    struct redirect *r = arg;
    const struct sieve_send *s = r->s;
    uint64_t off = r->from;
    char *buf;
    long n;
    int rc = 0;

    if (sieve_out_write(o, r->head, strlen(r->head)) < 0)
        return -1;
    if ((buf = malloc(SEND_BLOCK)) == NULL)
        return status_errno(st, ENOMEM, "redirect failed: read message");
    while (off < s->size) {
        size_t want = s->size - off > SEND_BLOCK ? SEND_BLOCK
            : (size_t)(s->size - off);

        n = s->pread(s->arg, buf, want, off);
        if (n <= 0) {
            rc = status_errno(st, n < 0 ? errno : EIO,
                              "redirect failed: read message");
            break;
        }
        if (sieve_out_write(o, buf, (size_t)n) < 0) {
            rc = -1;
            break;
        }
        off += (uint64_t)n;
    }
    free(buf);
    return rc;
}

/* first_value - keep the first value sv_msg_header_each finds */
static int first_value(void *arg, const char *value, size_t len)
{
    char *out = arg;

    if (out[0] == '\0')
        snprintf(out, REDIRECT_ID_MAX, "%.*s", (int)len, value);
    return 0;
}

/* one_address - whether addr is one plain address, as sendmail will
 * read it (Postfix parses a recipient argument as an address list) */
static int one_address(const char *addr)
{
    struct addr a[2];
    const char *p;

    for (p = addr; *p; p++)
        if ((unsigned char)*p < ' ' || *p == 0x7f)
            return 0;
    return addr_parse_list(addr, a, 2) == 1 && strcmp(a[0].address,
                                                       addr) == 0;
}

/*
 * sieve_redirect - the stored message to addr, as Pigeonhole sends it:
 * lda's Return-Path line dropped (sendmail makes the next hop's), the
 * Delivered-To lines kept (they are the loop guard: lda refuses a
 * message whose Delivered-To names its recipient, so a redirect loop
 * ends in a bounce), and on top "X-Sieve: lda" and
 * "X-Sieve-Redirected-From: <the recipient>" as Pigeonhole adds, and a
 * Message-ID when the message has none.  The envelope sender is
 * s->envelope_from, but <> whenever the message's own was <>
 * (RFC 5228 4.2: a bounce redirected must not bounce again).
 *
 * As Pigeonhole, a message (by its Message-ID) sent on to an address is
 * remembered for 12 hours in DIR/lda-redirect: a delivery retried after
 * a temporary failure does not forward it twice.  The memory only
 * spares duplicates: when it cannot be read or written the redirect
 * goes ahead.
 */
int sieve_redirect(const struct sieve_send *s, const char *addr,
                   struct status *st)
{
    char what[400], head[1200], msgid[REDIRECT_ID_MAX], key[33];
    const char *from, *parts[2];
    struct redirect r = {.s = s};
    struct status mst;
    struct sv_msg *m;
    char *argv[7];
    int rc;

    snprintf(what, sizeof(what), "redirect to <%s>", addr);
    if (!one_address(addr))
        return status_set(st, "4.3.0", "%s failed: not one address", what);
    from = s->sender == NULL || s->sender[0] == '\0'
        || s->envelope_from == NULL || s->envelope_from[0] == '\0'
        ? "<>" : s->envelope_from;
    msgid[0] = '\0';
    if ((m = sv_msg_open(s->pread, s->arg, s->size)) == NULL)
        return status_errno(st, ENOMEM, "%s failed: read message", what);
    if (sv_msg_header_each(m, "Message-ID", 0, first_value, msgid) < 0)
        msgid[0] = '\0';
    sv_msg_free(m);
    key[0] = '\0';
    if (msgid[0]) {
        parts[0] = addr;
        parts[1] = msgid;
        sieve_sent_key(key, 1, parts, 2);
        if (s->b != NULL && sieve_sent_check(s, REDIRECT_FILE, key, &mst) > 0)
            return 0;   /* forwarded already, by an earlier attempt */
        snprintf(head, sizeof(head), "X-Sieve: lda\n"
                 "X-Sieve-Redirected-From: %s\n",
                 s->recipient ? s->recipient : "");
    } else {
        sieve_message_id(msgid, sizeof(msgid), s->now);
        snprintf(head, sizeof(head), "X-Sieve: lda\n"
                 "X-Sieve-Redirected-From: %s\nMessage-ID: %s\n",
                 s->recipient ? s->recipient : "", msgid);
    }
    r.head = head;
    r.from = skip_return_path(s);
    argv[0] = (char *)s->sendmail;
    argv[1] = (char *)"-i";
    argv[2] = (char *)"-f";
    argv[3] = (char *)from;
    argv[4] = (char *)"--";
    argv[5] = (char *)addr;
    argv[6] = NULL;
    if ((rc = sieve_sendmail(s, argv, redirect_feed, &r, what, st)) < 0)
        return rc;
    if (key[0] && s->b != NULL
        && sieve_sent_mark(s, REDIRECT_FILE, key,
                           (long long)s->now + REDIRECT_PERIOD, &mst) < 0)
        log_warn("%s: sent, but not remembered: %s %s", what, mst.code,
                 mst.text);
    return 0;
}
