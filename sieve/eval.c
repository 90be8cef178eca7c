/* eval.c - placeholder until the evaluator is written */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "eval.h"

int sieve_execute(const struct sieve_conf *conf,
                  struct sieve_script *const *scripts, int n,
                  const struct sieve_env *env, struct sieve_result *res,
                  struct sieve_error *err)
{
    (void)conf;
    (void)scripts;
    (void)n;
    (void)env;
    memset(res, 0, sizeof(*res));
    memset(err, 0, sizeof(*err));
    snprintf(err->text, sizeof(err->text), "not implemented");
    return -1;
}

void sieve_result_free(struct sieve_result *res)
{
    (void)res;
}

int sv_error(struct sv_run *r, const struct sv_node *n, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->err->text, sizeof(r->err->text), fmt, ap);
    va_end(ap);
    r->err->line = n ? n->line : 0;
    r->err->col = n ? n->col : 0;
    return -1;
}
