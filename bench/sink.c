/*
 * bench/sink.c - a webhook receiver for bench/events.sh: takes signed
 * POSTs as fast as one thread can, counts them and, in latency mode,
 * notes when each one arrived.
 *
 * usage: sink -p PIDFILE -P PORTFILE -c COUNTFILE [-l LATFILE] [-s SAMPLE]
 *
 * It listens on 127.0.0.1 on a port the kernel picks, writes that port
 * to PORTFILE and its pid to PIDFILE (each made whole under a temporary
 * name, then renamed, so a reader never sees half of one), and serves
 * every connection with one epoll(7) loop.  A request is good when it is
 * a POST with a Content-Length body (no chunked encoding) and carries
 * the Standard Webhooks headers webhook-id, webhook-timestamp and a
 * webhook-signature starting "v1,"; it gets "200 OK" with
 * "Content-Length: 0" in one write(2), and the connection stays open for
 * the next one (HTTP/1.1 persistent connections, RFC 9112 section 9.3;
 * pipelined requests are answered in order).  Anything else gets 400 and
 * the connection is closed: a sender that is wrong must show up as a
 * count that does not add up, never as a quiet success.
 *
 * COUNTFILE is mapped shared and holds the number of good requests as 20
 * digits and a newline, rewritten after each one, so the benchmark can
 * watch the progress of a run without costing this side a system call.
 * With -l each good request appends "WEBHOOK-ID SECONDS.NANOSECONDS\n"
 * to LATFILE in one write(2): CLOCK_REALTIME read right after the read(2)
 * that completed the request.  With -s the first good request is saved
 * byte for byte to SAMPLE, so that its signature can be checked.
 *
 * SIGTERM or SIGINT ends it: it prints "requests N bad M cpu_ms X" on
 * standard output and exits 0.  Exit 2 on a usage or setup error.
 */
#define _GNU_SOURCE             /* memmem, accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CONN_BUF (256 * 1024)   /* a request, headers and body, at most */
#define COUNT_LEN 21            /* 20 digits and a newline */

static const char ok_reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
static const char bad_reply[] = "HTTP/1.1 400 Bad Request\r\n"
    "Content-Length: 0\r\nConnection: close\r\n\r\n";
static const char big_reply[] = "HTTP/1.1 413 Content Too Large\r\n"
    "Content-Length: 0\r\nConnection: close\r\n\r\n";
static const char continue_reply[] = "HTTP/1.1 100 Continue\r\n\r\n";

struct conn {
    int fd;
    int continued;              /* 100 Continue sent for this request */
    size_t len;
    char buf[CONN_BUF];
};

/* What one request's head says. */
struct head {
    size_t head_len;            /* up to and with the blank line */
    size_t body_len;
    int post, chunked, expect, close;
    const char *id;             /* webhook-id value, not terminated */
    size_t id_len;
    int has_ts, has_sig;
};

static volatile sig_atomic_t stop;
static long good, bad;
static char *count_map;
static int lat_fd = -1;
static const char *sample_path;

/* on_signal - end the loop at the next wake-up */
static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* die - report a setup error and exit 2 */
static void die(const char *what, const char *subject)
{
    fprintf(stderr, "sink: %s '%s': %s\n", what, subject, strerror(errno));
    exit(2);
}

/* write_file - path's content is text, made whole under path.tmp first */
static void write_file(const char *path, const char *text)
{
    char tmp[4096];
    size_t len = strlen(text);
    int fd;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
        errno = ENAMETOOLONG;
        die("create", path);
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        die("create", tmp);
    if (write(fd, text, len) != (ssize_t)len || close(fd) < 0)
        die("write", tmp);
    if (rename(tmp, path) < 0)
        die("rename", tmp);
}

/* map_count - COUNTFILE, mapped shared, holding 0 */
static void map_count(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

    if (fd < 0)
        die("create", path);
    if (ftruncate(fd, COUNT_LEN) < 0)
        die("size", path);
    count_map = mmap(NULL, COUNT_LEN, PROT_READ | PROT_WRITE, MAP_SHARED,
                     fd, 0);
    if (count_map == MAP_FAILED)
        die("map", path);
    close(fd);
}

/* show_count - the number of good requests into COUNTFILE */
static void show_count(void)
{
    char text[COUNT_LEN + 1];

    snprintf(text, sizeof(text), "%020ld\n", good);
    memcpy(count_map, text, COUNT_LEN);
}

