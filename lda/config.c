/*
 * config.c - lda.conf: settings, defaults, parsing
 *
 * Syntax as in Postfix main.cf: "key = value" lines, "#" comments,
 * blank lines; a later setting of a key wins.  Settings are one table
 * of name, type, default and place; adding one is adding a line.  Any
 * error is 4.3.5: a configuration mistake defers mail, it never
 * bounces it.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

enum type { T_STR, T_BOOL, T_SIZE, T_COUNT, T_TIME, T_PERCENTS, T_FULL };

struct setting {
    const char *name;
    enum type type;
    size_t off;
    size_t len;                 /* for T_STR */
    const char *dflt;
};

#define STR(f) T_STR, offsetof(struct config, f), sizeof(((struct config *)0)->f)
#define NUM(t, f) t, offsetof(struct config, f), 0

static const struct setting settings[] = {
    {"maildir", STR(maildir), "~/Maildir/"},
    {"storage_root", STR(storage_root), ""},
    {"user", STR(user), ""},
    {"group", STR(group), ""},
    {"create_maildir", NUM(T_BOOL, create_maildir), "yes"},
    {"create_folders", NUM(T_BOOL, create_folders), "no"},
    {"recipient_delimiter", STR(recipient_delimiter), "+"},
    {"quota", NUM(T_SIZE, quota), "0"},
    {"quota_messages", NUM(T_COUNT, quota_messages), "0"},
    {"quota_count_trash", NUM(T_BOOL, quota_count_trash), "yes"},
    {"quota_full", NUM(T_FULL, quota_bounce), "defer"},
    {"quota_warning", NUM(T_PERCENTS, quota_warning), ""},
    {"message_size_limit", NUM(T_SIZE, message_size_limit), "0"},
    {"add_headers", NUM(T_BOOL, add_headers), "yes"},
    {"delivery_timeout", NUM(T_TIME, delivery_timeout), "300s"},
    {"nfs_timeout", NUM(T_TIME, nfs_timeout), "5s"},
    {"hostname", STR(hostname), ""},
    {"outbox", STR(outbox), ""},
    {"userdb", STR(userdb), "static"},
    {"userdb_timeout", NUM(T_TIME, userdb_timeout), "5s"},
};

/*
 * config_decimal - the number v starts with (digits only: no sign, no
 * blank), end at what follows; -1 when there is none or it overflows.
 * The daemon's and the userdb's settings are read with it too.
 */
int config_decimal(const char *v, unsigned long long *n, char **end)
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

    if (config_decimal(v, &n, &end) < 0)
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

/* parse_percents - "80,95": up to CONFIG_MAX_WARNINGS of 1..100 */
static int parse_percents(struct config *cfg, const char *v)
{
    char buf[128], *tok, *save = NULL, *end;
    long p;

    cfg->quota_warnings = 0;
    if (snprintf(buf, sizeof(buf), "%s", v) >= (int)sizeof(buf))
        return -1;
    for (tok = strtok_r(buf, ", ", &save); tok;
         tok = strtok_r(NULL, ", ", &save)) {
        if (cfg->quota_warnings == CONFIG_MAX_WARNINGS)
            return -1;
        if (tok[strlen(tok) - 1] == '%')
            tok[strlen(tok) - 1] = '\0';
        p = strtol(tok, &end, 10);
        if (*tok == '\0' || *end != '\0' || p < 1 || p > 100)
            return -1;
        cfg->quota_warning[cfg->quota_warnings++] = (int)p;
    }
    return 0;
}

/* config_size - a size as the settings take it: "1G", "512K", "1000" */
int config_size(const char *v, uint64_t *out)
{
    static const uint64_t mult[] = {1024ULL, 1024ULL * 1024,
        1024ULL * 1024 * 1024, 1024ULL * 1024 * 1024 * 1024};

    return parse_uint(v, "KMGT", mult, out);
}

