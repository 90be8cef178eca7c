/*
 * config.c - lda.conf: settings, defaults, parsing
 *
 * Syntax as in Postfix main.cf (util/conf.c reads it): "key = value"
 * lines, "#" comments, blank lines; a later setting of a key wins.
 * Settings are key tables of name, type, place and default: the
 * general ones here, and those a userdb or storage driver declares in
 * its own file; adding one is adding a line.  Any error is 4.3.5: a
 * configuration mistake defers mail, it never bounces it.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "userdb.h"

#define STR(f) CONF_STR, CONF_FIELD(struct config, f)
#define NUM(t, f) t, offsetof(struct config, f), 0

static int set_percents(void *base, const struct conf_key *k, const char *v,
                        const char *where, struct status *st);
static int set_full(void *base, const struct conf_key *k, const char *v,
                    const char *where, struct status *st);
static int set_mode(void *base, const struct conf_key *k, const char *v,
                    const char *where, struct status *st);
static int set_period(void *base, const struct conf_key *k, const char *v,
                      const char *where, struct status *st);

static const struct conf_key general_keys[] = {
    {"maildir", STR(maildir), "~/Maildir/", NULL},
    {"storage_root", STR(storage_root), "", NULL},
    {"user", STR(user), "", NULL},
    {"group", STR(group), "", NULL},
    {"create_maildir", NUM(CONF_BOOL, create_maildir), "yes", NULL},
    {"create_folders", NUM(CONF_BOOL, create_folders), "no", NULL},
    {"recipient_delimiter", STR(recipient_delimiter), "+", NULL},
    {"quota", NUM(CONF_SIZE, quota), "0", NULL},
    {"quota_messages", NUM(CONF_COUNT, quota_messages), "0", NULL},
    {"quota_count_trash", NUM(CONF_BOOL, quota_count_trash), "yes", NULL},
    {"quota_full", NUM(CONF_FUNC, quota_bounce), "defer", set_full},
    {"quota_warning", NUM(CONF_FUNC, quota_warning), "", set_percents},
    {"message_size_limit", NUM(CONF_SIZE, message_size_limit), "0", NULL},
    {"add_headers", NUM(CONF_BOOL, add_headers), "yes", NULL},
    {"delivery_timeout", NUM(CONF_TIME, delivery_timeout), "300s", NULL},
    {"hostname", STR(hostname), "", NULL},
    {"outbox", STR(outbox), "", NULL},
    {"userdb", STR(userdb), "static", NULL},
    {NULL, CONF_STR, 0, 0, NULL, NULL},
};

#define LSTR(f) CONF_STR, CONF_FIELD(struct lmtp_settings, f)
#define LNUM(t, f) t, offsetof(struct lmtp_settings, f), 0

static const struct conf_key lmtp_keys[] = {
    {"lmtp_listen", LSTR(listen), "unix:/var/spool/postfix/private/lda-lmtp",
     NULL},
    {"lmtp_socket_mode", LNUM(CONF_FUNC, socket_mode), "0666", set_mode},
    {"lmtp_user", LSTR(user), "", NULL},
    {"lmtp_max_connections", LNUM(CONF_COUNT, max_connections), "100", NULL},
    {"lmtp_max_recipients", LNUM(CONF_COUNT, max_recipients), "1000", NULL},
    {"lmtp_command_timeout", LNUM(CONF_TIME, command_timeout), "5m", NULL},
    {"lmtp_data_timeout", LNUM(CONF_TIME, data_timeout), "10m", NULL},
    {"lmtp_spool_dir", LSTR(spool_dir), "/var/tmp", NULL},
    {NULL, CONF_STR, 0, 0, NULL, NULL},
};

#define SSTR(f) CONF_STR, CONF_FIELD(struct sieve_settings, f)
#define CSTR(f) CONF_STR, CONF_FIELD(struct sieve_settings, conf.f)
#define CNUM(t, f) t, offsetof(struct sieve_settings, conf.f), 0
#define TEXT(kind, i) {"sieve_" #kind "test_text_value" #i, \
                       CSTR(kind##_text_value[i]), "", NULL}

/* Sieve: each key is Pigeonhole's of the same name (lda.conf(5)). */
static const struct conf_key sieve_keys[] = {
    {"sieve", SSTR(script), "~/.dovecot.sieve", NULL},
    {"sieve_dir", SSTR(personal_dir), "~/sieve", NULL},
    {"sieve_global_dir", CSTR(global_dir), "/etc/lda/sieve", NULL},
    {"sieve_before", SSTR(before), "", NULL},
    {"sieve_after", SSTR(after), "", NULL},
    {"sieve_max_script_size", CNUM(CONF_SIZE, max_script_size), "1M", NULL},
    {"sieve_max_actions", CNUM(CONF_COUNT, max_actions), "32", NULL},
    {"sieve_max_redirects", CNUM(CONF_COUNT, max_redirects), "4", NULL},
    {"sieve_max_cpu_time", CNUM(CONF_FUNC, max_cpu_time), "30s", set_period},
    {"sieve_vacation_min_period", CNUM(CONF_FUNC, vacation_min_period),
     "1d", set_period},
    {"sieve_vacation_max_period", CNUM(CONF_FUNC, vacation_max_period),
     "90d", set_period},
    {"sieve_vacation_default_period",
     CNUM(CONF_FUNC, vacation_default_period), "7d", set_period},
    {"sieve_redirect_envelope_from", SSTR(redirect_from), "sender", NULL},
    {"sieve_spamtest_status_type", CSTR(spam_status_type), "", NULL},
    {"sieve_spamtest_status_header", CSTR(spam_status_header), "", NULL},
    {"sieve_spamtest_max_header", CSTR(spam_max_header), "", NULL},
    {"sieve_spamtest_max_value", CSTR(spam_max_value), "", NULL},
    TEXT(spam, 1), TEXT(spam, 2), TEXT(spam, 3), TEXT(spam, 4),
    TEXT(spam, 5), TEXT(spam, 6), TEXT(spam, 7), TEXT(spam, 8),
    TEXT(spam, 9), TEXT(spam, 10),
    {"sieve_virustest_status_type", CSTR(virus_status_type), "", NULL},
    {"sieve_virustest_status_header", CSTR(virus_status_header), "", NULL},
    {"sieve_virustest_max_header", CSTR(virus_max_header), "", NULL},
    {"sieve_virustest_max_value", CSTR(virus_max_value), "", NULL},
    TEXT(virus, 1), TEXT(virus, 2), TEXT(virus, 3), TEXT(virus, 4),
    TEXT(virus, 5), TEXT(virus, 6), TEXT(virus, 7), TEXT(virus, 8),
    TEXT(virus, 9), TEXT(virus, 10),
    {"sendmail_path", SSTR(sendmail), "/usr/sbin/sendmail", NULL},
    {NULL, CONF_STR, 0, 0, NULL, NULL},
};

