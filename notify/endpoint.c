/*
 * endpoint.c - lda-notifyd.conf, its endpoints and their secrets
 *
 * The syntax is lda.conf's (Postfix main.cf: "key = value", "#"
 * comments, a later setting wins) plus "[endpoint NAME]" headers; keys
 * before the first header are global.  The keys every endpoint takes
 * are one table here (ekeys); a notifier's own keys are its driver's
 * (notifier.h keys, parsed into ep->settings).  Since "notifier" may
 * come anywhere in a section, a section is judged when it ends, and
 * only then are the driver's keys applied.
 *
 * Signing secrets and headers that carry credentials live in a second
 * file (notify/secrets.c); endpoint_free() wipes them.  Any error is
 * 4.3.5, a one-line message naming the file, the line and the endpoint.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/conf.h"
#include "endpoint.h"
#include "secrets.h"

#define TIMEOUT_MAX (3600L * 1000)      /* ms: one attempt, at most 1 h */
#define DELAY_MAX (30L * 86400 * 1000)  /* ms: one retry delay, 30 days */

enum key { K_NOTIFIER, K_HEADER, K_TIMEOUT, K_CONCURRENCY, K_EVENTS,
    K_DOMAINS, K_USERS, K_FOLDERS, NKEYS };

/*
 * Endpoint keys, with the notifiers they belong to: any, or those that
 * sign (notifier.h: a signing notifier takes headers, from here and
 * from the secrets file).
 */
enum belongs { B_ANY, B_SIGNING };

static const struct ekey {
    const char *name;
    enum belongs to;
} ekeys[NKEYS] = {
    [K_NOTIFIER] = {"notifier", B_ANY},
    [K_HEADER] = {"header", B_SIGNING},
    [K_TIMEOUT] = {"timeout", B_ANY},
    [K_CONCURRENCY] = {"concurrency", B_ANY},
    [K_EVENTS] = {"events", B_ANY},
    [K_DOMAINS] = {"domains", B_ANY},
    [K_USERS] = {"users", B_ANY},
    [K_FOLDERS] = {"folders", B_ANY},
};

/* belongs - whether key k is a setting of ops's endpoints */
static int belongs(int k, const struct notifier_ops *ops)
{
    switch (ekeys[k].to) {
    case B_ANY:
        return 1;
    case B_SIGNING:
        return ops->signs;
    }
    return 0;
}

static const char *const event_types[] = {
    "message.new", "quota.warning", "quota.exceeded",
};

static const char *const global_keys[] = {
    "outbox", "secrets", "retry_schedule", "retry_jitter",
};

/* The loader's state: where it is and what the open section set. */
struct parse {
    struct notifyd_config *cfg;
    const char *path;
    char where[CONF_WHERE_MAX]; /* "config 'x' line 3: endpoint 'y'" */
    int line;
    struct endpoint *ep;        /* the open section; NULL: global */
    int ep_line;                /* of its header */
    int seen[NKEYS];            /* line each key was last set on */
    struct pending *drv;        /* the driver keys the section set */
    int ndrv;
};

/* A driver's key, kept until the section's notifier is known. */
struct pending {
    const char *name;           /* in a driver's key table */
    char *value;
    int line;                   /* the last it was set on */
};

/* parse_ms - a duration: ms s m h d, a bare number is seconds */
static int parse_ms(const char *v, long max, long *out)
{
    static const struct {
        const char *unit;
        long ms;
    } units[] = {
        {"", 1000}, {"ms", 1}, {"s", 1000}, {"m", 60000},
        {"h", 3600000}, {"d", 86400000},
    };
    unsigned long long n;
    char *end;
    size_t i;

    if (conf_decimal(v, &n, &end) < 0)
        return -1;
    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcasecmp(end, units[i].unit) != 0)
            continue;
        if (n > (unsigned long long)(max / units[i].ms))
            return -1;
        *out = (long)n * units[i].ms;
        return 0;
    }
    return -1;
}

