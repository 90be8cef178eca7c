/*
 * backend.c - the storage driver registry
 *
 * A maildir setting names its driver by its URL scheme; a plain path
 * is local.  Adding a driver is one file and one line of the table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

static const struct {
    const char *scheme;         /* "nfs://"; NULL for a plain path */
    const struct backend_ops *ops;
} registry[] = {
    {.scheme = "nfs://", .ops = &backend_nfs_ops},
    {.scheme = NULL, .ops = &backend_local_ops},
};

#define NDRIVERS (sizeof(registry) / sizeof(registry[0]))

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
    size_t i, n;

    memset(loc, 0, sizeof(*loc));
    for (i = 0; i < NDRIVERS; i++) {
        if (registry[i].scheme == NULL) {
            loc->ops = registry[i].ops;
            if (copy(loc->path, sizeof(loc->path), setting,
                     strlen(setting)) < 0)
                return status_set(st, "4.3.5", "maildir setting too long");
            return 0;
        }
        n = strlen(registry[i].scheme);
        if (strncmp(setting, registry[i].scheme, n) == 0)
            break;
    }
    loc->ops = registry[i].ops;
    server = setting + n;
    path = server + strcspn(server, "/?");
    query = path + strcspn(path, "?");
    if (path == server || *path != '/')
        return status_set(st, "4.3.5", "maildir '%s': want %sserver/path",
                          setting, registry[i].scheme);
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
