/*
 * exec.c - the exec notifier: run a command with the event on stdin
 *
 * Each attempt is "/bin/sh -c command" in a process group of its own,
 * the event JSON on its stdin, stdout and stderr captured together
 * (the first ATT_REPLY_MAX bytes kept, the rest read and dropped so
 * that the child never blocks on a full pipe) and LDA_EVENT_ID in its
 * environment.  Exit 0 is done, 75 (EX_TEMPFAIL, as for Postfix
 * pipe(8)) asks for a retry, any other exit or a signal fails for
 * good.  An attempt that outlives ep->timeout_ms has its whole process
 * group killed and is retried.  However it ends, once the shell has
 * exited the group is killed too, before the shell is reaped (its pid,
 * the group's id, cannot be reused until then): what the command left
 * running in the background does not outlive the attempt, nor pile up
 * one per event.
 *
 * Nothing here blocks: stdin is fed as the pipe drains, and the end of
 * the child is a pidfd (pidfd_open(2)) turning readable, after which
 * waitpid() reaps exactly that child; the daemon must not reap
 * children itself (no SIGCHLD set to SIG_IGN, no waitpid(-1)).
 * A finished job is reported at once (notifier.h allows it anywhere).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "attempt.h"
#include "endpoint.h"
#include "notifier.h"
#include "../util/clock.h"

/* The driver's own endpoint settings (notifier.h). */
struct exec_settings {
    char command[ENDPOINT_TARGET_MAX];
};

#define COMMAND(ep) (((const struct exec_settings *)(ep)->settings)->command)

static const struct conf_key exec_keys[] = {
    {"command", CONF_STR, CONF_FIELD(struct exec_settings, command), "", NULL},
    {NULL, CONF_STR, 0, 0, NULL, NULL},
};

extern char **environ;

/* One child in flight. */
struct run {
    struct job *job;
    pid_t pid;
    int pidfd;
    int in;                     /* our end of its stdin; -1 when closed */
    int out;                    /* our end of its stdout+stderr */
    size_t off;                 /* bytes of the body written */
    size_t got;                 /* bytes of output kept in the reply */
    long deadline;              /* CLOCK_MONOTONIC, ms */
    int killed;                 /* timed out: killed, not yet reaped */
    int polled;                 /* all its fds are in the pollfd array */
    short rin, rout, rpid;      /* revents of this round */
    struct run *next;
};

struct exec_state {
    struct run *runs;
};

/* timeout_text - "15s" or "1500ms" */
static void timeout_text(long ms, char *buf, size_t cap)
{
    if (ms % 1000 == 0)
        snprintf(buf, cap, "%lds", ms / 1000);
    else
        snprintf(buf, cap, "%ldms", ms);
}

/* make_env - environ with LDA_EVENT_ID=id, built before fork() */
static char **make_env(const char *id)
{
    static const char var[] = "LDA_EVENT_ID=";
    size_t n = 0, i, k = 0, len = strlen(id);
    char **envp, *own;

    while (environ && environ[n])
        n++;
    envp = malloc((n + 2) * sizeof(*envp) + sizeof(var) + len);
    if (envp == NULL)
        return NULL;
    own = (char *)(envp + n + 2);
    memcpy(own, var, sizeof(var) - 1);
    memcpy(own + sizeof(var) - 1, id, len + 1);
    for (i = 0; i < n; i++)
        if (strncmp(environ[i], var, sizeof(var) - 1) != 0)
            envp[k++] = environ[i];
    envp[k++] = own;
    envp[k] = NULL;
    return envp;
}

/*
 * child - set up and exec in the forked child; only async-signal-safe
 * calls.  The daemon's signal mask and ignored signals would survive
 * execve(), so both are reset; the pipe ends are moved above 2 first
 * so that dup2() never meets an fd already in place.
 */
static void child(const char *command, int in, int out, char **envp)
    __attribute__((noreturn));