/* parse_int - a decimal in lo..hi, an optional trailing '%' allowed */
static int parse_int(const char *v, int lo, int hi, int pct, int *out)
{
    unsigned long long n;
    char *end;

    if (conf_decimal(v, &n, &end) < 0)
        return -1;
    if (pct && *end == '%')
        end++;
    if (*end != '\0' || n < (unsigned long long)lo
        || n > (unsigned long long)hi)
        return -1;
    *out = (int)n;
    return 0;
}

/* set_path - an absolute path into a fixed buffer */
static int set_path(char *dst, size_t cap, const char *v)
{
    if (v[0] != '/' || strlen(v) >= cap)
        return -1;
    memcpy(dst, v, strlen(v) + 1);
    return 0;
}

/* set_global - one setting before the first [endpoint] */
static int set_global(struct parse *p, const char *key, const char *v,
                      struct status *st)
{
    struct notifyd_config *cfg = p->cfg;
    char buf[1024], *tok, *save = NULL;
    long ms;
    int n = 0;

    if (strcmp(key, "outbox") == 0) {
        if (set_path(cfg->outbox, sizeof(cfg->outbox), v) == 0)
            return 0;
    } else if (strcmp(key, "secrets") == 0) {
        if (set_path(cfg->secrets, sizeof(cfg->secrets), v) == 0)
            return 0;
    } else if (strcmp(key, "retry_jitter") == 0) {
        if (parse_int(v, 0, 100, 1, &cfg->jitter) == 0)
            return 0;
    } else if (strcmp(key, "retry_schedule") == 0) {
        if (snprintf(buf, sizeof(buf), "%s", v) >= (int)sizeof(buf))
            return status_set(st, "4.3.5", "%s: retry_schedule too long",
                              p->where);
        for (tok = strtok_r(buf, ENDPOINT_LIST_SEP, &save); tok;
             tok = strtok_r(NULL, ENDPOINT_LIST_SEP, &save)) {
            if (n == (int)(sizeof(cfg->retry) / sizeof(cfg->retry[0])))
                return status_set(st, "4.3.5", "%s: retry_schedule: more "
                                  "than 16 attempts", p->where);
            /* the schedule is kept in seconds */
            if (parse_ms(tok, DELAY_MAX, &ms) < 0 || ms % 1000 != 0)
                return status_set(st, "4.3.5", "%s: retry_schedule: bad "
                                  "time '%s' (whole seconds, at most 30d)",
                                  p->where, tok);
            cfg->retry[n++] = ms / 1000;
        }
        if (n == 0)
            return status_set(st, "4.3.5", "%s: retry_schedule is empty",
                              p->where);
        cfg->nretry = n;
        return 0;
    } else {
        return status_set(st, "4.3.5", "%s: unknown key '%s'", p->where,
                          key);
    }
    return status_set(st, "4.3.5", "%s: bad value for '%s': '%s'",
                      p->where, key, v);
}

/* set_list - a filter: values split on spaces and commas */
static int set_list(struct parse *p, struct match *m, const char *key,
                    const char *v, struct status *st)
{
    char *copy, *tok, *save = NULL;
    size_t i;

    while (m->n > 0)
        free(m->v[--m->n]);
    if ((copy = strdup(v)) == NULL)
        return status_errno(st, ENOMEM, "%s", p->where);
    for (tok = strtok_r(copy, ENDPOINT_LIST_SEP, &save); tok;
         tok = strtok_r(NULL, ENDPOINT_LIST_SEP, &save)) {
        if (m->n == ENDPOINT_MAX_MATCH) {
            free(copy);
            return status_set(st, "4.3.5", "%s: more than %d %s",
                              p->where, ENDPOINT_MAX_MATCH, key);
        }
        if (m == &p->ep->events) {
            for (i = 0; i < sizeof(event_types) / sizeof(*event_types); i++)
                if (strcmp(tok, event_types[i]) == 0)
                    break;
            if (i == sizeof(event_types) / sizeof(*event_types)) {
                status_set(st, "4.3.5", "%s: unknown event '%s' "
                           "(message.new, quota.warning, quota.exceeded)",
                           p->where, tok);
                free(copy);
                return -1;
            }
        }
        if ((m->v[m->n] = strdup(tok)) == NULL) {
            free(copy);
            return status_errno(st, ENOMEM, "%s", p->where);
        }
        m->n++;
    }
    free(copy);
    return 0;
}

