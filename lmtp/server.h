/* server.h - what lda-lmtpd's processes share: settings, listeners */
#ifndef LMTP_SERVER_H
#define LMTP_SERVER_H

#include <signal.h>

#include "../lda/config.h"
#include "listen.h"

struct server {
    struct config cfg;          /* the settings in force */
    const char *config;         /* -c, or NULL for the default file */
    const char *const *overrides;       /* -o key=value */
    int noverrides;
    const char *folder;         /* -m: every delivery into this folder */
    struct listeners ls;
    int isolate;                /* root: each delivery in its own child */
    char host[256];             /* our name in the greeting */
};

/* Set by the signal handlers, seen where a process waits (ppoll). */
extern volatile sig_atomic_t server_stop, server_reload;

void server_signals(int master);
int server_reread(struct server *srv);
int master_run(struct server *srv, const char *pidfile);
int session_run(struct server *srv, int fd);

#endif