/* The key tables that make lda.conf, each at its place in struct config. */
static const struct {
    const struct conf_key *keys;
    size_t base;
} tables[] = {
    {general_keys, 0},
    {userdb_tcp_keys, 0},
    {nfs_keys, offsetof(struct config, nfs)},
    {lmtp_keys, offsetof(struct config, lmtp)},
    {sieve_keys, offsetof(struct config, sieve)},
};

#define NTABLES (sizeof(tables) / sizeof(tables[0]))

/* bad_value - the one message for a value that does not parse */
static int bad_value(const struct conf_key *k, const char *v,
                     const char *where, struct status *st)
{
    return status_set(st, "4.3.5", "%s: bad value for '%s': '%s'", where,
                      k->name, v);
}

/* set_percents - "80,95": up to CONFIG_MAX_WARNINGS of 1..100 */
static int set_percents(void *base, const struct conf_key *k, const char *v,
                        const char *where, struct status *st)
{
    struct config *cfg = base;
    char buf[128], *tok, *save = NULL, *end;
    long p;

    cfg->quota_warnings = 0;
    if (snprintf(buf, sizeof(buf), "%s", v) >= (int)sizeof(buf))
        return bad_value(k, v, where, st);
    for (tok = strtok_r(buf, ", ", &save); tok;
         tok = strtok_r(NULL, ", ", &save)) {
        if (cfg->quota_warnings == CONFIG_MAX_WARNINGS)
            return bad_value(k, v, where, st);
        if (tok[strlen(tok) - 1] == '%')
            tok[strlen(tok) - 1] = '\0';
        p = strtol(tok, &end, 10);
        if (*tok == '\0' || *end != '\0' || p < 1 || p > 100)
            return bad_value(k, v, where, st);
        cfg->quota_warning[cfg->quota_warnings++] = (int)p;
    }
    return 0;
}

