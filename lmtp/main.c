/*
 * main.c - lda-lmtpd, lda's delivery over LMTP: command line
 *
 * The settings are lda.conf's (the lmtp_* keys are this program's);
 * -c and -o are lda's.  It binds its listeners (or takes systemd's),
 * gives up root when lmtp_user says so, writes its pid file once ready
 * and serves in the foreground (master.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lda/privs.h"
#include "../store/mdname.h"
#include "../util/log.h"
#include "server.h"

#define MAX_OVERRIDES 64
#define EX_OSERR_ 71            /* sysexits EX_OSERR: cannot listen */

static const char usage[] =
    "usage: lda-lmtpd [-c config] [-o key=value]... [-l address]...\n"
    "                 [-m folder] [-P pidfile] [-t] [-V]\n";

/* pidfile - write our pid to path, whole or not at all */
static int pidfile(const char *path)
{
    char tmp[1100];
    FILE *f;

    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    if ((f = fopen(tmp, "w")) == NULL)
        return -1;
    fprintf(f, "%ld\n", (long)getpid());
    if (fclose(f) != 0 || rename(tmp, path) < 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* become - root gives way to lmtp_user once the listeners are bound */
static int become(struct server *srv, struct status *st)
{
    char home[1024];

    if (geteuid() != 0 || srv->cfg.lmtp.user[0] == '\0')
        return 0;
    if (privs_drop(srv->cfg.lmtp.user, srv->cfg.group, home, sizeof(home),
                   st) < 0)
        return -1;
    /* A delivery as this user finds "~" where lda would. */
    setenv("HOME", home, 1);
    return 0;
}

/* hostname - our name in the greeting: hostname, or the system's */
static void hostname(struct server *srv)
{
    if (srv->cfg.hostname[0])
        snprintf(srv->host, sizeof(srv->host), "%s", srv->cfg.hostname);
    else if (gethostname(srv->host, sizeof(srv->host)) < 0)
        snprintf(srv->host, sizeof(srv->host), "localhost");
    srv->host[sizeof(srv->host) - 1] = '\0';
}

int main(int argc, char **argv)
{
    static struct server srv;
    static const char *overrides[MAX_OVERRIDES];
    char listen_on[1024] = "";
    const char *pid = NULL;
    struct status st;
    int ch, test = 0, verbose = 0, rc;
    size_t used;

    opterr = 0;
    while ((ch = getopt(argc, argv, "c:o:l:m:P:tVh")) != -1) {
        switch (ch) {
        case 'c': srv.config = optarg; break;
        case 'm': srv.folder = optarg; break;
        case 'P': pid = optarg; break;
        case 't': test = 1; break;
        case 'V': verbose = 1; break;
        case 'o':
            if (srv.noverrides == MAX_OVERRIDES) {
                fprintf(stderr, "4.3.5 too many -o options\n");
                return EX_CONFIG_;
            }
            overrides[srv.noverrides++] = optarg;
            break;
        case 'l':
            used = strlen(listen_on);
            if (snprintf(listen_on + used, sizeof(listen_on) - used, "%s%s",
                         used ? "," : "", optarg)
                >= (int)(sizeof(listen_on) - used)) {
                fprintf(stderr, "4.3.5 too many -l addresses\n");
                return EX_CONFIG_;
            }
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fprintf(stderr, "4.3.5 bad option '-%c'\n%s", optopt, usage);
            return EX_USAGE_;
        }
    }
    srv.overrides = overrides;
    log_open("lda-lmtpd", verbose, 0);
    if (config_read(&srv.cfg, srv.config, srv.overrides, srv.noverrides,
                    &st) < 0) {
        fprintf(stderr, "%s %s\n", st.code, st.text);
        return EX_CONFIG_;
    }
    if (test)
        return 0;
    /* As lda: a size limit ends in EFBIG and a 4.3.4, not a signal. */
    signal(SIGXFSZ, SIG_IGN);
    server_signals(1);
    if (listen_inherit(&srv.ls, &st) < 0
        || (srv.ls.n == 0
            && listen_open(&srv.ls, listen_on[0] ? listen_on
                           : srv.cfg.lmtp.listen,
                           (mode_t)srv.cfg.lmtp.socket_mode, &st) < 0)) {
        fprintf(stderr, "%s %s\n", st.code, st.text);
        log_error("%s", st.text);
        return EX_OSERR_;
    }
    if (pid && pidfile(pid) < 0) {
        fprintf(stderr, "4.3.0 pid file '%s': %s\n", pid, strerror(errno));
        listen_close(&srv.ls, 1);
        return EX_OSERR_;
    }
    if (become(&srv, &st) < 0) {
        fprintf(stderr, "%s %s\n", st.code, st.text);
        log_error("%s", st.text);
        listen_close(&srv.ls, 1);
        return EX_CONFIG_;
    }
    srv.isolate = geteuid() == 0;
    hostname(&srv);
    log_info("ready: %d listener%s, deliveries %s", srv.ls.n,
             srv.ls.n == 1 ? "" : "s", srv.isolate
             ? "each in a child as its account" : "in-process");
    rc = master_run(&srv, pid);
    log_flush();
    return rc;
}
