/* listen.h - lda-lmtpd's listening sockets: bound, inherited, closed */
#ifndef LMTP_LISTEN_H
#define LMTP_LISTEN_H

#include <sys/types.h>

#include "../util/status.h"

#define LISTEN_MAX 16

struct listener {
    int fd;
    char name[300];             /* "unix:/path" or "inet:127.0.0.1:24" */
    char path[256];             /* a unix socket we made: removed at exit */
};

struct listeners {
    struct listener l[LISTEN_MAX];
    int n;
};

int listen_open(struct listeners *ls, const char *addresses, mode_t mode,
                struct status *st);
int listen_inherit(struct listeners *ls, struct status *st);
void listen_close(struct listeners *ls, int remove);
void listen_peer(int fd, char *buf, size_t cap);

#endif
