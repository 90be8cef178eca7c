/*
 * bench/lmtpload.c - an LMTP load client: COUNT messages over CONNS
 * connections at once, one process per connection
 *
 * usage: lmtpload -a ADDRESS -r RCPT [-u USERS] [-c CONNS]
 *                 [-n COUNT] (-i MESSAGE | -s SIZE) [-f SENDER]
 *                 [-H HOLDFILE]
 *
 * ADDRESS is unix:/path, /path or 127.0.0.1:PORT.  RCPT is LOCAL@DOMAIN;
 * the recipients are LOCALnn@DOMAIN, nn = 01..USERS (default 50): message
 * i (0-based) goes to number i % USERS + 1, and connection k of CONNS
 * sends messages k, k + CONNS, ...  Each connection says LHLO once, then
 * for each message sends MAIL, RCPT and DATA in one write (PIPELINING),
 * expects 250, 250, 354, sends the message (CRLF line ends, dot-stuffed)
 * and its final dot, and expects one 250; QUIT at the end.
 *
 * -i MESSAGE sends that file (read once); -s SIZE sends a message of
 * SIZE bytes (as stored, LF line ends) made up on the fly in 64 KiB
 * pieces, so that the client's memory does not grow with SIZE.
 *
 * -H HOLDFILE: once every connection has had its last reply, create
 * HOLDFILE (its content: the elapsed milliseconds) and keep every
 * connection open until HOLDFILE is removed; then QUIT.  The server's
 * connection processes can then be looked at while they still exist.
 *
 * Prints "COUNT ELAPSED_MS" (from before the first connect to the last
 * reply) and exits 0; any unexpected reply or I/O error is printed and
 * makes it exit 1; 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LINE 76                 /* body line length, without the line end */
#define PIECE_LINES 840         /* lines per 64 KiB piece (CRLF) */

static const char *addr, *rcpt_addr, *sender = "sender@example.org";
static int users = 50;
static char *msg;               /* -i: the whole message, CRLF, stuffed */
static size_t msg_len;
static long big;                /* -s: the size to make up */

struct conn {
    int fd;
    char buf[8192];
    size_t have, off;
    int id;
};

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

static void die(struct conn *c, const char *what)
{
    fprintf(stderr, "lmtpload: connection %d: %s%s%s\n", c ? c->id : -1,
            what, errno ? ": " : "", errno ? strerror(errno) : "");
    _exit(1);
}

static int dial(void)
{
    int fd;

    if (addr[0] == '/' || strncmp(addr, "unix:", 5) == 0) {
        struct sockaddr_un sun;
        const char *p = addr[0] == '/' ? addr : addr + 5;

        memset(&sun, 0, sizeof(sun));
        sun.sun_family = AF_UNIX;
        snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", p);
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
            return -1;
    } else {
        struct sockaddr_in sin;
        char host[64];
        const char *colon = strrchr(addr, ':');
        const char *h = addr;

        if (strncmp(h, "inet:", 5) == 0)
            h += 5;
        if (!colon || (size_t)(colon - h) >= sizeof(host))
            return -1;
        memcpy(host, h, (size_t)(colon - h));
        host[colon - h] = '\0';
        memset(&sin, 0, sizeof(sin));
        sin.sin_family = AF_INET;
        sin.sin_port = htons((unsigned short)atoi(colon + 1));
        if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
            return -1;
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
            return -1;
    }
    return fd;
}

static void put(struct conn *c, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(c->fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            die(c, "write");
        p += w;
        n -= (size_t)w;
    }
}

/* reply - read one reply (all its lines); die unless its code is code */
static void reply(struct conn *c, const char *code, const char *after)
{
    char line[1024];
    size_t n;

    for (;;) {
        n = 0;
        for (;;) {
            char ch;

            if (c->off == c->have) {
                ssize_t r = read(c->fd, c->buf, sizeof(c->buf));

                if (r < 0 && errno == EINTR)
                    continue;
                if (r <= 0) {
                    char what[256];

                    if (r == 0)
                        errno = 0;
                    snprintf(what, sizeof(what), "connection closed "
                             "waiting for the reply to %s", after);
                    die(c, what);
                }
                c->have = (size_t)r;
                c->off = 0;
            }
            ch = c->buf[c->off++];
            if (ch == '\n')
                break;
            if (n < sizeof(line) - 1)
                line[n++] = ch;
        }
        if (n && line[n - 1] == '\r')
            n--;
        line[n] = '\0';
        if (n < 4 || strncmp(line, code, 3) != 0) {
            char what[1200];

            errno = 0;
            snprintf(what, sizeof(what), "after %s: '%s' (want %s)",
                     after, line, code);
            die(c, what);
        }
        if (line[3] != '-')
            return;
    }
}

/* load_msg - the file, CRLF line ends, dot-stuffed, ".\r\n" added */
static void load_msg(const char *path)
{
    FILE *f = fopen(path, "r");
    size_t cap = 1 << 16;
    int ch, bol = 1;

    if (!f) {
        perror(path);
        exit(2);
    }
    msg = malloc(cap);
    while ((ch = getc(f)) != EOF) {
        if (msg_len + 4 > cap)
            msg = realloc(msg, cap *= 2);
        if (!msg)
            exit(2);
        if (bol && ch == '.')
            msg[msg_len++] = '.';
        if (ch == '\n')
            msg[msg_len++] = '\r';
        msg[msg_len++] = (char)ch;
        bol = ch == '\n';
    }
    fclose(f);
    if (msg_len + 8 > cap)
        msg = realloc(msg, cap + 8);
    if (!bol) {
        msg[msg_len++] = '\r';
        msg[msg_len++] = '\n';
    }
    memcpy(msg + msg_len, ".\r\n", 3);
    msg_len += 3;
}