static void child(const char *command, int in, int out, char **envp)
{
    char *argv[] = {(char *)"sh", (char *)"-c", (char *)command, NULL};
    struct sigaction dfl;
    sigset_t none;
    int sig;

    setpgid(0, 0);
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    for (sig = 1; sig < NSIG; sig++)
        (void)sigaction(sig, &dfl, NULL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    in = fcntl(in, F_DUPFD, 3);
    out = fcntl(out, F_DUPFD, 3);
    if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0
        || dup2(out, 2) < 0)
        _exit(127);
    (void)close_range(3, ~0U, 0);
    execve("/bin/sh", argv, envp);
    _exit(127);
}

/*
 * write_nosig - write(2) to a pipe whose reader may be gone: EPIPE
 * without the SIGPIPE that would end the daemon
 */
static ssize_t write_nosig(int fd, const void *buf, size_t len)
{
    static const struct timespec zero;
    sigset_t pipe_set, old, pending;
    ssize_t n;
    int err, was_pending;

    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigprocmask(SIG_BLOCK, &pipe_set, &old);
    sigpending(&pending);
    was_pending = sigismember(&pending, SIGPIPE);
    n = write(fd, buf, len);
    err = errno;
    if (n < 0 && err == EPIPE && !was_pending)
        while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
            continue;
    sigprocmask(SIG_SETMASK, &old, NULL);
    errno = err;
    return n;
}