/* listen_local - a listening socket on 127.0.0.1, port chosen by the kernel */
static int listen_local(int *port)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    if (fd < 0)
        die("socket", "127.0.0.1");
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = 0;
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        die("bind", "127.0.0.1");
    if (listen(fd, 1024) < 0)
        die("listen", "127.0.0.1");
    if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
        die("getsockname", "127.0.0.1");
    *port = ntohs(sa.sin_port);
    return fd;
}

/* header_is - whether the header line at p (length n) is named name */
static const char *header_is(const char *p, size_t n, const char *name)
{
    size_t k = strlen(name);

    if (n <= k || p[k] != ':' || strncasecmp(p, name, k) != 0)
        return NULL;
    for (p += k + 1; *p == ' ' || *p == '\t'; p++)
        ;
    return p;
}

/*
 * parse_head - read the head of the request at buf; 0 when it is whole,
 * 1 when more bytes are needed, -1 when it is malformed
 */
static int parse_head(const char *buf, size_t len, struct head *h)
{
    const char *end = memmem(buf, len, "\r\n\r\n", 4), *p, *eol, *v;
    int have_len = 0;

    memset(h, 0, sizeof(*h));
    if (end == NULL)
        return len >= CONN_BUF ? -1 : 1;
    h->head_len = (size_t)(end - buf) + 4;
    h->post = len >= 5 && memcmp(buf, "POST ", 5) == 0;
    p = (const char *)memchr(buf, '\n', h->head_len) + 1;
    for (; p < end; p = eol + 2) {
        size_t n;

        eol = memmem(p, (size_t)(end + 2 - p), "\r\n", 2);
        n = (size_t)(eol - p);
        if ((v = header_is(p, n, "content-length")) != NULL) {
            char *stop_at;

            h->body_len = strtoul(v, &stop_at, 10);
            if (stop_at == v)
                return -1;
            have_len = 1;
        } else if ((v = header_is(p, n, "webhook-id")) != NULL) {
            h->id = v;
            h->id_len = (size_t)(eol - v);
        } else if (header_is(p, n, "webhook-timestamp") != NULL) {
            h->has_ts = 1;
        } else if ((v = header_is(p, n, "webhook-signature")) != NULL) {
            h->has_sig = strncmp(v, "v1,", 3) == 0;
        } else if ((v = header_is(p, n, "transfer-encoding")) != NULL) {
            h->chunked = 1;
        } else if ((v = header_is(p, n, "expect")) != NULL) {
            h->expect = strncasecmp(v, "100-continue", 12) == 0;
        } else if ((v = header_is(p, n, "connection")) != NULL) {
            h->close = strncasecmp(v, "close", 5) == 0;
        }
    }
    if (!have_len || h->chunked)
        return -1;
    return 0;
}

/* send_all - a short reply in one write; -1 when the peer is gone */
static int send_all(int fd, const char *text, size_t len)
{
    ssize_t n;

    do
        n = write(fd, text, len);
    while (n < 0 && errno == EINTR);
    return n == (ssize_t)len ? 0 : -1;
}

/* note_arrival - the latency line of one request, and the sample */
static void note_arrival(const struct head *h, const char *req,
                         const struct timespec *at)
{
    char line[256];
    int n;

    if (lat_fd >= 0) {
        n = snprintf(line, sizeof(line), "%.*s %lld.%09ld\n",
                     (int)(h->id_len < 128 ? h->id_len : 128), h->id,
                     (long long)at->tv_sec, at->tv_nsec);
        if (write(lat_fd, line, (size_t)n) != n)
            fprintf(stderr, "sink: write latency line: %s\n",
                    strerror(errno));
    }
    if (sample_path != NULL) {
        int fd = open(sample_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                      0644);
        size_t len = h->head_len + h->body_len;

        if (fd < 0 || write(fd, req, len) != (ssize_t)len || close(fd) < 0)
            fprintf(stderr, "sink: write sample '%s': %s\n", sample_path,
                    strerror(errno));
        sample_path = NULL;
    }
}

/*
 * serve - answer every whole request in c's buffer; -1 when the
 * connection is to be closed
 */