/*
 * add_header - "Name: value" (RFC 9110 field name, no control
 * characters); the webhook-* fields are the signer's (Standard
 * Webhooks), the content fields the notifier's.  The value is never
 * quoted back: it may be a credential.
 */
static int add_header(struct endpoint *ep, const char *where, const char *v,
                      struct status *st)
{
    static const char tchar[] = "!#$%&'*+-.^_`|~";
    static const char *const own[] = {
        "webhook-id", "webhook-timestamp", "webhook-signature",
        "content-type", "content-length",
    };
    const char *colon = strchr(v, ':'), *c;
    size_t i;

    if (colon == NULL || colon == v)
        return status_set(st, "4.3.5", "%s: header needs 'Name: value'",
                          where);
    for (c = v; c < colon; c++)
        if (!isalnum((unsigned char)*c) && strchr(tchar, *c) == NULL)
            return status_set(st, "4.3.5", "%s: bad header name", where);
    for (c = colon; *c; c++)
        if (((unsigned char)*c < ' ' && *c != '\t') || *c == 0x7f)
            return status_set(st, "4.3.5", "%s: control character in "
                              "header '%.*s'", where, (int)(colon - v), v);
    for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
        if (strlen(own[i]) == (size_t)(colon - v)
            && strncasecmp(v, own[i], (size_t)(colon - v)) == 0)
            return status_set(st, "4.3.5", "%s: header '%s' is set by the "
                              "notifier itself", where, own[i]);
    if (ep->nheaders == ENDPOINT_MAX_HEADERS)
        return status_set(st, "4.3.5", "%s: more than %d headers", where,
                          ENDPOINT_MAX_HEADERS);
    if ((ep->headers[ep->nheaders] = strdup(v)) == NULL)
        return status_errno(st, ENOMEM, "%s", where);
    ep->nheaders++;
    return 0;
}

/* pending_find - the driver key name the section set; NULL if it did not */
static struct pending *pending_find(struct parse *p, const char *name)
{
    int i;

    for (i = 0; i < p->ndrv; i++)
        if (strcmp(p->drv[i].name, name) == 0)
            return &p->drv[i];
    return NULL;
}

/* driver_key - the first notifier that takes key; NULL when none does */
static const struct notifier_ops *driver_key(const char *key)
{
    const struct driver *d;
    const struct notifier_ops *ops;

    for (d = notifiers; d->name != NULL; d++) {
        ops = d->ops;
        if (ops->keys != NULL && conf_find(ops->keys, key) != NULL)
            return ops;
    }
    return NULL;
}

/* driver_value - one driver key into settings; a string too long says so */
static int driver_value(const struct conf_key *k, void *settings,
                        const char *v, const char *where, struct status *st)
{
    if (k->type == CONF_STR && strlen(v) >= k->size)
        return status_set(st, "4.3.5", "%s: '%s' too long", where, k->name);
    return conf_apply(k, settings, v, where, st);
}

/* new_settings - a driver's settings at their defaults; NULL: no memory */
static void *new_settings(const struct notifier_ops *ops)
{
    void *settings = calloc(1, ops->settings_size ? ops->settings_size : 1);

    if (settings != NULL && ops->keys != NULL)
        conf_defaults(ops->keys, settings);
    return settings;
}