/* send_big - a made-up message of big bytes (LF-counted), in pieces */
static void send_big(struct conn *c, const char *rcpt)
{
    static char piece[PIECE_LINES * (LINE + 2)];
    char hdr[1024];
    long left, lines;
    int hl, i;

    hl = snprintf(hdr, sizeof(hdr), "From: <%s>\r\nTo: <%s>\r\n"
                  "Subject: %ld bytes\r\nMessage-ID: <big-%d@bench>\r\n\r\n",
                  sender, rcpt, big, c->id);
    put(c, hdr, (size_t)hl);
    for (i = 0; i < PIECE_LINES; i++) {
        char *l = piece + i * (LINE + 2);

        memset(l, 'A' + i % 26, LINE);
        l[LINE] = '\r';
        l[LINE + 1] = '\n';
    }
    /* stored size: header with LF ends (5 lines shorter) + body lines */
    left = big - (hl - 5);
    lines = left > 0 ? left / (LINE + 1) : 0;
    while (lines > 0) {
        long k = lines < PIECE_LINES ? lines : PIECE_LINES;

        put(c, piece, (size_t)k * (LINE + 2));
        lines -= k;
    }
    put(c, ".\r\n", 3);
}

static void session(int id, int conns, long count, int done_fd, int hold_fd)
{
    struct conn c;
    char cmd[2048], rcpt[512];
    long i;
    int n;

    memset(&c, 0, sizeof(c));
    c.id = id;
    if ((c.fd = dial()) < 0)
        die(&c, "connect");
    reply(&c, "220", "connecting");
    put(&c, "LHLO bench.example\r\n", 20);
    reply(&c, "250", "LHLO");
    for (i = id; i < count; i += conns) {
        rcpt_of(rcpt, sizeof(rcpt), rcpt_addr, (int)(i % users) + 1);
        n = snprintf(cmd, sizeof(cmd), "MAIL FROM:<%s>\r\nRCPT TO:<%s>\r\n"
                     "DATA\r\n", sender, rcpt);
        put(&c, cmd, (size_t)n);
        reply(&c, "250", "MAIL");
        reply(&c, "250", "RCPT");
        reply(&c, "354", "DATA");
        if (msg)
            put(&c, msg, msg_len);
        else
            send_big(&c, rcpt);
        reply(&c, "250", "the message");
    }
    if (done_fd >= 0) {
        char b = 1;

        if (write(done_fd, &b, 1) != 1)
            die(&c, "write to the parent");
        close(done_fd);
        /* wait until the parent closes the pipe */
        while (read(hold_fd, &b, 1) < 0 && errno == EINTR)
            ;
    }
    put(&c, "QUIT\r\n", 6);
    reply(&c, "221", "QUIT");
    close(c.fd);
    _exit(0);
}

static void usage(void)
{
    fprintf(stderr, "usage: lmtpload -a ADDRESS -r RCPT [-u USERS] "
            "[-c CONNS] [-n COUNT] (-i MESSAGE | -s SIZE) [-f SENDER] "
            "[-H HOLDFILE]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *file = NULL, *holdfile = NULL;
    int conns = 1, opt, k, failed = 0, status;
    int done[2] = { -1, -1 }, hold[2] = { -1, -1 };
    long count = 1;
    double t0, t1 = 0;
    pid_t *kids;

    while ((opt = getopt(argc, argv, "a:r:u:c:n:i:s:f:H:")) != -1) {
        switch (opt) {
        case 'a': addr = optarg; break;
        case 'r': rcpt_addr = optarg; break;
        case 'u': users = atoi(optarg); break;
        case 'c': conns = atoi(optarg); break;
        case 'n': count = atol(optarg); break;
        case 'i': file = optarg; break;
        case 's': big = atol(optarg); break;
        case 'f': sender = optarg; break;
        case 'H': holdfile = optarg; break;
        default: usage();
        }
    }
    if (!addr || !rcpt_addr || users < 1 || conns < 1 || count < 1 ||
        (!file) == (big <= 0))
        usage();
    if (file)
        load_msg(file);
    signal(SIGPIPE, SIG_IGN);
    if (holdfile && (pipe(done) < 0 || pipe(hold) < 0))
        return 2;
    kids = calloc((size_t)conns, sizeof(*kids));
    if (!kids)
        return 2;
    t0 = now_ms();
    for (k = 0; k < conns; k++) {
        kids[k] = fork();
        if (kids[k] < 0) {
            perror("fork");
            return 2;
        }
        if (kids[k] == 0) {
            if (holdfile) {
                close(done[0]);
                close(hold[1]);
            }
            session(k, conns, count, done[1], hold[0]);
        }
    }
    if (holdfile) {
        int got = 0;
        char b;
        FILE *f;
        struct stat sb;

        close(done[1]);
        close(hold[0]);
        while (got < conns) {
            ssize_t r = read(done[0], &b, 1);

            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;          /* a connection failed: it has said why */
            got++;
        }
        t1 = now_ms();
        if (got == conns) {
            if (!(f = fopen(holdfile, "w")))
                return 2;
            fprintf(f, "%.1f\n", t1 - t0);
            fclose(f);
            while (stat(holdfile, &sb) == 0)
                usleep(20000);
        }
        close(hold[1]);
    }
    for (k = 0; k < conns; k++) {
        if (waitpid(kids[k], &status, 0) < 0 || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0)
            failed = 1;
    }
    if (!holdfile)
        t1 = now_ms();
    if (failed)
        return 1;
    printf("%ld %.1f\n", count, t1 - t0);
    return 0;
}
