/*
 * registry.h - driver tables: one shape for the userdb drivers, the
 * storage backends and the notifiers
 *
 * A table is an array of {name, ops} ended by {NULL, NULL}; ops points
 * to the kind's own const struct of function pointers.  Adding a
 * driver is its file plus one table line.
 */
#ifndef LDA_REGISTRY_H
#define LDA_REGISTRY_H

#include <stddef.h>

struct driver {
    const char *name;
    const void *ops;
};

const void *registry_find(const struct driver *tab, const char *name,
                          size_t len);
const char *registry_names(const struct driver *tab, char *out, size_t cap);

#endif
