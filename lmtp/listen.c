/*
 * listen.c - lda-lmtpd's listening sockets
 *
 * An address is "unix:/path" (or just "/path") or "inet:HOST:PORT" (or
 * "HOST:PORT", "[v6]:PORT").  A unix socket left by an earlier run is
 * replaced; one we made is removed at exit.  Under systemd socket
 * activation (LISTEN_PID is ours) the sockets come bound as fds 3 and
 * up, and the addresses are not used.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "listen.h"

#define BACKLOG 128

/* add - a listening fd, non-blocking, not inherited by deliveries */
static int add(struct listeners *ls, int fd, const char *name,
               const char *path, struct status *st)
{
    struct listener *l;

    if (ls->n == LISTEN_MAX) {
        close(fd);
        return status_set(st, "4.3.5", "more than %d listening addresses",
                          LISTEN_MAX);
    }
    l = &ls->l[ls->n++];
    l->fd = fd;
    snprintf(l->name, sizeof(l->name), "%s", name);
    snprintf(l->path, sizeof(l->path), "%s", path ? path : "");
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return 0;
}

/* open_unix - bind a unix socket at path with mode */
static int open_unix(struct listeners *ls, const char *path, mode_t mode,
                     struct status *st)
{
    struct sockaddr_un sun;
    struct stat sb;
    char name[300];
    int fd;

    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    if (*path != '/' || strlen(path) >= sizeof(sun.sun_path))
        return status_set(st, "4.3.5", "listen: bad socket path '%s'", path);
    strcpy(sun.sun_path, path);
    /* Only a socket is replaced: a mistyped path never removes a file. */
    if (lstat(path, &sb) == 0 && S_ISSOCK(sb.st_mode))
        unlink(path);
    if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
        return status_errno(st, errno, "listen: socket");
    if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0
        || chmod(path, mode) < 0 || listen(fd, BACKLOG) < 0) {
        status_errno(st, errno, "listen on '%s'", path);
        close(fd);
        return -1;
    }
    snprintf(name, sizeof(name), "unix:%s", path);
    return add(ls, fd, name, path, st);
}

/* open_inet - bind HOST:PORT ("[v6]:PORT" too) */
static int open_inet(struct listeners *ls, const char *addr,
                     struct status *st)
{
    struct addrinfo hints, *res;
    char host[256], name[300];
    const char *colon = strrchr(addr, ':');
    size_t len;
    int fd, on = 1, err;

    if (colon == NULL || colon == addr || colon[1] == '\0')
        return status_set(st, "4.3.5", "listen: '%s': expected HOST:PORT",
                          addr);
    len = (size_t)(colon - addr);
    if (addr[0] == '[' && len >= 2 && addr[len - 1] == ']') {
        addr++;
        len -= 2;
    }
    if (len >= sizeof(host))
        return status_set(st, "4.3.5", "listen: '%s': host too long", addr);
    memcpy(host, addr, len);
    host[len] = '\0';
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if ((err = getaddrinfo(host, colon + 1, &hints, &res)) != 0)
        return status_set(st, "4.3.5", "listen: '%s': %s", addr,
                          gai_strerror(err));
    fd = socket(res->ai_family, SOCK_STREAM, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
                             sizeof(on)) < 0
        || bind(fd, res->ai_addr, res->ai_addrlen) < 0
        || listen(fd, BACKLOG) < 0) {
        status_errno(st, errno, "listen on '%s:%s'", host, colon + 1);
        if (fd >= 0)
            close(fd);
        freeaddrinfo(res);
        return -1;
    }
    freeaddrinfo(res);
    snprintf(name, sizeof(name), "inet:%s:%s", host, colon + 1);
    return add(ls, fd, name, NULL, st);
}

/* listen_open - bind every address of the list (commas or spaces) */
int listen_open(struct listeners *ls, const char *addresses, mode_t mode,
                struct status *st)
{
    char buf[1024], *tok, *save = NULL;

    snprintf(buf, sizeof(buf), "%s", addresses);
    for (tok = strtok_r(buf, ", \t", &save); tok;
         tok = strtok_r(NULL, ", \t", &save)) {
        int rc;

        if (strncmp(tok, "unix:", 5) == 0)
            rc = open_unix(ls, tok + 5, mode, st);
        else if (*tok == '/')
            rc = open_unix(ls, tok, mode, st);
        else
            rc = open_inet(ls, strncmp(tok, "inet:", 5) == 0 ? tok + 5
                           : tok, st);
        if (rc < 0)
            return -1;
    }
    if (ls->n == 0)
        return status_set(st, "4.3.5", "no address to listen on");
    return 0;
}

/*
 * listen_inherit - the sockets systemd passed (LISTEN_FDS), if they are
 * for this process; 0 and none when there are none
 */
int listen_inherit(struct listeners *ls, struct status *st)
{
    const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
    char name[32];
    int i, n;

    if (pid == NULL || fds == NULL || atol(pid) != (long)getpid())
        return 0;
    n = atoi(fds);
    for (i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "systemd:%d", 3 + i);
        if (add(ls, 3 + i, name, NULL, st) < 0)
            return -1;
    }
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");
    return 0;
}

/*
 * listen_close - close them all; remove, in the process that made them,
 * the unix sockets (a connection process only closes its copies)
 */
void listen_close(struct listeners *ls, int remove)
{
    int i;

    for (i = 0; i < ls->n; i++) {
        if (remove && ls->l[i].path[0])
            unlink(ls->l[i].path);
        close(ls->l[i].fd);
    }
    ls->n = 0;
}

/* listen_peer - "127.0.0.1:4321" or "local" for the log */
void listen_peer(int fd, char *buf, size_t cap)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char host[INET6_ADDRSTRLEN];

    snprintf(buf, cap, "local");
    if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
        return;
    if (ss.ss_family == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

        inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
        snprintf(buf, cap, "%s:%u", host, ntohs(sin->sin_port));
    } else if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

        inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
        snprintf(buf, cap, "[%s]:%u", host, ntohs(sin6->sin6_port));
    }
}
