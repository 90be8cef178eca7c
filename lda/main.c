/*
 * main.c - lda, the mail delivery agent: the pipe(8) front end
 *
 * Options follow maildrop and dovecot-lda so that existing pipe(8)
 * entries keep working; option parsing stops at the first word that is
 * not an option, and such words (maildrop's extension arguments) are
 * ignored, so an envelope address starting with "-" is never taken for
 * an option.  A usage error is a configuration error: 75, retried.
 *
 * The settings are read, the delivery_timeout armed (stop.c), and the
 * message on standard input handed to the delivery core (deliver.c);
 * the outcome is an exit code and, on failure, one status line whose
 * code tells Postfix what to do.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../util/log.h"
#include "../util/status.h"
#include "deliver.h"
#include "message.h"
#include "stop.h"

#define MAX_OVERRIDES 64

static const char usage[] =
    "usage: lda [-c config] [-o key=value]... -d recipient [-f sender]\n"
    "           [-a original_recipient] [-m folder] [-e extension] [-V]\n"
    "           [words...] < message\n";

struct options {
    const char *config;         /* NULL: the default file, if present */
    const char *overrides[MAX_OVERRIDES];
    int noverrides;
    int verbose;
};

/* Standard input as the delivery core's message source. */
struct stdin_source {
    struct source src;
    struct msgin in;
    int closed;                 /* fd 0 was not open: nothing to deliver */
};

/*
 * sane_fds - make sure 0, 1 and 2 are open, so that no file opened later
 * gets one of them and then receives a status line meant for stderr;
 * 1 when standard input was closed (a broken caller, not an empty mail)
 */
static int sane_fds(void)
{
    int fd, closed = 0;

    for (fd = 0; fd < 3; fd++) {
        if (fcntl(fd, F_GETFD) >= 0)
            continue;
        if (fd == 0)
            closed = 1;
        if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
            _exit(EX_TEMPFAIL_);
    }
    return closed;
}

/*
 * stdin_read - the next bytes of standard input, CRLF made LF; a
 * timeout or a stopping signal, even one after the last byte, fails
 * the delivery (the message is not yet acknowledged)
 */
static long stdin_read(struct source *src, char *buf, size_t cap,
                       struct status *st)
{
    struct stdin_source *in = (struct stdin_source *)src;
    long n;

    /* A closed input is a broken caller, not an empty mail: storing
     * nothing would acknowledge a message that was lost on the way. */
    if (in->closed)
        return status_set(st, "4.3.0", "no message: standard input is "
                          "closed");
    n = msgin_read(&in->in, buf, cap);
    if (n < 0 && stop_reason)
        return stop_status(st);
    if (n < 0)
        return status_errno(st, errno, "read message");
    if (n == 0 && stop_status(st) < 0)
        return -1;
    return n;
}

/* stdin_opened - a hard exit removes this tmp/ file */
static void stdin_opened(struct source *src, struct maildir *md)
{
    (void)src;
    stop_watch(md);
}

/* stdin_committed - the message is safe: no timeout from here on */
static void stdin_committed(struct source *src)
{
    (void)src;
    stop_arm(0);
}

/* drain - read the rest of the input, so the MTA sees no write error */
static void drain(void)
{
    char sink[65536];
    ssize_t n;

    if (isatty(0))
        return;                 /* a person at a terminal, not an MTA */
    while (!stop_reason && ((n = read(0, sink, sizeof(sink))) > 0
                          || (n < 0 && errno == EINTR)))
        ;
}

/* run - deliver standard input as o and env say; the exit code */
static int run(const struct options *o, const struct envelope *env,
               struct stdin_source *in)
{
    static struct config cfg;
    struct delivered out;
    struct status st;
    int rc;

    stop_catch();
    log_open("lda", o->verbose, !isatty(2));
    log_verbose("config '%s'", o->config ? o->config : CONFIG_DEFAULT_FILE);
    if (config_read(&cfg, o->config, o->overrides, o->noverrides, &st) < 0) {
        message_sanitize(st.text);
        deliver_refused(env, NULL, &st);
    } else {
        /* Give up with 75 well before Postfix would bounce. */
        stop_arm((unsigned)cfg.delivery_timeout);
        if (deliver(&cfg, env, &in->src, &out, &st) == 0) {
            stop_arm(0);
            log_flush();
            return 0;
        }
    }
    drain();
    stop_arm(0);
    rc = status_exit(&st);
    fprintf(stderr, "%s %s\n", st.code, st.text);
    log_flush();
    return rc;
}

int main(int argc, char **argv)
{
    static struct options o;
    struct envelope env;
    struct stdin_source in;
    int ch;

    memset(&env, 0, sizeof(env));
    memset(&in, 0, sizeof(in));
    in.closed = sane_fds();
    in.src.read = stdin_read;
    in.src.opened = stdin_opened;
    in.src.committed = stdin_committed;
    msgin_init(&in.in, 0, &stop_reason);
    /* A file size limit (ulimit -f, Postfix's mailbox_size_limit) must
     * end in EFBIG and a 4.3.4, not in a signal that leaves tmp/ files
     * and, after the move into new/, a retry that delivers twice. */
    signal(SIGXFSZ, SIG_IGN);
    opterr = 0;
    while ((ch = getopt(argc, argv, "+c:o:d:f:a:m:e:r:Vh")) != -1) {
        switch (ch) {
        case 'c': o.config = optarg; break;
        case 'd': env.recipient = optarg; break;
        case 'f': env.sender = optarg; break;
        case 'a': env.orig_recipient = optarg; break;
        case 'm': env.folder = optarg; break;
        case 'e': env.extension = optarg; break;
        case 'r': break;        /* dovecot-lda's final recipient: unused */
        case 'V': o.verbose = 1; break;
        case 'o':
            if (o.noverrides == MAX_OVERRIDES) {
                fprintf(stderr, "4.3.5 too many -o options\n");
                return EX_TEMPFAIL_;
            }
            o.overrides[o.noverrides++] = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fprintf(stderr, "4.3.5 bad option '-%c'\n%s", optopt, usage);
            return EX_TEMPFAIL_;
        }
    }
    return run(&o, &env, &in);
}