/* free_settings - a driver's settings, wiped: a value may be a credential */
static void free_settings(const struct notifier_ops *ops, void *settings)
{
    if (settings == NULL)
        return;
    if (ops->settings_free != NULL)
        ops->settings_free(settings);
    explicit_bzero(settings, ops->settings_size);
    free(settings);
}

/*
 * set_driver_key - a notifier's own key: tried at once on the driver
 * that declares it (a bad value is told on its line), kept until the
 * section's notifier is known
 */
static int set_driver_key(struct parse *p, const char *key, const char *v,
                          struct status *st)
{
    const struct notifier_ops *ops = driver_key(key);
    const struct conf_key *k = conf_find(ops->keys, key);
    struct pending *d;
    void *trial;
    char *copy;
    int rc;

    if ((trial = new_settings(ops)) == NULL)
        return status_errno(st, ENOMEM, "%s", p->where);
    rc = driver_value(k, trial, v, p->where, st);
    free_settings(ops, trial);
    if (rc < 0)
        return -1;
    if ((copy = strdup(v)) == NULL)
        return status_errno(st, ENOMEM, "%s", p->where);
    if ((d = pending_find(p, k->name)) == NULL) {
        d = realloc(p->drv, (size_t)(p->ndrv + 1) * sizeof(*d));
        if (d == NULL) {
            free(copy);
            return status_errno(st, ENOMEM, "%s", p->where);
        }
        p->drv = d;
        d = &p->drv[p->ndrv++];
        d->name = k->name;
        d->value = NULL;
    }
    free(d->value);
    d->value = copy;
    d->line = p->line;
    return 0;
}

/* set_endpoint - one setting inside [endpoint NAME] */
static int set_endpoint(struct parse *p, const char *key, const char *v,
                        struct status *st)
{
    struct endpoint *ep = p->ep;
    char names[256];
    size_t i;
    int k;

    for (k = 0; k < NKEYS; k++)
        if (strcmp(ekeys[k].name, key) == 0)
            break;
    if (k == NKEYS && driver_key(key) != NULL)
        return set_driver_key(p, key, v, st);
    if (k == NKEYS) {
        for (i = 0; i < sizeof(global_keys) / sizeof(*global_keys); i++)
            if (strcmp(global_keys[i], key) == 0)
                return status_set(st, "4.3.5", "%s: '%s' is a global "
                                  "setting: put it before the first "
                                  "[endpoint]", p->where, key);
        return status_set(st, "4.3.5", "%s: unknown key '%s'", p->where,
                          key);
    }
    p->seen[k] = p->line;
    switch ((enum key)k) {
    case K_NOTIFIER:
        if ((ep->ops = registry_find(notifiers, v, strlen(v))) == NULL)
            return status_set(st, "4.3.5", "%s: unknown notifier '%s' (%s)",
                              p->where, v,
                              registry_names(notifiers, names, sizeof(names)));
        return 0;
    case K_HEADER:
        return add_header(ep, p->where, v, st);
    case K_TIMEOUT:
        if (parse_ms(v, TIMEOUT_MAX, &ep->timeout_ms) == 0
            && ep->timeout_ms > 0)
            return 0;
        return status_set(st, "4.3.5", "%s: bad time for 'timeout': '%s' "
                          "(1ms to 1h)", p->where, v);
    case K_CONCURRENCY:
        if (parse_int(v, 1, 256, 0, &ep->concurrency) == 0)
            return 0;
        return status_set(st, "4.3.5", "%s: bad value for 'concurrency': "
                          "'%s' (1 to 256)", p->where, v);
    case K_EVENTS:
        return set_list(p, &ep->events, key, v, st);
    case K_DOMAINS:
        return set_list(p, &ep->domains, key, v, st);
    case K_USERS:
        return set_list(p, &ep->users, key, v, st);
    case K_FOLDERS:
        return set_list(p, &ep->folders, key, v, st);
    case NKEYS:
        break;
    }
    return -1;
}