/* apply - store one value; -1 when it does not parse */
static int apply(struct config *cfg, const struct setting *s, const char *v)
{
    static const uint64_t time_mult[] = {1, 60, 3600, 86400};
    char *field = (char *)cfg + s->off;
    uint64_t n;

    switch (s->type) {
    case T_STR:
        if (strlen(v) >= s->len)
            return -1;
        memcpy(field, v, strlen(v) + 1);
        return 0;
    case T_BOOL:
        if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0
            || strcmp(v, "1") == 0)
            *(int *)field = 1;
        else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0
                 || strcmp(v, "0") == 0)
            *(int *)field = 0;
        else
            return -1;
        return 0;
    case T_SIZE:
        if (config_size(v, &n) < 0)
            return -1;
        *(uint64_t *)field = n;
        return 0;
    case T_COUNT:
        if (parse_uint(v, "", NULL, &n) < 0)
            return -1;
        *(uint64_t *)field = n;
        return 0;
    case T_TIME:
        if (parse_uint(v, "SMHD", time_mult, &n) < 0 || n == 0
            || n > 86400)
            return -1;
        *(uint64_t *)field = n;
        return 0;
    case T_PERCENTS:
        return parse_percents(cfg, v);
    case T_FULL:
        if (strcmp(v, "defer") == 0)
            *(int *)field = 0;
        else if (strcmp(v, "bounce") == 0)
            *(int *)field = 1;
        else
            return -1;
        return 0;
    }
    return -1;
}

/* config_set - set key to value; where names the source in errors */
int config_set(struct config *cfg, const char *key, const char *value,
               const char *where, struct status *st)
{
    size_t i;

    for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
        if (strcmp(settings[i].name, key) != 0)
            continue;
        if (apply(cfg, &settings[i], value) < 0)
            return status_set(st, "4.3.5", "%s: bad value for '%s': '%s'",
                              where, key, value);
        return 0;
    }
    return status_set(st, "4.3.5", "%s: unknown key '%s'", where, key);
}

/* config_defaults - every setting at its built-in value */
void config_defaults(struct config *cfg)
{
    size_t i;

    memset(cfg, 0, sizeof(*cfg));
    for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
        (void)apply(cfg, &settings[i], settings[i].dflt);
}

/* config_trim - strip white space at both ends, in place */
char *config_trim(char *s)
{
    char *e;

    while (isspace((unsigned char)*s))
        s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* config_split - "key = value" into its parts; -1 without "=" or key */
int config_split(char *line, char **key, char **value)
{
    char *eq = strchr(line, '=');

    if (eq == NULL)
        return -1;
    *eq = '\0';
    *key = config_trim(line);
    *value = config_trim(eq + 1);
    return **key ? 0 : -1;
}

/* config_override - one "-o key=value" */
int config_override(struct config *cfg, const char *kv, struct status *st)
{
    char buf[1200], *key, *value;

    if (snprintf(buf, sizeof(buf), "%s", kv) >= (int)sizeof(buf)
        || config_split(buf, &key, &value) < 0)
        return status_set(st, "4.3.5", "-o '%s': expected key=value", kv);
    return config_set(cfg, key, value, "-o", st);
}

/* config_load - read a file; a missing one is fine unless must_exist */
int config_load(struct config *cfg, const char *path, int must_exist,
                struct status *st)
{
    FILE *fp;
    char line[2048], where[1200], *key, *value, *p;
    int lineno = 0, rc = 0;

    if ((fp = fopen(path, "re")) == NULL) {
        if (errno == ENOENT && !must_exist)
            return 0;
        return status_set(st, "4.3.5", "config '%s': %s", path,
                          strerror(errno));
    }
    while (rc == 0 && fgets(line, sizeof(line), fp) != NULL) {
        lineno++;
        snprintf(where, sizeof(where), "config '%s' line %d", path, lineno);
        if (strchr(line, '\n') == NULL && !feof(fp)) {
            rc = status_set(st, "4.3.5", "%s: line too long", where);
            break;
        }
        p = config_trim(line);
        if (*p == '\0' || *p == '#')
            continue;
        if (config_split(p, &key, &value) < 0)
            rc = status_set(st, "4.3.5", "%s: expected 'key = value'", where);
        else
            rc = config_set(cfg, key, value, where, st);
    }
    if (rc == 0 && ferror(fp))
        rc = status_set(st, "4.3.5", "read config '%s': %s", path,
                        strerror(errno));
    fclose(fp);
    return rc;
}
