/* match.c - placeholder until matching is written */
#include "run.h"

void sv_match_begin(struct sv_match_ctx *m, struct sv_run *r,
                    const struct sv_node *n, const struct sv_arg *keys)
{
    m->r = r;
    m->n = n;
    m->keys = keys;
    m->count = 0;
    m->matched = 0;
}

int sv_match_value(struct sv_match_ctx *m, const char *v, size_t len)
{
    (void)v;
    (void)len;
    return sv_error(m->r, m->n, "match: not implemented");
}

int sv_match_end(struct sv_match_ctx *m)
{
    return m->matched;
}