/* drop_pending - forget the driver keys of the section that ended */
static void drop_pending(struct parse *p)
{
    while (p->ndrv > 0)
        free(p->drv[--p->ndrv].value);
}

/* apply_driver_keys - the driver's settings: defaults, then the section's */
static int apply_driver_keys(struct parse *p, struct endpoint *ep,
                             struct status *st)
{
    const struct notifier_ops *ops = ep->ops;
    char where[CONF_WHERE_MAX];
    int i;

    if ((ep->settings = new_settings(ops)) == NULL)
        return status_errno(st, ENOMEM, "config '%s' line %d", p->path,
                            p->ep_line);
    for (i = 0; i < p->ndrv; i++) {
        snprintf(where, sizeof(where), "config '%s' line %d: endpoint '%s'",
                 p->path, p->drv[i].line, ep->name);
        if (driver_value(conf_find(ops->keys, p->drv[i].name), ep->settings,
                         p->drv[i].value, where, st) < 0)
            return -1;
    }
    return 0;
}

/* judge - the open section as a whole, its notifier known or not */
static int judge(struct parse *p, struct endpoint *ep, struct status *st)
{
    char names[256];
    int k, i;

    if (ep->ops == NULL)
        return status_set(st, "4.3.5", "config '%s' line %d: endpoint '%s': "
                          "no 'notifier' (%s)", p->path, p->ep_line,
                          ep->name,
                          registry_names(notifiers, names, sizeof(names)));
    for (i = p->ndrv - 1; i >= 0; i--)
        if (ep->ops->keys == NULL
            || conf_find(ep->ops->keys, p->drv[i].name) == NULL)
            return status_set(st, "4.3.5", "config '%s' line %d: endpoint "
                              "'%s': '%s' is not a setting of %s endpoints",
                              p->path, p->drv[i].line, ep->name,
                              p->drv[i].name, ep->ops->name);
    for (k = 0; k < NKEYS; k++)
        if (p->seen[k] && !belongs(k, ep->ops))
            return status_set(st, "4.3.5", "config '%s' line %d: endpoint "
                              "'%s': '%s' is not a setting of %s endpoints",
                              p->path, p->seen[k], ep->name, ekeys[k].name,
                              ep->ops->name);
    if (pending_find(p, ep->ops->target_key) == NULL)
        return status_set(st, "4.3.5", "config '%s' line %d: endpoint '%s': "
                          "%s needs '%s'", p->path, p->ep_line, ep->name,
                          ep->ops->name, ep->ops->target_key);
    if (apply_driver_keys(p, ep, st) < 0)
        return -1;
    if (!p->seen[K_CONCURRENCY])
        ep->concurrency = ep->ops->concurrency;
    return 0;
}

/* end_section - judge the open section as a whole */
static int end_section(struct parse *p, struct status *st)
{
    struct endpoint *ep = p->ep;
    int rc;

    if (ep == NULL)
        return 0;
    p->ep = NULL;
    rc = judge(p, ep, st);
    drop_pending(p);
    return rc;
}

