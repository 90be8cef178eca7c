/* vars.c - placeholder until variables are written */
#include <stddef.h>

#include "eval.h"

struct sv_vars *sv_vars_new(void)
{
    return NULL;
}

void sv_vars_free(struct sv_vars *v)
{
    (void)v;
}

const char *sv_var_get(struct sv_run *r, const char *name, size_t *len)
{
    (void)r;
    (void)name;
    *len = 0;
    return "";
}

int sv_var_set(struct sv_run *r, const char *name, const char *value,
               size_t len)
{
    (void)r;
    (void)name;
    (void)value;
    (void)len;
    return -1;
}

void sv_match_vars_set(struct sv_run *r, const char *const *v,
                       const size_t *len, int n)
{
    (void)r;
    (void)v;
    (void)len;
    (void)n;
}

const char *sv_string(struct sv_run *r, const struct sv_str *s, int slot,
                      size_t *len)
{
    (void)r;
    (void)slot;
    *len = s->len;
    return s->s;
}

int sv_test_string(struct sv_run *r, const struct sv_node *n)
{
    return sv_error(r, n, "%s: not implemented", n->name);
}

int sv_cmd_set(struct sv_run *r, const struct sv_node *n)
{
    return sv_error(r, n, "%s: not implemented", n->name);
}
