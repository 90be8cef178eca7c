/* spamtest.c - placeholder until the test is written */
#include "run.h"

int sv_test_spamtest(struct sv_run *r, const struct sv_node *n)
{
    return sv_error(r, n, "%s: not implemented", n->name);
}

int sv_test_virustest(struct sv_run *r, const struct sv_node *n)
{
    return sv_error(r, n, "%s: not implemented", n->name);
}

