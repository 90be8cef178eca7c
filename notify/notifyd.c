/*
 * notifyd.c - lda-notifyd: send lda's events to the configured endpoints
 *
 * main() reads the options and the configuration, then either runs the
 * queue (notify/queue.c) or one command on it (notify/cmd.c).  SIGHUP
 * rereads the configuration the simple way: the queue finishes what is
 * in flight and the program executes itself again.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../util/log.h"
#include "../util/status.h"
#include "cmd.h"
#include "endpoint.h"
#include "queue.h"

static const char usage[] =
    "usage: lda-notifyd [-c config] [-v] [--once]\n"
    "       lda-notifyd [-c config] list [--dead] [ENDPOINT]\n"
    "       lda-notifyd [-c config] replay [--endpoint NAME] ID...|all\n"
    "       lda-notifyd [-c config] purge [--dead] [--endpoint NAME] "
    "ID...|all\n"
    "       lda-notifyd [-c config] enable ENDPOINT\n"
    "       lda-notifyd [-c config] check\n";

/* on_signal - stop or reload; the queue looks at the flags */
static void on_signal(int sig)
{
    if (sig == SIGHUP)
        queue_reload = 1;
    else
        queue_stop = 1;
}

/* catch - the signals that end or renew the loop */
static void catch(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);   /* a closed socket is an error to report */
}

/* reloadable - whether the configuration at path loads; says why not */
static int reloadable(const char *path)
{
    struct notifyd_config cfg;
    struct status st;

    if (endpoint_load(&cfg, path, &st) < 0) {
        log_error("reload: %s; going on with the settings in use", st.text);
        return 0;
    }
    endpoint_free(&cfg);
    return 1;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"once", no_argument, NULL, 'O'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct notifyd_config cfg;
    const char *config = NOTIFYD_CONFIG_DEFAULT;
    struct status st;
    cmd_fn cmd = NULL;
    int ch, once = 0, verbose = 0, rc;

    while ((ch = getopt_long(argc, argv, "+c:vh", longopts, NULL)) != -1) {
        switch (ch) {
        case 'c': config = optarg; break;
        case 'v': verbose = 1; break;
        case 'O': once = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return EX_USAGE_;
        }
    }
    if (optind < argc && (cmd = cmd_find(argv[optind])) == NULL) {
        fprintf(stderr, "lda-notifyd: unknown command '%s'\n%s",
                argv[optind], usage);
        return EX_USAGE_;
    }
    log_open("lda-notifyd", verbose, 0);
    if (endpoint_load(&cfg, config, &st) < 0) {
        fprintf(stderr, "lda-notifyd: %s\n", st.text);
        log_error("%s", st.text);
        return EX_CONFIG_;
    }
    if (cmd) {
        rc = cmd(&cfg, argc - optind, argv + optind);
        if (rc == EX_USAGE_)
            fputs(usage, stderr);
        endpoint_free(&cfg);
        return rc;
    }
    catch();
    while ((rc = queue_run(&cfg, once, &st)) == 0 && queue_reload
           && !queue_stop) {
        /* A configuration that does not load leaves the old one on. */
        if (reloadable(config)) {
            endpoint_free(&cfg);
            log_info("reloading '%s'", config);
            execv("/proc/self/exe", argv);
            log_error("reload: execute '/proc/self/exe': %m");
            return EX_TEMPFAIL_;
        }
        queue_reload = 0;
        queue_stop = 0;
    }
    endpoint_free(&cfg);
    if (rc < 0) {
        fprintf(stderr, "lda-notifyd: %s\n", st.text);
        log_error("%s", st.text);
        return EX_TEMPFAIL_;
    }
    return rc ? EX_TEMPFAIL_ : 0;
}