static int serve(struct conn *c, const struct timespec *at)
{
    size_t off = 0;
    struct head h;
    int rc = 0;

    while (off < c->len) {
        int r = parse_head(c->buf + off, c->len - off, &h);

        if (r == 1)
            break;
        if (r < 0 || !h.post || h.id == NULL || !h.has_ts || !h.has_sig) {
            bad++;
            send_all(c->fd, bad_reply, sizeof(bad_reply) - 1);
            return -1;
        }
        if (h.body_len > CONN_BUF - h.head_len) {
            bad++;
            send_all(c->fd, big_reply, sizeof(big_reply) - 1);
            return -1;
        }
        if (c->len - off < h.head_len + h.body_len) {
            if (h.expect && !c->continued) {
                c->continued = 1;
                if (send_all(c->fd, continue_reply,
                             sizeof(continue_reply) - 1) < 0)
                    return -1;
            }
            break;
        }
        good++;
        show_count();
        note_arrival(&h, c->buf + off, at);
        c->continued = 0;
        off += h.head_len + h.body_len;
        if (send_all(c->fd, ok_reply, sizeof(ok_reply) - 1) < 0 || h.close) {
            rc = -1;
            break;
        }
    }
    if (off > 0) {
        memmove(c->buf, c->buf + off, c->len - off);
        c->len -= off;
    }
    return rc;
}

/* drop - close a connection and forget it */
static void drop(int ep, struct conn *c)
{
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c);
}

/* take - accept every waiting connection into the epoll set */
static void take(int ep, int lfd)
{
    struct epoll_event ev;
    struct conn *c;
    int fd, one = 1;

    while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC))
           >= 0) {
        if ((c = malloc(sizeof(*c))) == NULL) {
            close(fd);
            continue;
        }
        c->fd = fd;
        c->len = 0;
        c->continued = 0;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        ev.events = EPOLLIN;
        ev.data.ptr = c;
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
            close(fd);
            free(c);
        }
    }
}

/* readable - read what c has; serve the requests it completes */
static void readable(int ep, struct conn *c)
{
    struct timespec at;
    ssize_t n;

    n = read(c->fd, c->buf + c->len, CONN_BUF - c->len);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        drop(ep, c);
        return;
    }
    clock_gettime(CLOCK_REALTIME, &at);
    c->len += (size_t)n;
    if (serve(c, &at) < 0)
        drop(ep, c);
}

int main(int argc, char **argv)
{
    const char *pidfile = NULL, *portfile = NULL, *countfile = NULL;
    const char *latfile = NULL;
    struct epoll_event ev, evs[64];
    struct sigaction sa;
    struct rusage ru;
    sigset_t block, open_mask;
    char text[32];
    int opt, lfd, ep, port, i, n;

    while ((opt = getopt(argc, argv, "p:P:c:l:s:")) != -1) {
        switch (opt) {
        case 'p': pidfile = optarg; break;
        case 'P': portfile = optarg; break;
        case 'c': countfile = optarg; break;
        case 'l': latfile = optarg; break;
        case 's': sample_path = optarg; break;
        default: goto usage;
        }
    }
    if (optind != argc || !pidfile || !portfile || !countfile)
        goto usage;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);   /* a vanished peer is a failed write */
    /* Signals only arrive inside epoll_pwait(): no lost wake-up. */
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &open_mask);
    sigdelset(&open_mask, SIGTERM);
    sigdelset(&open_mask, SIGINT);

    map_count(countfile);
    show_count();
    if (latfile != NULL && (lat_fd = open(latfile, O_WRONLY | O_CREAT
                                          | O_APPEND | O_CLOEXEC, 0644)) < 0)
        die("open", latfile);
    lfd = listen_local(&port);
    if ((ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
        die("epoll", "create");
    ev.events = EPOLLIN;
    ev.data.ptr = NULL;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) < 0)
        die("epoll", "add");
    snprintf(text, sizeof(text), "%ld\n", (long)getpid());
    write_file(pidfile, text);
    snprintf(text, sizeof(text), "%d\n", port);
    write_file(portfile, text);

    while (!stop) {
        n = epoll_pwait(ep, evs, 64, -1, &open_mask);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("epoll", "wait");
        }
        for (i = 0; i < n; i++) {
            if (evs[i].data.ptr == NULL)
                take(ep, lfd);
            else
                readable(ep, evs[i].data.ptr);
        }
    }
    getrusage(RUSAGE_SELF, &ru);
    printf("requests %ld bad %ld cpu_ms %.1f\n", good, bad,
           ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3
           + ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3);
    return 0;

usage:
    fprintf(stderr, "usage: sink -p PIDFILE -P PORTFILE -c COUNTFILE "
            "[-l LATFILE] [-s SAMPLE]\n");
    return 2;
}
