/*
 * master.c - lda-lmtpd's listening process
 *
 * It accepts connections and forks, without exec, a process for each
 * (session.c): a client that stalls or floods holds only its own, and
 * a delivery that crashes takes only its own connection with it (the
 * client retries the mail).  At lmtp_max_connections it stops
 * accepting, and new connections wait in the listen queue.  SIGTERM
 * and SIGINT stop it: the listeners close, each connection finishes
 * its transaction, and it exits once all are gone.  SIGHUP rereads the
 * settings, keeping the old ones when the new ones are broken.
 *
 * The stopping and reloading signals and SIGCHLD are blocked but while
 * a process waits in ppoll(), so they interrupt nothing else: a
 * delivery never sees EINTR.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../util/log.h"
#include "server.h"

volatile sig_atomic_t server_stop, server_reload;

/* The connection processes. */
static pid_t *kids;
static size_t nkids, capkids;

static void on_stop(int sig)
{
    (void)sig;
    server_stop = 1;
}

static void on_reload(int sig)
{
    (void)sig;
    server_reload = 1;
}

static void on_child(int sig)
{
    (void)sig;
}

/* handle - install a handler; SA_RESTART: only ppoll() sees them */
static void handle(int sig, void (*fn)(int))
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(sig, &sa, NULL);
}

/*
 * server_signals - the listening process (master) or a connection
 * process: block the signals that only a wait may see, set handlers
 */
void server_signals(int master)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    handle(SIGTERM, on_stop);
    handle(SIGINT, on_stop);
    handle(SIGHUP, on_reload);
    if (master)
        handle(SIGCHLD, on_child);
    else
        signal(SIGCHLD, SIG_DFL);
    signal(SIGPIPE, SIG_IGN);
}

/*
 * server_reread - the settings again; broken ones are logged and the
 * old kept.  0 when the new ones are in force.
 */
int server_reread(struct server *srv)
{
    struct config *cfg = malloc(sizeof(*cfg));
    struct status st;

    if (cfg == NULL)
        return -1;
    if (config_read(cfg, srv->config, srv->overrides, srv->noverrides,
                    &st) < 0) {
        log_error("settings not reloaded, the old ones stay: %s %s",
                  st.code, st.text);
        free(cfg);
        return -1;
    }
    srv->cfg = *cfg;
    free(cfg);
    return 0;
}

/* tell - send sig to every connection process */
static void tell(int sig)
{
    size_t i;

    for (i = 0; i < nkids; i++)
        kill(kids[i], sig);
}

/* reap - collect the connection processes that ended */
static void reap(int block)
{
    pid_t pid;
    size_t i;
    int ws;

    while ((pid = waitpid(-1, &ws, block ? 0 : WNOHANG)) > 0
           || (pid < 0 && errno == EINTR)) {
        if (pid < 0)
            continue;
        for (i = 0; i < nkids; i++)
            if (kids[i] == pid) {
                kids[i] = kids[--nkids];
                break;
            }
        if (WIFSIGNALED(ws))
            log_warn("connection process %ld killed by signal %d",
                     (long)pid, WTERMSIG(ws));
        if (block && nkids == 0)
            break;
    }
}

/* spawn - a process for the connection on fd */
static void spawn(struct server *srv, int fd)
{
    pid_t pid;

    if (nkids == capkids) {
        size_t cap = capkids ? capkids * 2 : 16;
        pid_t *n = realloc(kids, cap * sizeof(*n));

        if (n == NULL) {
            close(fd);
            return;
        }
        kids = n;
        capkids = cap;
    }
    if ((pid = fork()) < 0) {
        log_error("fork: %s", strerror(errno));
        close(fd);
        return;
    }
    if (pid == 0) {
        listen_close(&srv->ls, 0);
        free(kids);
        kids = NULL;
        nkids = capkids = 0;
        server_signals(0);
        session_run(srv, fd);
        exit(0);
    }
    kids[nkids++] = pid;
    close(fd);
}

/* master_run - accept and serve until stopped; the exit code */
int master_run(struct server *srv, const char *pidfile)
{
    struct pollfd p[LISTEN_MAX];
    sigset_t none;
    int i, n, fd;

    sigemptyset(&none);
    while (!server_stop) {
        if (server_reload) {
            server_reload = 0;
            if (server_reread(srv) == 0) {
                log_info("settings reloaded");
                tell(SIGHUP);
            }
        }
        reap(0);
        n = nkids < srv->cfg.lmtp.max_connections ? srv->ls.n : 0;
        for (i = 0; i < n; i++) {
            p[i].fd = srv->ls.l[i].fd;
            p[i].events = POLLIN;
            p[i].revents = 0;
        }
        if (ppoll(p, (nfds_t)n, NULL, &none) <= 0)
            continue;
        for (i = 0; i < n; i++) {
            if (!(p[i].revents & POLLIN))
                continue;
            if ((fd = accept4(p[i].fd, NULL, NULL, SOCK_CLOEXEC)) < 0)
                continue;
            spawn(srv, fd);
        }
    }
    log_info("stopping: %zu connection%s to finish", nkids,
             nkids == 1 ? "" : "s");
    listen_close(&srv->ls, 1);
    tell(SIGTERM);
    if (nkids)
        reap(1);
    if (pidfile)
        unlink(pidfile);
    free(kids);
    return 0;
}
