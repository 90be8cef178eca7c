/*
 * sendmail.c - a message handed to the local MTA: sendmail run for
 * redirect and vacation
 *
 * sendmail is started with fork + execv (no shell: nothing in an
 * address is ever interpreted), the caller's fixed argv with "--"
 * before the recipient, the message on a pipe to its stdin.  Its
 * stdout and stderr share one pipe, read while the message is written
 * so that a chatty sendmail cannot block on a full pipe while lda
 * blocks on its stdin; the first line is kept for the status text.
 * The whole run has a deadline (s->timeout, 0: 60 s): a sendmail still
 * running then is killed, with its process group (Postfix's sendmail
 * runs postdrop).  The child keeps no descriptor but its three, default
 * signal dispositions and an empty signal mask.  SIGPIPE is ignored
 * while lda writes (a sendmail may exit before reading everything) and
 * SIGCHLD set to its default so that waitpid() finds the child (a
 * front end may ignore it); both are restored after.
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
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../util/clock.h"
#include "send.h"

#define SEND_DEFAULT_TIMEOUT 60 /* seconds, when s->timeout is 0 */
#define SEND_BLOCK 65536        /* bytes written at once */
#define SEND_LINE 200           /* bytes of sendmail's first line kept */

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
