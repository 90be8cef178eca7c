/*
 * conf.c - configuration files in Postfix main.cf syntax
 *
 * "key = value" lines, "#" comments and blank lines, as in Postfix
 * main.cf.  conf_read() is the one loop over such a file: it names the
 * file and line of every mistake the same way for lda.conf and
 * lda-notifyd.conf, and hands each meaningful line to its caller.  A
 * settings struct is described by a table of keys (name, type, place,
 * default) that conf_apply() fills; the value parsers are here too.
 * Any error is 4.3.5: a configuration mistake defers, never bounces.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

/*
 * conf_read - call fn for each line of path that is not blank or a
 * comment; a missing file is fine unless must_exist.  Stops at the
 * first line fn refuses.
 */
int conf_read(const char *path, int must_exist, conf_line_fn fn, void *arg,
              struct status *st)
{
    FILE *fp;
    char line[CONF_LINE_MAX], where[CONF_WHERE_MAX], *p;
    int lineno = 0, rc = 0;

    if ((fp = fopen(path, "re")) == NULL) {
        if (errno == ENOENT && !must_exist)
            return 0;
        return status_errno_as(st, "4.3.5", errno, "config '%s'", path);
    }
    while (rc == 0 && fgets(line, sizeof(line), fp) != NULL) {
        lineno++;
        snprintf(where, sizeof(where), "config '%s' line %d", path, lineno);
        if (strchr(line, '\n') == NULL && !feof(fp)) {
            rc = status_set(st, "4.3.5", "%s: line too long", where);
            break;
        }
        p = conf_trim(line);
        if (*p == '\0' || *p == '#')
            continue;
        rc = fn(arg, p, lineno, where, st);
    }
    if (rc == 0 && ferror(fp))
        rc = status_errno_as(st, "4.3.5", errno, "read config '%s'", path);
    fclose(fp);
    return rc;
}

/* conf_trim - strip white space at both ends, in place */
char *conf_trim(char *s)
{
    char *e;

    while (isspace((unsigned char)*s))
        s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* conf_split - "key = value" into its parts; -1 without "=" or key */
int conf_split(char *line, char **key, char **value)
{
    char *eq = strchr(line, '=');

    if (eq == NULL)
        return -1;
    *eq = '\0';
    *key = conf_trim(line);
    *value = conf_trim(eq + 1);
    return **key ? 0 : -1;
}

/*
 * conf_decimal - the number v starts with (digits only: no sign, no
 * blank), end at what follows; -1 when there is none or it overflows
 */
int conf_decimal(const char *v, unsigned long long *n, char **end)
{
    if (!isdigit((unsigned char)*v))
        return -1;
    errno = 0;
    *n = strtoull(v, end, 10);
    return errno != 0 ? -1 : 0;
}

/* parse_uint - decimal with an optional unit suffix from units */
static int parse_uint(const char *v, const char *units,
                      const uint64_t *mult, uint64_t *out)
{
    char *end;
    const char *u;
    unsigned long long n;

    if (conf_decimal(v, &n, &end) < 0)
        return -1;
    if (*end != '\0') {
        u = strchr(units, toupper((unsigned char)*end));
        if (end[1] != '\0' || u == NULL)
            return -1;
        if (n > UINT64_MAX / mult[u - units])
            return -1;
        n *= mult[u - units];
    }
    *out = n;
    return 0;
}

/* conf_size - a size as the settings take it: "1G", "512K", "1000" */
int conf_size(const char *v, uint64_t *out)
{
    static const uint64_t mult[] = {1024ULL, 1024ULL * 1024,
        1024ULL * 1024 * 1024, 1024ULL * 1024 * 1024 * 1024};

    return parse_uint(v, "KMGT", mult, out);
}

/* conf_time - seconds, 1 to a day: "30s", "5m", "1h", "1d", "300" */
int conf_time(const char *v, uint64_t *out)
{
    static const uint64_t mult[] = {1, 60, 3600, 86400};
    uint64_t n;

    if (parse_uint(v, "SMHD", mult, &n) < 0 || n == 0 || n > 86400)
        return -1;
    *out = n;
    return 0;
}

/* conf_find - the key called name in tab, or NULL */
const struct conf_key *conf_find(const struct conf_key *tab,
                                 const char *name)
{
    for (; tab->name != NULL; tab++)
        if (strcmp(tab->name, name) == 0)
            return tab;
    return NULL;
}

/* conf_parse - store v as k says into base; -1 when it does not parse */
int conf_parse(const struct conf_key *k, void *base, const char *v)
{
    char *field = (char *)base + k->off;
    uint64_t n;

    switch (k->type) {
    case CONF_STR:
        if (strlen(v) >= k->size)
            return -1;
        memcpy(field, v, strlen(v) + 1);
        return 0;
    case CONF_BOOL:
        if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0
            || strcmp(v, "1") == 0)
            *(int *)field = 1;
        else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0
                 || strcmp(v, "0") == 0)
            *(int *)field = 0;
        else
            return -1;
        return 0;
    case CONF_SIZE:
        if (conf_size(v, &n) < 0)
            return -1;
        *(uint64_t *)field = n;
        return 0;
    case CONF_COUNT:
        if (parse_uint(v, "", NULL, &n) < 0)
            return -1;
        *(uint64_t *)field = n;
        return 0;
    case CONF_TIME:
        if (conf_time(v, &n) < 0)
            return -1;
        *(uint64_t *)field = n;
        return 0;
    case CONF_FUNC:
        break;
    }
    return -1;
}

/* conf_apply - set key k of base to v; where names the source in errors */
int conf_apply(const struct conf_key *k, void *base, const char *v,
               const char *where, struct status *st)
{
    if (k->type == CONF_FUNC)
        return k->set(base, k, v, where, st);
    if (conf_parse(k, base, v) < 0)
        return status_set(st, "4.3.5", "%s: bad value for '%s': '%s'",
                          where, k->name, v);
    return 0;
}

/* conf_defaults - every key of tab at its built-in value */
void conf_defaults(const struct conf_key *tab, void *base)
{
    struct status ignored;

    for (; tab->name != NULL; tab++)
        (void)conf_apply(tab, base, tab->dflt, "default", &ignored);
}
