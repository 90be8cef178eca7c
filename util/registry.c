/*
 * registry.c - find a driver by name, list the names for a message
 */
#include <stdio.h>
#include <string.h>

#include "registry.h"

/* registry_find - the ops of the driver whose name is name[0..len), or NULL */
const void *registry_find(const struct driver *tab, const char *name,
                          size_t len)
{
    for (; tab->name != NULL; tab++)
        if (strlen(tab->name) == len && strncmp(tab->name, name, len) == 0)
            return tab->ops;
    return NULL;
}

/* registry_names - "a, b, c" into out (cut to fit); returns out */
const char *registry_names(const struct driver *tab, char *out, size_t cap)
{
    size_t o = 0;
    int n;

    if (cap == 0)
        return out;
    out[0] = '\0';
    for (; tab->name != NULL && o < cap; tab++) {
        n = snprintf(out + o, cap - o, "%s%s", o ? ", " : "", tab->name);
        if (n < 0)
            break;
        o += (size_t)n;
    }
    return out;
}