/* begin_section - "[endpoint NAME]": a new endpoint with defaults */
static int begin_section(struct parse *p, char *line, struct status *st)
{
    struct notifyd_config *cfg = p->cfg;
    struct endpoint *ep;
    char *name;
    size_t len = strlen(line);
    int i;

    if (end_section(p, st) < 0)
        return -1;
    line[len - 1] = '\0';
    name = conf_trim(line + 1);
    if (strncmp(name, "endpoint", 8) != 0
        || !isspace((unsigned char)name[8]))
        return status_set(st, "4.3.5", "%s: expected '[endpoint NAME]'",
                          p->where);
    name = conf_trim(name + 8);
    len = strspn(name, ENDPOINT_NAME_CHARS);
    /* The name becomes a file name under dead/ and disabled/. */
    if (len == 0 || name[len] != '\0' || len >= sizeof(ep->name)
        || name[0] == '.')
        return status_set(st, "4.3.5", "%s: bad endpoint name '%s' "
                          "(letters, digits, '-', '_', '.', not first)",
                          p->where, name);
    for (i = 0; i < cfg->nep; i++)
        if (strcmp(cfg->ep[i].name, name) == 0)
            return status_set(st, "4.3.5", "%s: endpoint '%s' defined twice",
                              p->where, name);
    ep = realloc(cfg->ep, (size_t)(cfg->nep + 1) * sizeof(*ep));
    if (ep == NULL)
        return status_errno(st, ENOMEM, "%s", p->where);
    cfg->ep = ep;
    ep = &cfg->ep[cfg->nep++];
    memset(ep, 0, sizeof(*ep));
    memcpy(ep->name, name, len + 1);
    ep->timeout_ms = 15000;
    memset(p->seen, 0, sizeof(p->seen));
    p->ep = ep;
    p->ep_line = p->line;
    return 0;
}

/* parse_line - one line of the configuration, neither blank nor comment */
static int parse_line(void *arg, char *line, int lineno, const char *where,
                      struct status *st)
{
    struct parse *p = arg;
    char *key, *value;
    size_t len = strlen(line);

    p->line = lineno;
    snprintf(p->where, sizeof(p->where), "%s", where);
    if (line[0] == '[') {
        if (line[len - 1] != ']' || len < 2)
            return status_set(st, "4.3.5", "%s: expected '[endpoint NAME]'",
                              p->where);
        return begin_section(p, line, st);
    }
    if (conf_split(line, &key, &value) < 0)
        return status_set(st, "4.3.5", "%s: expected 'key = value'",
                          p->where);
    if (p->ep == NULL)
        return set_global(p, key, value, st);
    snprintf(p->where, sizeof(p->where), "%s: endpoint '%s'", where,
             p->ep->name);
    return set_endpoint(p, key, value, st);
}

/* load_config - read the configuration file into cfg */
static int load_config(struct notifyd_config *cfg, const char *path,
                       struct status *st)
{
    struct parse p;
    int rc;

    memset(&p, 0, sizeof(p));
    p.cfg = cfg;
    p.path = path;
    rc = conf_read(path, 1, parse_line, &p, st);
    if (rc == 0)
        rc = end_section(&p, st);
    drop_pending(&p);
    free(p.drv);
    if (rc == 0 && cfg->nep == 0)
        rc = status_set(st, "4.3.5", "config '%s': no [endpoint NAME] "
                        "section: nothing would receive the events", path);
    return rc;
}

/* named - whether a driver's message names the endpoint already */
static int named(const char *text, const char *name)
{
    char needle[80];

    snprintf(needle, sizeof(needle), "endpoint '%s'", name);
    return strstr(text, needle) != NULL;
}

/* check_endpoints - what needs both files, then each driver's check */
static int check_endpoints(struct notifyd_config *cfg, const char *path,
                           int missing, struct status *st)
{
    struct endpoint *ep;
    struct status sub;
    int i;

    for (i = 0; i < cfg->nep; i++) {
        ep = &cfg->ep[i];
        if (ep->ops->signs && ep->nsecrets == 0)
            return status_set(st, "4.3.5", "config '%s': endpoint '%s': %s "
                              "needs a secret: '%s = whsec_...' in secrets "
                              "'%s'%s", path, ep->name, ep->ops->name,
                              ep->name, cfg->secrets,
                              missing ? " (no such file)" : "");
        if (ep->ops->check == NULL)
            continue;
        memset(&sub, 0, sizeof(sub));
        if (ep->ops->check(ep, &sub) < 0)
            return named(sub.text, ep->name)
                ? status_set(st, "4.3.5", "config '%s': %s", path, sub.text)
                : status_set(st, "4.3.5", "config '%s': endpoint '%s': %s",
                             path, ep->name, sub.text);
    }
    return 0;
}

