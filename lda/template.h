/* template.h - the maildir setting turned into a path */
#ifndef LDA_TEMPLATE_H
#define LDA_TEMPLATE_H

#include <stddef.h>

#include "../util/status.h"
#include "recipient.h"

int template_expand(const char *tpl, const struct recipient *r,
                    const char *home, char *out, size_t cap, char *base,
                    size_t bcap, struct status *st);

int template_storage_root(const char *roots, const char *tpl,
                          const char *path, const char *base, char *out,
                          size_t cap, struct status *st);

#endif
