/* endpoint.h - lda-notifyd.conf: the outbox, the endpoints, their secrets */
#ifndef LDA_ENDPOINT_H
#define LDA_ENDPOINT_H

#include <stddef.h>

#include "../util/status.h"
#include "notifier.h"

#define NOTIFYD_CONFIG_DEFAULT "/etc/lda/lda-notifyd.conf"
#define ENDPOINT_MAX_SECRETS 4
#define ENDPOINT_MAX_HEADERS 8
#define ENDPOINT_MAX_MATCH 16
#define ENDPOINT_SECRET_MAX 64  /* bytes of a decoded whsec_ key */
#define ENDPOINT_TARGET_MAX 1024        /* bytes of url, command, path */
#define ENDPOINT_LIST_SEP ", \t"  /* between the values of a list */
#define ENDPOINT_NAME_CHARS "abcdefghijklmnopqrstuvwxyz" \
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."

/* A filter: the values one event field may take; none = any. */
struct match {
    char *v[ENDPOINT_MAX_MATCH];
    int n;
};

struct endpoint {
    char name[64];
    const struct notifier_ops *ops;
    void *settings;             /* the driver's, from its keys */
    /* a signing notifier's (notifier.h): "header" and the secrets file */
    char *headers[ENDPOINT_MAX_HEADERS];        /* "Name: value" */
    int nheaders;
    unsigned char secret[ENDPOINT_MAX_SECRETS][ENDPOINT_SECRET_MAX];
    size_t secret_len[ENDPOINT_MAX_SECRETS];
    int nsecrets;               /* all sign; the first is the newest */
    long timeout_ms;            /* per attempt */
    int concurrency;            /* attempts in flight at most */
    struct match events;        /* "message.new", "quota.warning", ... */
    struct match domains;       /* recipient domain */
    struct match users;         /* data.user */
    struct match folders;       /* data.folder */
    int inflight;               /* the queue's count */
    int disabled;               /* the queue's: gone (410) */
    void *priv;                 /* the driver's */
};

struct notifyd_config {
    char outbox[1024];
    char secrets[1024];         /* path of the secrets file */
    long retry[16];             /* seconds before attempt 1, 2, ... */
    int nretry;                 /* attempts in all */
    int jitter;                 /* percent of each delay */
    struct endpoint *ep;
    int nep;
};

int endpoint_load(struct notifyd_config *cfg, const char *path,
                  struct status *st);
void endpoint_free(struct notifyd_config *cfg);
int endpoint_wants(const struct endpoint *ep, const char *type,
                   const char *domain, const char *user, const char *folder);

#endif