/* feed - write what the stdin pipe takes; close it when all is in */
static void feed(struct run *r)
{
    ssize_t n;

    while (r->in >= 0) {
        if (r->off == r->job->len) {
            close(r->in);
            r->in = -1;
            break;
        }
        n = write_nosig(r->in, r->job->body + r->off, r->job->len - r->off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            break;
        if (n <= 0) {
            /* the command stopped reading: its exit status decides */
            close(r->in);
            r->in = -1;
            break;
        }
        r->off += (size_t)n;
    }
}

/* drain - read the child's output: keep the start, drop the rest */
static void drain(struct run *r)
{
    char sink[4096];
    struct attempt *res = &r->job->res;
    ssize_t n;
    int i;

    for (i = 0; r->out >= 0 && i < 64; i++) {
        if (r->got < ATT_REPLY_MAX)
            n = read(r->out, res->reply + r->got, ATT_REPLY_MAX - r->got);
        else
            n = read(r->out, sink, sizeof(sink));
        if (n > 0 && r->got < ATT_REPLY_MAX)
            r->got += (size_t)n;
        if (n > 0 || (n < 0 && errno == EINTR))
            continue;
        if (n < 0 && errno == EAGAIN)
            break;
        close(r->out);
        r->out = -1;
    }
    res->reply[r->got] = '\0';
}

/* close_run - close what is open of a run */
static void close_run(struct run *r)
{
    if (r->in >= 0)
        close(r->in);
    if (r->out >= 0)
        close(r->out);
    if (r->pidfd >= 0)
        close(r->pidfd);
    r->in = r->out = r->pidfd = -1;
}

/* unlink_run - take r off the list of runs and free it */
static void unlink_run(struct exec_state *s, struct run *r)
{
    struct run **pp;

    for (pp = &s->runs; *pp != r; pp = &(*pp)->next)
        continue;
    *pp = r->next;
    close_run(r);
    free(r);
}

/* reap - the child ended: collect its status and judge the attempt */
static void reap(struct exec_state *s, struct run *r, long timeout_ms)
{
    struct job *j = r->job;
    char t[32];
    siginfo_t si;
    pid_t got;
    int wst;

    /* Ended?  Then kill the group while its zombie leader holds the id. */
    si.si_pid = 0;
    while (waitid(P_PID, (id_t)r->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0
           && errno == EINTR)
        continue;
    if (si.si_pid == r->pid)
        kill(-r->pid, SIGKILL);
    while ((got = waitpid(r->pid, &wst, WNOHANG)) < 0 && errno == EINTR)
        continue;
    if (got == 0)
        return;
    drain(r);
    if (got < 0)
        attempt_finish(j, ATT_RETRY, 0, "wait for 'sh -c': %s",
                       strerror(errno));
    else if (r->killed) {
        timeout_text(timeout_ms, t, sizeof(t));
        attempt_finish(j, ATT_RETRY, 0, "timed out after %s", t);
    } else if (WIFEXITED(wst) && WEXITSTATUS(wst) == 0)
        attempt_finish(j, ATT_OK, 0, "%s", "");
    else if (WIFEXITED(wst))
        attempt_finish(j, WEXITSTATUS(wst) == EX_TEMPFAIL_ ? ATT_RETRY
                       : ATT_FAIL, WEXITSTATUS(wst), "exit %d",
                       WEXITSTATUS(wst));
    else
        attempt_finish(j, ATT_FAIL, 0, "killed by signal %d",
                       WTERMSIG(wst));
    unlink_run(s, r);
}

/* kill_run - end the whole process group, the shell's children too */
static void kill_run(struct run *r)
{
    kill(-r->pid, SIGKILL);
    kill(r->pid, SIGKILL);
    r->killed = 1;
    /* only the pidfd matters now: it tells when the child is gone */
    if (r->in >= 0)
        close(r->in);
    if (r->out >= 0)
        close(r->out);
    r->in = r->out = -1;
}

/* nonblock - set O_NONBLOCK on our end of a pipe */
static int nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* exec_start - fork the command; a failure to start is retried */
static void exec_start(struct endpoint *ep, struct job *j)
{
    struct exec_state *s = ep->priv;
    struct run *r;
    int inp[2] = {-1, -1}, outp[2] = {-1, -1}, err;
    char **envp = NULL;
    pid_t pid;
    int i;

    memset(&j->res, 0, sizeof(j->res));
    if ((r = calloc(1, sizeof(*r))) == NULL
        || pipe2(inp, O_CLOEXEC) < 0 || pipe2(outp, O_CLOEXEC) < 0
        || nonblock(inp[1]) < 0 || nonblock(outp[0]) < 0
        || (envp = make_env(j->id)) == NULL) {
        err = errno;
        goto fail;
    }
    if ((pid = fork()) == 0)
        child(COMMAND(ep), inp[0], outp[1], envp);
    err = errno;
    free(envp);
    close(inp[0]);
    close(outp[1]);
    inp[0] = outp[1] = -1;
    if (pid < 0)
        goto fail;
    /* both sides: the child may not have run yet when we kill it */
    setpgid(pid, pid);
    r->job = j;
    r->pid = pid;
    r->in = inp[1];
    r->out = outp[0];
    r->deadline = clock_ms() + ep->timeout_ms;
    if ((r->pidfd = pidfd_open(pid, 0)) < 0) {
        err = errno;
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            continue;
        close_run(r);
        free(r);
        attempt_finish(j, ATT_RETRY, 0, "pidfd_open: %s",
                       strerror(err));
        return;
    }
    j->priv = r;
    r->next = s->runs;
    s->runs = r;
    feed(r);
    return;
fail:
    free(r);
    for (i = 0; i < 2; i++) {
        if (inp[i] >= 0)
            close(inp[i]);
        if (outp[i] >= 0)
            close(outp[i]);
    }
    attempt_finish(j, ATT_RETRY, 0, "start 'sh -c': %s", strerror(err));
}

/* add - one pollfd, when there is room */
static int add(struct pollfd *pfd, int cap, int *n, int fd, short events)
{
    if (*n == cap)
        return -1;
    pfd[*n].fd = fd;
    pfd[*n].events = events;
    pfd[*n].revents = 0;
    (*n)++;
    return 0;
}

/*
 * exec_pollfds - each child's stdin (while unwritten), output and
 * pidfd; a child that does not fit into cap is looked at every 50 ms
 */
static int exec_pollfds(struct endpoint *ep, struct pollfd *pfd, int cap,
                        long *timeout_ms)
{
    struct exec_state *s = ep->priv;
    struct run *r;
    long now = clock_ms(), left;
    int n = 0, mark;

    for (r = s->runs; r; r = r->next) {
        mark = n;
        r->polled = (r->in < 0 || add(pfd, cap, &n, r->in, POLLOUT) == 0)
            && (r->out < 0 || add(pfd, cap, &n, r->out, POLLIN) == 0)
            && (r->pidfd < 0 || add(pfd, cap, &n, r->pidfd, POLLIN) == 0);
        if (!r->polled)
            n = mark;
        left = r->killed ? -1 : r->deadline > now ? r->deadline - now : 0;
        if (!r->polled)
            left = left < 0 || left > 50 ? 50 : left;
        if (left >= 0 && (*timeout_ms < 0 || left < *timeout_ms))
            *timeout_ms = left;
    }
    return n;
}

/*
 * exec_progress - feed, read, reap and time out.  The
 * revents are noted on the runs first, so that nothing that finishing
 * a run changes can confuse the look-up.
 */
static void exec_progress(struct endpoint *ep, struct pollfd *pfd, int n)
{
    struct exec_state *s = ep->priv;
    struct run *r, *next;
    long now;
    int i;

    for (i = 0; i < n; i++) {
        if (pfd[i].revents == 0)
            continue;
        for (r = s->runs; r; r = r->next) {
            if (pfd[i].fd == r->in)
                r->rin = pfd[i].revents;
            else if (pfd[i].fd == r->out)
                r->rout = pfd[i].revents;
            else if (pfd[i].fd == r->pidfd)
                r->rpid = pfd[i].revents;
        }
    }
    now = clock_ms();
    for (r = s->runs; r; r = next) {
        next = r->next;
        if (r->rin || !r->polled)
            feed(r);
        if (r->rout || !r->polled)
            drain(r);
        r->rin = r->rout = 0;
        if (r->rpid || !r->polled) {
            r->rpid = 0;
            reap(s, r, ep->timeout_ms);     /* may free r */
        } else if (!r->killed && now >= r->deadline)
            kill_run(r);
    }
}

/* exec_check - a command to run */
static int exec_check(const struct endpoint *ep, struct status *st)
{
    if (COMMAND(ep)[0] == '\0')
        return status_set(st, "4.3.5", "'command' is empty");
    return 0;
}

/* exec_init - an empty set of runs */
static int exec_init(struct endpoint *ep, struct status *st)
{
    struct exec_state *s = calloc(1, sizeof(*s));

    if (s == NULL)
        return status_errno(st, ENOMEM, "endpoint '%s'", ep->name);
    ep->priv = s;
    return 0;
}

/*
 * exec_fini - kill and reap what still runs and free everything; jobs
 * not yet reported are not reported (the queue is shutting down)
 */
static void exec_fini(struct endpoint *ep)
{
    struct exec_state *s = ep->priv;
    struct run *r;

    if (s == NULL)
        return;
    while ((r = s->runs) != NULL) {
        kill(-r->pid, SIGKILL);
        kill(r->pid, SIGKILL);
        while (waitpid(r->pid, NULL, 0) < 0 && errno == EINTR)
            continue;
        r->job->priv = NULL;
        unlink_run(s, r);
    }
    free(s);
    ep->priv = NULL;
}

const struct notifier_ops notifier_exec_ops = {
    .name = "exec",
    .keys = exec_keys,
    .settings_size = sizeof(struct exec_settings),
    .target_key = "command",
    .concurrency = 4,
    .check = exec_check,
    .init = exec_init,
    .start = exec_start,
    .pollfds = exec_pollfds,
    .progress = exec_progress,
    .fini = exec_fini,
};
