/*
 * run.c - one recipient's delivery: in this process, or a child's
 *
 * A server that is not root delivers in its connection process, as
 * itself (deliver() gives up nothing it does not have).  A root server
 * forks, without exec, a child per delivery: the child becomes the
 * account's owner (deliver() drops root exactly as lda does), delivers,
 * and writes its outcome into a pipe; so a delivery for one account can
 * never touch another's mail, and the connection process, which stays
 * root, never touches a Maildir.  The parent waits for the outcome as
 * long as delivery_timeout and a grace period allow, then kills the
 * child: a delivery that does not say it succeeded is a 4.3.0.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../util/clock.h"
#include "run.h"

#define GRACE_MS 10000          /* past delivery_timeout */

/* What a child reports. */
struct outcome {
    int rc;
    struct status st;
    struct delivered out;
};

/* child - deliver and report; never returns */
static void child(const struct config *cfg, const struct envelope *env,
                  struct spool *sp, int fd, int client)
{
    struct outcome o;

    memset(&o, 0, sizeof(o));
    close(client);              /* the client is the parent's to answer */
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    o.rc = deliver(cfg, env, &sp->src, &o.out, &o.st);
    (void)!write(fd, &o, sizeof(o));
    _exit(0);
}

/*
 * collect - the child's report, waiting at most ms: 0; -1 when time is
 * up; -2 when the child ended without one
 */
static int collect(int fd, struct outcome *o, long ms)
{
    size_t got = 0;
    long long end = clock_ms() + ms;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    ssize_t n;

    while (got < sizeof(*o)) {
        long long left = end - clock_ms();

        if (left <= 0)
            return -1;
        if ((n = poll(&p, 1, (int)left)) < 0 && errno != EINTR)
            return -2;
        if (n <= 0)
            continue;           /* time is up, or EINTR: look again */
        n = read(fd, (char *)o + got, sizeof(*o) - got);
        if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
            return -2;
        if (n > 0)
            got += (size_t)n;
    }
    return 0;
}

/* isolated - deliver in a child that becomes the account */
static int isolated(const struct config *cfg, const struct envelope *env,
                    struct spool *sp, int client, struct delivered *out,
                    struct status *st)
{
    struct outcome o;
    struct timeval start;
    int p[2], ws, got;
    pid_t pid;

    gettimeofday(&start, NULL);
    if (pipe(p) < 0)
        return status_errno(st, errno, "pipe");
    if ((pid = fork()) < 0) {
        close(p[0]);
        close(p[1]);
        return status_errno(st, errno, "fork");
    }
    if (pid == 0) {
        close(p[0]);
        child(cfg, env, sp, p[1], client);
    }
    close(p[1]);
    got = collect(p[0], &o, (long)cfg->delivery_timeout * 1000 + GRACE_MS);
    close(p[0]);
    if (got == -1)
        kill(pid, SIGKILL);
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    if (got < 0) {
        if (got == -1)
            status_set(st, "4.3.0", "delivery timed out");
        else if (WIFSIGNALED(ws))
            status_set(st, "4.3.0", "delivery process killed by signal %d",
                       WTERMSIG(ws));
        else
            status_set(st, "4.3.0", "delivery process ended (exit %d) "
                       "without a result", WEXITSTATUS(ws));
        deliver_refused(env, &start, st);
        return -1;
    }
    *out = o.out;
    *st = o.st;
    return o.rc;
}

/*
 * run_delivery - deliver the spooled message to env's recipient: in a
 * child that becomes the account when isolate is set (client is then
 * closed there), here otherwise
 */
int run_delivery(const struct config *cfg, const struct envelope *env,
                 struct spool *sp, int isolate, int client,
                 struct delivered *out, struct status *st)
{
    spool_rewind(sp);
    if (isolate)
        return isolated(cfg, env, sp, client, out, st);
    return deliver(cfg, env, &sp->src, out, st);
}
