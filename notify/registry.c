/*
 * registry.c - the notifier drivers by name
 *
 * Adding a driver is adding its file and one line here.
 */
#include <stdio.h>
#include <string.h>

#include "notifier.h"

static const struct notifier_ops *const drivers[] = {
    &notifier_webhook_ops,
    &notifier_exec_ops,
    &notifier_unix_ops,
};

#define NDRIVERS (sizeof(drivers) / sizeof(drivers[0]))

/* notifier_names - "webhook, exec, unix", for messages */
const char *notifier_names(void)
{
    static char buf[256];
    size_t i, o = 0;

    for (i = 0; i < NDRIVERS && o < sizeof(buf); i++)
        o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s",
                              i ? ", " : "", drivers[i]->name);
    return buf;
}

/* notifier_find - the driver called name, or NULL */
const struct notifier_ops *notifier_find(const char *name)
{
    size_t i;

    for (i = 0; i < NDRIVERS; i++)
        if (strcmp(drivers[i]->name, name) == 0)
            return drivers[i];
    return NULL;
}
