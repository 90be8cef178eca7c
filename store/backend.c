/*
 * backend.c - the storage driver registry
 *
 * A maildir setting names its driver by its URL scheme ("nfs" for
 * "nfs://"); a plain path is "local".  Adding a driver is one file and
 * one line of the table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../util/registry.h"
#include "backend.h"

static const struct driver drivers[] = {
    {"nfs", &backend_nfs_ops},
    {"local", &backend_local_ops},      /* a plain path: no scheme */
    {NULL, NULL},
};

/* by_scheme - the driver "scheme://..." names; NULL for a plain path */
static const struct backend_ops *by_scheme(const char *setting)
{
    const char *sep = strstr(setting, "://");
    const struct backend_ops *ops;

    if (sep == NULL)
        return NULL;
    ops = registry_find(drivers, setting, (size_t)(sep - setting));
    /* "local" names plain paths: "local://" is a path like any other */
    return ops == registry_find(drivers, "local", 5) ? NULL : ops;
}

/* copy - len bytes of s into out; -1 if they do not fit */
static int copy(char *out, size_t cap, const char *s, size_t len)
{
    if (len >= cap)
        return -1;
    memcpy(out, s, len);
    out[len] = '\0';
    return 0;
}

/*
 * backend_locate - split a maildir setting into driver, server, path
 * template and URL arguments; 4.3.5 when it makes no sense
 */
int backend_locate(const char *setting, struct location *loc,
                   struct status *st)
{
    const char *server, *path, *query;

    memset(loc, 0, sizeof(*loc));
    if ((loc->ops = by_scheme(setting)) == NULL) {
        loc->ops = registry_find(drivers, "local", 5);
        if (copy(loc->path, sizeof(loc->path), setting,
                 strlen(setting)) < 0)
            return status_set(st, "4.3.5", "maildir setting too long");
        return 0;
    }
    server = strstr(setting, "://") + 3;
    path = server + strcspn(server, "/?");
    query = path + strcspn(path, "?");
    if (path == server || *path != '/')
        return status_set(st, "4.3.5", "maildir '%s': want %.*sserver/path",
                          setting, (int)(server - setting), setting);
    if (copy(loc->server, sizeof(loc->server), setting,
             (size_t)(path - setting)) < 0
        || copy(loc->path, sizeof(loc->path), path,
                (size_t)(query - path)) < 0
        || copy(loc->query, sizeof(loc->query), *query ? query + 1 : "",
                *query ? strlen(query + 1) : 0) < 0)
        return status_set(st, "4.3.5", "maildir setting too long");
    return 0;
}

/* backend_open - a driver instance for loc, reaching the storage */
int backend_open(const struct location *loc, const char *base,
                 const struct backend_conf *conf, struct backend **out,
                 struct status *st)
{
    struct backend *b;

    if ((b = calloc(1, sizeof(*b))) == NULL)
        return status_errno(st, errno, "storage for '%s'", loc->path);
    b->ops = loc->ops;
    if (b->ops->open(b, loc, base, conf, st) < 0) {
        free(b);
        return -1;
    }
    *out = b;
    return 0;
}

/* backend_close - let go of the storage */
void backend_close(struct backend *b)
{
    if (b != NULL)
        b->ops->free(b);
}