/*
 * load_secrets - the secrets file named by cfg: its secrets decoded,
 * its headers applied as the configuration's are
 */
static int load_secrets(struct notifyd_config *cfg, int *missing,
                        struct status *st)
{
    struct secrets sf;
    struct secrets_header h;
    int rc;

    if (secrets_open(&sf, cfg->secrets, missing, st) < 0)
        return -1;
    while ((rc = secrets_next(&sf, cfg, &h, st)) > 0)
        if ((rc = add_header(h.ep, h.where, h.value, st)) < 0)
            break;
    secrets_close(&sf);
    return rc;
}

/* defaults - the built-in settings */
static void defaults(struct notifyd_config *cfg)
{
    static const long schedule[] = {0, 5, 300, 1800, 7200, 18000, 36000,
        50400, 72000, 86400};   /* Standard Webhooks' retry schedule */

    memset(cfg, 0, sizeof(*cfg));
    snprintf(cfg->outbox, sizeof(cfg->outbox), "/var/spool/lda/outbox");
    snprintf(cfg->secrets, sizeof(cfg->secrets),
             "/etc/lda/lda-notifyd.secrets");
    memcpy(cfg->retry, schedule, sizeof(schedule));
    cfg->nretry = (int)(sizeof(schedule) / sizeof(schedule[0]));
    cfg->jitter = 10;
}

/*
 * endpoint_load - read path and the secrets file it names; on failure
 * cfg is left empty (endpoint_free() on it is harmless), on success the
 * caller frees it with endpoint_free()
 */
int endpoint_load(struct notifyd_config *cfg, const char *path,
                  struct status *st)
{
    int missing;

    defaults(cfg);
    if (load_config(cfg, path, st) < 0 || load_secrets(cfg, &missing, st) < 0
        || check_endpoints(cfg, path, missing, st) < 0) {
        endpoint_free(cfg);
        return -1;
    }
    return 0;
}

/* free_match - a filter's values */
static void free_match(struct match *m)
{
    while (m->n > 0)
        free(m->v[--m->n]);
}

/* endpoint_free - everything endpoint_load() kept; keys wiped first */
void endpoint_free(struct notifyd_config *cfg)
{
    struct endpoint *ep;
    int i;

    for (i = 0; i < cfg->nep; i++) {
        ep = &cfg->ep[i];
        while (ep->nheaders > 0) {
            ep->nheaders--;
            explicit_bzero(ep->headers[ep->nheaders],
                           strlen(ep->headers[ep->nheaders]));
            free(ep->headers[ep->nheaders]);
        }
        explicit_bzero(ep->secret, sizeof(ep->secret));
        if (ep->ops != NULL)
            free_settings(ep->ops, ep->settings);
        ep->settings = NULL;
        free_match(&ep->events);
        free_match(&ep->domains);
        free_match(&ep->users);
        free_match(&ep->folders);
    }
    free(cfg->ep);
    cfg->ep = NULL;
    cfg->nep = 0;
}

/* match - whether v passes filter m; none = any, NULL/"" fails a filter */
static int match(const struct match *m, const char *v, int nocase)
{
    int i;

    if (m->n == 0)
        return 1;
    if (v == NULL || *v == '\0')
        return 0;
    for (i = 0; i < m->n; i++)
        if ((nocase ? strcasecmp(m->v[i], v) : strcmp(m->v[i], v)) == 0)
            return 1;
    return 0;
}

/*
 * endpoint_wants - whether an event goes to ep: every filter set must
 * hold; domains and users compare without case (RFC 5321 domains; a
 * local part's case is the mail system's choice, lda folds it)
 */
int endpoint_wants(const struct endpoint *ep, const char *type,
                   const char *domain, const char *user, const char *folder)
{
    return match(&ep->events, type, 0) && match(&ep->domains, domain, 1)
        && match(&ep->users, user, 1) && match(&ep->folders, folder, 0);
}
