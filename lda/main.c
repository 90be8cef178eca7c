/*
 * main.c - lda, the mail delivery agent: command line
 *
 * Options follow maildrop and dovecot-lda so that existing pipe(8)
 * entries keep working; option parsing stops at the first word that is
 * not an option, and such words (maildrop's extension arguments) are
 * ignored, so an envelope address starting with "-" is never taken for
 * an option.  A usage error is a configuration error: 75, retried.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../util/status.h"
#include "deliver.h"

static const char usage[] =
    "usage: lda [-c config] [-o key=value]... -d recipient [-f sender]\n"
    "           [-a original_recipient] [-m folder] [-e extension] [-V]\n"
    "           [words...] < message\n";

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

int main(int argc, char **argv)
{
    struct options o;
    int ch;

    memset(&o, 0, sizeof(o));
    o.stdin_closed = sane_fds();
    /* A file size limit (ulimit -f, Postfix's mailbox_size_limit) must
     * end in EFBIG and a 4.3.4, not in a signal that leaves tmp/ files
     * and, after the move into new/, a retry that delivers twice. */
    signal(SIGXFSZ, SIG_IGN);
    opterr = 0;
    while ((ch = getopt(argc, argv, "+c:o:d:f:a:m:e:r:Vh")) != -1) {
        switch (ch) {
        case 'c': o.config = optarg; break;
        case 'd': o.recipient = optarg; break;
        case 'f': o.sender = optarg; break;
        case 'a': o.orig_recipient = optarg; break;
        case 'm': o.folder = optarg; break;
        case 'e': o.extension = optarg; break;
        case 'r': break;        /* dovecot-lda's final recipient: unused */
        case 'V': o.verbose = 1; break;
        case 'o':
            if (o.noverrides == DELIVER_MAX_OVERRIDES) {
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
    return deliver_run(&o);
}
