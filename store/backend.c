/*
 * backend.c - the storage driver registry
 *
 * A Maildir location names its driver by its URL scheme; a plain
 * absolute path is local.  Adding a driver is one file and one line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

static const struct {
    const char *prefix;
    const struct backend_ops *ops;
} registry[] = {
    {.prefix = "/", .ops = &backend_local_ops},
};

/* backend_open - the driver whose prefix starts location */
int backend_open(const char *location, struct backend **out)
{
    size_t i;
    struct backend *b;

    for (i = 0; i < sizeof(registry) / sizeof(registry[0]); i++) {
        if (strncmp(location, registry[i].prefix,
                    strlen(registry[i].prefix)) != 0)
            continue;
        if ((b = calloc(1, sizeof(*b))) == NULL)
            return -1;
        b->ops = registry[i].ops;
        *out = b;
        return 0;
    }
    errno = EINVAL;
    return -1;
}
