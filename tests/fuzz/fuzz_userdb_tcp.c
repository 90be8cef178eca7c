/*
 * fuzz_userdb_tcp.c - tcp_table(5) replies (lda/userdb_tcp.c)
 *
 * The reply reader and parser are the driver's own: a server thread on
 * 127.0.0.1 answers each lookup with the input as it is (line, %XX
 * encoding, JSON and all) and closes.  A failure is one of the codes
 * userdb.h names; a success leaves no root account and terminated
 * strings.
 */
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>

#include "fuzz_userdb.h"

struct reply {
    int lfd;
    const uint8_t *data;
    size_t size;
};

static int lfd = -1;
static char arg[32];

/* serve - answer one connection with the reply, then close */
static void *serve(void *p)
{
    struct reply *rp = p;
    struct pollfd pfd = {.fd = rp->lfd, .events = POLLIN};
    char req[2048];
    size_t off = 0;
    ssize_t n;
    int fd;

    if (poll(&pfd, 1, 5000) != 1 || (fd = accept(rp->lfd, NULL, NULL)) < 0)
        return NULL;
    /* the request: "get KEY\n" */
    pfd.fd = fd;
    while (off < sizeof(req) && poll(&pfd, 1, 5000) == 1
           && (n = recv(fd, req + off, sizeof(req) - off, 0)) > 0) {
        off += (size_t)n;
        if (memchr(req, '\n', off))
            break;
    }
    for (off = 0; off < rp->size; off += (size_t)n)
        if ((n = send(fd, rp->data + off, rp->size - off, MSG_NOSIGNAL)) <= 0)
            break;              /* lda stopped reading: too long */
    close(fd);
    return NULL;
}

/* listen_once - the server's socket, on a free port */
static void listen_once(void)
{
    struct sockaddr_in sin = {.sin_family = AF_INET};
    socklen_t len = sizeof(sin);

    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0
        || bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0
        || listen(lfd, 4) < 0
        || getsockname(lfd, (struct sockaddr *)&sin, &len) < 0)
        fuzz_fail("listen on 127.0.0.1");
    snprintf(arg, sizeof(arg), "127.0.0.1:%u", ntohs(sin.sin_port));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct reply rp = {.data = data, .size = size};
    struct config cfg;
    struct recipient r;
    struct account a;
    struct status st;
    pthread_t t;
    int rc;

    if (lfd < 0)
        listen_once();
    rp.lfd = lfd;
    config_defaults(&cfg);
    cfg.userdb_timeout = 5;
    memset(&st, 0, sizeof(st));
    if (recipient_parse("bob+news@example.com", "+", &r, &st) < 0)
        fuzz_fail("recipient");
    memset(&a, 0, sizeof(a));
    a.uid = a.gid = USERDB_NO_ID;
    if (pthread_create(&t, NULL, serve, &rp) != 0)
        fuzz_fail("pthread_create");
    rc = userdb_tcp_ops.lookup(arg, &cfg, &r, &a, &st);
    pthread_join(t, NULL);
    fuzz_account(rc, &a, &st);
    return 0;
}
