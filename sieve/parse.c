/* parse.c - placeholder until the parser is written */
#include <errno.h>
#include <stdio.h>

#include "ast.h"

int sieve_load(const struct sieve_conf *conf, const char *path,
               struct sieve_script **out, struct sieve_error *err)
{
    (void)conf;
    *out = NULL;
    snprintf(err->file, sizeof(err->file), "%s", path);
    err->line = err->col = 0;
    snprintf(err->text, sizeof(err->text), "not implemented");
    errno = EINVAL;
    return -1;
}

int sieve_parse_text(const struct sieve_conf *conf, const char *name,
                     const char *text, size_t len,
                     struct sieve_script **out, struct sieve_error *err)
{
    (void)text;
    (void)len;
    return sieve_load(conf, name, out, err);
}

void sieve_script_free(struct sieve_script *s)
{
    (void)s;
}

const struct sv_arg *sv_tag(const struct sv_node *n, const char *name)
{
    (void)n;
    (void)name;
    return NULL;
}