/* set_full - quota_full: "defer" or "bounce" */
static int set_full(void *base, const struct conf_key *k, const char *v,
                    const char *where, struct status *st)
{
    int *field = (int *)((char *)base + k->off);

    if (strcmp(v, "defer") == 0)
        *field = 0;
    else if (strcmp(v, "bounce") == 0)
        *field = 1;
    else
        return bad_value(k, v, where, st);
    return 0;
}

/* set_mode - a file mode in octal, "0660" */
static int set_mode(void *base, const struct conf_key *k, const char *v,
                    const char *where, struct status *st)
{
    uint64_t *field = (uint64_t *)((char *)base + k->off);
    char *end;
    unsigned long m = strtoul(v, &end, 8);

    if (*v == '\0' || *end != '\0' || m > 07777)
        return bad_value(k, v, where, st);
    *field = m;
    return 0;
}

/*
 * set_period - a time that may be 0 or longer than conf_time's day:
 * "0", "30s", "7d" (Pigeonhole's vacation periods run to 90 days)
 */
static int set_period(void *base, const struct conf_key *k, const char *v,
                      const char *where, struct status *st)
{
    static const char units[] = "smhd";
    static const uint64_t mult[] = {1, 60, 3600, 86400};
    uint64_t *field = (uint64_t *)((char *)base + k->off);
    unsigned long long n;
    const char *u;
    char *end;

    if (conf_decimal(v, &n, &end) < 0 || n > 100ULL * 365 * 86400)
        return bad_value(k, v, where, st);
    if (*end != '\0') {
        u = strchr(units, *end | 0x20);
        if (u == NULL || *u == '\0' || end[1] != '\0')
            return bad_value(k, v, where, st);
        n *= mult[u - units];
    }
    *field = n;
    return 0;
}

/* config_set - set key to value; where names the source in errors */
int config_set(struct config *cfg, const char *key, const char *value,
               const char *where, struct status *st)
{
    const struct conf_key *k;
    size_t i;

    for (i = 0; i < NTABLES; i++)
        if ((k = conf_find(tables[i].keys, key)) != NULL)
            return conf_apply(k, (char *)cfg + tables[i].base, value, where,
                              st);
    return status_set(st, "4.3.5", "%s: unknown key '%s'", where, key);
}

/* config_defaults - every setting at its built-in value */
void config_defaults(struct config *cfg)
{
    size_t i;

    memset(cfg, 0, sizeof(*cfg));
    for (i = 0; i < NTABLES; i++)
        conf_defaults(tables[i].keys, (char *)cfg + tables[i].base);
}

/* sieve_conf_defaults - the Sieve settings lda.conf starts from */
void sieve_conf_defaults(struct sieve_conf *conf)
{
    struct sieve_settings s;

    memset(&s, 0, sizeof(s));
    conf_defaults(sieve_keys, &s);
    *conf = s.conf;
    snprintf(conf->delimiter, sizeof(conf->delimiter), "+");
}

/* config_override - one "-o key=value" */
int config_override(struct config *cfg, const char *kv, struct status *st)
{
    char buf[1200], *key, *value;

    if (snprintf(buf, sizeof(buf), "%s", kv) >= (int)sizeof(buf)
        || conf_split(buf, &key, &value) < 0)
        return status_set(st, "4.3.5", "-o '%s': expected key=value", kv);
    return config_set(cfg, key, value, "-o", st);
}

/* load_line - one "key = value" line of lda.conf */
static int load_line(void *arg, char *line, int lineno, const char *where,
                     struct status *st)
{
    char *key, *value;

    (void)lineno;
    if (conf_split(line, &key, &value) < 0)
        return status_set(st, "4.3.5", "%s: expected 'key = value'", where);
    return config_set(arg, key, value, where, st);
}

/* config_load - read a file; a missing one is fine unless must_exist */
int config_load(struct config *cfg, const char *path, int must_exist,
                struct status *st)
{
    return conf_read(path, must_exist, load_line, cfg, st);
}

/*
 * config_read - the built-in values, then path (the default file may
 * be missing), then the n "-o key=value" overrides
 */
int config_read(struct config *cfg, const char *path,
                const char *const *overrides, int n, struct status *st)
{
    int i;

    config_defaults(cfg);
    if (config_load(cfg, path ? path : CONFIG_DEFAULT_FILE, path != NULL,
                    st) < 0)
        return -1;
    for (i = 0; i < n; i++)
        if (config_override(cfg, overrides[i], st) < 0)
            return -1;
    return 0;
}
