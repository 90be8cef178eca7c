/*
 * bench/inproc.c - lda's delivery core called in a loop inside one
 * process: what a delivery costs without a process start, the floor
 * an LMTP server delivering in-process is measured against.
 *
 * usage: inproc -c CONFIG -i MESSAGE -r RCPT [-u USERS]
 *               [-n COUNT] [-w WARMUP] [-f SENDER] [-p PROCS]
 *
 * RCPT is LOCAL@DOMAIN (e.g. user@lmtpd.example): the recipients are
 * LOCALnn@DOMAIN, nn = 01..USERS (default 50), in turn.
 * MESSAGE is read into memory once and handed to deliver() from there,
 * LF line ends, as the LMTP server hands over its spooled copy.  WARMUP
 * (default 50) deliveries run first and are not counted; then COUNT
 * (default 2000) are, and one line is printed:
 *   COUNT WALL_MS_PER_DELIVERY CPU_MS_PER_DELIVERY
 * (CPU: user + system of this process, getrusage).  With -p, the COUNT
 * deliveries are shared by PROCS processes at once, process k making
 * deliveries k, k + PROCS, ... as lmtpload's connections share them, so
 * that they meet the same contention (the quota locks, the kernel's);
 * CPU is then theirs, summed.  Any failed delivery
 * prints its status and exits 1; a usage or setup error exits 2.
 *
 * Linked against build/liblda.a by bench/lmtp.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lda/deliver.h"
#include "../util/log.h"
#include "../util/status.h"

struct mem_source {
    struct source src;
    const char *data;
    size_t len, off;
};

static long mem_read(struct source *src, char *buf, size_t cap,
                     struct status *st)
{
    struct mem_source *m = (struct mem_source *)src;
    size_t n = m->len - m->off;

    (void)st;
    if (n > cap)
        n = cap;
    memcpy(buf, m->data + m->off, n);
    m->off += n;
    return (long)n;
}

/* rcpt_of - LOCALnn@DOMAIN from "LOCAL@DOMAIN" and n */
static void rcpt_of(char *buf, size_t cap, const char *base, int n)
{
    const char *at = strrchr(base, '@');
    int local = at ? (int)(at - base) : (int)strlen(base);

    snprintf(buf, cap, "%.*s%02d%s", local, base, n, at ? at : "");
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double cpu_ms(int who)
{
    struct rusage ru;

    getrusage(who, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static void usage(void)
{
    fprintf(stderr, "usage: inproc -c CONFIG -i MESSAGE -r RCPT "
            "[-u USERS] [-n COUNT] [-w WARMUP] [-f SENDER] [-p PROCS]\n");
    exit(2);
}

/*
 * run - n deliveries, the recipients of base taking turns from *turn,
 * step apart
 */
static void run(const struct config *cfg, const char *base, int users,
                const char *sender, const char *data, size_t len, long n,
                long *turn, long step)
{
    char rcpt[512];
    long i;

    for (i = 0; i < n; i++) {
        struct mem_source m = { { mem_read, NULL, NULL }, data, len, 0 };
        struct envelope env;
        struct delivered out;
        struct status st;

        rcpt_of(rcpt, sizeof(rcpt), base, (int)(*turn % users) + 1);
        *turn += step;
        memset(&env, 0, sizeof(env));
        env.sender = sender;
        env.recipient = rcpt;
        if (deliver(cfg, &env, &m.src, &out, &st) != 0) {
            fprintf(stderr, "inproc: %s: %s %s\n", rcpt, st.code, st.text);
            exit(1);
        }
    }
}

int main(int argc, char **argv)
{
    static struct config cfg;
    const char *conf = NULL, *msg = NULL, *base = NULL;
    const char *sender = "sender@example.org";
    long n = 2000, warm = 50, turn = 0, procs = 1, k;
    int users = 50, fd, opt;
    struct status st;
    struct stat sb;
    double w0, c0, w1, c1;
    char *data;
    size_t len = 0;
    ssize_t r;

    while ((opt = getopt(argc, argv, "c:i:r:u:n:w:f:p:")) != -1) {
        switch (opt) {
        case 'c': conf = optarg; break;
        case 'i': msg = optarg; break;
        case 'r': base = optarg; break;
        case 'u': users = atoi(optarg); break;
        case 'n': n = atol(optarg); break;
        case 'w': warm = atol(optarg); break;
        case 'f': sender = optarg; break;
        case 'p': procs = atol(optarg); break;
        default: usage();
        }
    }
    if (!conf || !msg || !base || users < 1 || n < 1 || warm < 0
        || procs < 1 || procs > n)
        usage();
    if ((fd = open(msg, O_RDONLY)) < 0 || fstat(fd, &sb) < 0) {
        fprintf(stderr, "inproc: %s: %s\n", msg, strerror(errno));
        return 2;
    }
    if (!(data = malloc((size_t)sb.st_size + 1)))
        return 2;
    while (len < (size_t)sb.st_size &&
           (r = read(fd, data + len, (size_t)sb.st_size - len)) > 0)
        len += (size_t)r;
    close(fd);

    log_open("lda-inproc", 0, 0);
    config_defaults(&cfg);
    if (config_load(&cfg, conf, 1, &st) < 0) {
        fprintf(stderr, "inproc: %s: %s %s\n", conf, st.code, st.text);
        return 2;
    }
    run(&cfg, base, users, sender, data, len, warm, &turn, 1);
    w0 = now_ms();
    c0 = cpu_ms(RUSAGE_SELF) + cpu_ms(RUSAGE_CHILDREN);
    for (k = 0; procs > 1 && k < procs; k++) {
        pid_t pid = fork();

        if (pid < 0)
            return 2;
        if (pid == 0) {
            turn = k;
            run(&cfg, base, users, sender, data, len,
                n / procs + (k < n % procs), &turn, procs);
            _exit(0);
        }
    }
    if (procs == 1)
        run(&cfg, base, users, sender, data, len, n, &turn, 1);
    while ((r = wait(&fd)) > 0 || (r < 0 && errno == EINTR))
        if (r > 0 && (!WIFEXITED(fd) || WEXITSTATUS(fd) != 0))
            return 1;
    c1 = cpu_ms(RUSAGE_SELF) + cpu_ms(RUSAGE_CHILDREN);
    w1 = now_ms();
    printf("%ld %.4f %.4f\n", n, (w1 - w0) / n, (c1 - c0) / n);
    return 0;
}
