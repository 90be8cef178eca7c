/*
 * cmd.c - lda-notifyd's commands on the queue: list, replay, purge, enable
 *
 * They work on the files the daemon keeps (notify/state.c) and may run
 * beside it: what they change the daemon reads at its next look at the
 * event.  Exit codes as in sysexits: 0, 64 for a usage error, 75 when a
 * file could not be changed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "../event/outbox.h"
#include "../util/status.h"
#include "watch.h"
#include "state.h"

/* The arguments every command takes. */
struct args {
    int dead;                   /* --dead */
    const char *endpoint;       /* --endpoint NAME, or list's ENDPOINT */
    char **ids;                 /* ID... ("all" = every one) */
    int nids;
};

/* parse - options and ids; -1 on a usage error */
static int parse(int argc, char **argv, struct args *a, int want_ids)
{
    int i;

    memset(a, 0, sizeof(*a));
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--dead") == 0)
            a->dead = 1;
        else if (strcmp(argv[i], "--endpoint") == 0 && i + 1 < argc)
            a->endpoint = argv[++i];
        else
            return -1;
    }
    a->ids = argv + i;
    a->nids = argc - i;
    return want_ids && a->nids == 0 ? -1 : 0;
}

/* path_of - state_path(), said on stderr when too long; 0 or -1 */
static int path_of(char *out, size_t cap, const struct notifyd_config *cfg,
                   const char *dir, const char *a, const char *b)
{
    if (state_path(out, cap, cfg->outbox, dir, a, b) == 0)
        return 0;
    fprintf(stderr, "lda-notifyd: outbox '%s': name too long\n",
            cfg->outbox);
    return -1;
}

/* say_errno - "what 'path': strerror" on stderr; -1 */
static int say_errno(const char *what, const char *path)
{
    struct status st;

    status_errno(&st, errno, "%s '%s'", what, path);
    fprintf(stderr, "lda-notifyd: %s\n", st.text);
    return -1;
}

/* chosen - whether the command's ids name this one */
static int chosen(const struct args *a, const char *id)
{
    int i;

    for (i = 0; i < a->nids; i++)
        if (strcmp(a->ids[i], "all") == 0 || strcmp(a->ids[i], id) == 0)
            return 1;
    return 0;
}

/* find_ep - the configured endpoint called name, or NULL */
static struct endpoint *find_ep(struct notifyd_config *cfg, const char *name)
{
    int i;

    for (i = 0; name && i < cfg->nep; i++)
        if (strcmp(cfg->ep[i].name, name) == 0)
            return &cfg->ep[i];
    return NULL;
}

/* str - a JSON string's text, "-" for anything else */
static const char *str(json_t *v)
{
    const char *s = json_string_value(v);

    return s ? s : "-";
}

/* when - Unix ms as RFC 3339 UTC, "now" when due */
static const char *when(long long ms, char *buf, size_t cap)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;

    if (ms <= (long long)time(NULL) * 1000)
        return "now";
    gmtime_r(&t, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

/* last_error - the error of an endpoint entry's latest attempt */
static const char *last_error(json_t *e)
{
    json_t *log = json_object_get(e, "log");
    const char *s = str(json_object_get(json_array_get(log,
                        json_array_size(log) - 1), "error"));

    return *s ? s : "-";
}

/* list_pending - one line per event and endpoint still to send to */
static int list_pending(struct notifyd_config *cfg, const struct args *a)
{
    char path[4096], id[80], buf[32];
    struct dirent *d;
    json_t *ev, *rec, *data, *e;
    const char *rcpt, *at;
    DIR *dir;
    int i, rc = 0;

    if (path_of(path, sizeof(path), cfg, "new", NULL, NULL) < 0)
        return EX_TEMPFAIL_;
    if ((dir = opendir(path)) == NULL) {
        say_errno("open", path);
        return EX_TEMPFAIL_;
    }
    while ((d = readdir(dir)) != NULL) {
        if (watch_event_name(d->d_name, id, sizeof(id)) < 0)
            continue;
        if (path_of(path, sizeof(path), cfg, "new", d->d_name, NULL) < 0) {
            rc = EX_TEMPFAIL_;
            continue;
        }
        if ((ev = json_load_file(path, 0, NULL)) == NULL)
            continue;
        rec = state_load(cfg->outbox, id);
        data = json_object_get(ev, "data");
        rcpt = json_string_value(json_object_get(data, "recipient"));
        at = rcpt ? strrchr(rcpt, '@') : NULL;
        for (i = 0; i < cfg->nep; i++) {
            struct endpoint *ep = &cfg->ep[i];

            if ((a->endpoint && strcmp(a->endpoint, ep->name) != 0)
                || !endpoint_wants(ep, json_string_value(json_object_get(ev,
                                   "type")), at ? at + 1 : "",
                                   json_string_value(json_object_get(data,
                                   "user")),
                                   json_string_value(json_object_get(data,
                                   "folder"))))
                continue;
            e = json_object_get(json_object_get(rec, "endpoints"), ep->name);
            if (json_is_true(json_object_get(e, "done")))
                continue;
            printf("%s %s %s attempts=%d next=%s last=%s%s\n", id, ep->name,
                   str(json_object_get(ev, "type")),
                   (int)json_integer_value(json_object_get(e, "attempts")),
                   when(json_integer_value(json_object_get(e, "next")), buf,
                        sizeof(buf)), last_error(e),
                   state_disabled(cfg->outbox, ep->name)
                   ? " (endpoint disabled)" : "");
        }
        json_decref(rec);
        json_decref(ev);
    }
    closedir(dir);
    return rc;
}

/* each_dead - call fn on every dead letter the arguments choose */
static int each_dead(struct notifyd_config *cfg, const struct args *a,
                     int (*fn)(struct notifyd_config *, const char *ep,
                               const char *id, const char *path))
{
    char path[4096], id[80];
    struct dirent *d;
    DIR *dir;
    int i, rc = 0;

    for (i = 0; i < cfg->nep; i++) {
        if (a->endpoint && strcmp(a->endpoint, cfg->ep[i].name) != 0)
            continue;
        if (path_of(path, sizeof(path), cfg, "dead", cfg->ep[i].name,
                    NULL) < 0) {
            rc = EX_TEMPFAIL_;
            continue;
        }
        if ((dir = opendir(path)) == NULL)
            continue;
        while ((d = readdir(dir)) != NULL) {
            if (watch_event_name(d->d_name, id, sizeof(id)) < 0
                || (a->nids && !chosen(a, id)))
                continue;
            if (path_of(path, sizeof(path), cfg, "dead", cfg->ep[i].name,
                        d->d_name) < 0
                || fn(cfg, cfg->ep[i].name, id, path) < 0)
                rc = EX_TEMPFAIL_;
        }
        closedir(dir);
    }
    return rc;
}

/* show_dead - one line for a dead letter */
static int show_dead(struct notifyd_config *cfg, const char *ep,
                     const char *id, const char *path)
{
    json_t *d = json_load_file(path, 0, NULL);
    json_t *log = json_object_get(d, "attempts");

    (void)cfg;
    printf("%s %s %s attempts=%d died=%s why=%s\n", id, ep,
           str(json_object_get(json_object_get(d, "event"), "type")),
           (int)json_integer_value(json_object_get(json_array_get(log,
               json_array_size(log) - 1), "attempt")),
           str(json_object_get(d, "died")), str(json_object_get(d, "why")));
    json_decref(d);
    return 0;
}

/* cmd_list - "list [--dead] [ENDPOINT]" */
static int cmd_list(struct notifyd_config *cfg, int argc, char **argv)
{
    struct args a;

    if (parse(argc, argv, &a, 0) < 0 || a.nids > 1)
        return EX_USAGE_;
    if (a.nids == 1) {
        a.endpoint = a.ids[0];
        a.nids = 0;
    }
    if (a.endpoint && find_ep(cfg, a.endpoint) == NULL) {
        fprintf(stderr, "lda-notifyd: no endpoint '%s'\n", a.endpoint);
        return EX_USAGE_;
    }
    return a.dead ? each_dead(cfg, &a, show_dead) : list_pending(cfg, &a);
}

/* revive - put a dead letter back in the queue of its endpoint only */
static int revive(struct notifyd_config *cfg, const char *ep,
                  const char *id, const char *path)
{
    char final[4096], name[96], *body;
    json_t *d, *rec, *e;
    struct status st;
    int i, fresh;

    snprintf(name, sizeof(name), "%s%s", id, OUTBOX_SUFFIX);
    if (path_of(final, sizeof(final), cfg, "new", name, NULL) < 0)
        return -1;
    d = json_load_file(path, 0, NULL);
    fresh = access(final, F_OK) < 0;
    if ((rec = state_load(cfg->outbox, id)) == NULL)
        rec = json_pack("{s:{}}", "endpoints");
    /* Endpoints that had it already must not get it a second time. */
    for (i = 0; fresh && i < cfg->nep; i++)
        if (strcmp(cfg->ep[i].name, ep) != 0)
            json_object_set_new(state_endpoint(rec, cfg->ep[i].name),
                                "done", json_true());
    e = state_endpoint(rec, ep);
    json_object_set_new(e, "done", json_false());
    json_object_set_new(e, "attempts", json_integer(0));
    json_object_set_new(e, "next", json_integer(0));
    body = json_dumps(json_object_get(d, "event"),
                      JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (body == NULL || state_save(cfg->outbox, id, rec, &st) < 0
        || (fresh && outbox_put(cfg->outbox, id, body, strlen(body),
                                &st) < 0)) {
        fprintf(stderr, "lda-notifyd: replay %s to %s: %s\n", id, ep,
                body ? st.text : "not an event");
        free(body);
        json_decref(rec);
        json_decref(d);
        return -1;
    }
    (void)unlink(path);
    outbox_wake(cfg->outbox, id);
    printf("%s %s replayed\n", id, ep);
    free(body);
    json_decref(rec);
    json_decref(d);
    return 0;
}

/* cmd_replay - "replay [--endpoint NAME] ID...|all" */
static int cmd_replay(struct notifyd_config *cfg, int argc, char **argv)
{
    struct args a;
    int i;

    if (parse(argc, argv, &a, 1) < 0 || a.dead)
        return EX_USAGE_;
    if (a.endpoint && find_ep(cfg, a.endpoint) == NULL) {
        fprintf(stderr, "lda-notifyd: no endpoint '%s'\n", a.endpoint);
        return EX_USAGE_;
    }
    for (i = 0; i < cfg->nep; i++)
        if ((!a.endpoint || strcmp(a.endpoint, cfg->ep[i].name) == 0)
            && state_disabled(cfg->outbox, cfg->ep[i].name))
            fprintf(stderr, "lda-notifyd: endpoint %s is disabled: its "
                    "events go back to dead/ until 'lda-notifyd enable "
                    "%s'\n", cfg->ep[i].name, cfg->ep[i].name);
    return each_dead(cfg, &a, revive);
}

/* forget - remove a dead letter */
static int forget(struct notifyd_config *cfg, const char *ep, const char *id,
                  const char *path)
{
    (void)cfg;
    if (unlink(path) < 0 && errno != ENOENT)
        return say_errno("remove", path);
    printf("%s %s purged\n", id, ep);
    return 0;
}

/* purge_pending - drop events from new/, or one endpoint's share */
static int purge_pending(struct notifyd_config *cfg, const struct args *a)
{
    char path[4096], id[80];
    struct dirent *d;
    struct status st;
    json_t *rec;
    DIR *dir;
    int rc = 0;

    if (path_of(path, sizeof(path), cfg, "new", NULL, NULL) < 0)
        return EX_TEMPFAIL_;
    if ((dir = opendir(path)) == NULL)
        return 0;
    while ((d = readdir(dir)) != NULL) {
        if (watch_event_name(d->d_name, id, sizeof(id)) < 0
            || !chosen(a, id))
            continue;
        if (a->endpoint) {
            if ((rec = state_load(cfg->outbox, id)) == NULL)
                rec = json_pack("{s:{}}", "endpoints");
            json_object_set_new(state_endpoint(rec, a->endpoint), "done",
                                json_true());
            if (state_save(cfg->outbox, id, rec, &st) < 0) {
                fprintf(stderr, "lda-notifyd: purge %s: %s\n", id, st.text);
                rc = EX_TEMPFAIL_;
            } else {
                outbox_wake(cfg->outbox, id);
                printf("%s %s purged\n", id, a->endpoint);
            }
            json_decref(rec);
            continue;
        }
        if (path_of(path, sizeof(path), cfg, "new", d->d_name, NULL) < 0) {
            rc = EX_TEMPFAIL_;
            continue;
        }
        if (unlink(path) < 0 && errno != ENOENT) {
            say_errno("remove", path);
            rc = EX_TEMPFAIL_;
            continue;
        }
        state_remove(cfg->outbox, id);
        printf("%s purged\n", id);
    }
    closedir(dir);
    return rc;
}

/* cmd_purge - "purge [--dead] [--endpoint NAME] ID...|all" */
static int cmd_purge(struct notifyd_config *cfg, int argc, char **argv)
{
    struct args a;

    if (parse(argc, argv, &a, 1) < 0)
        return EX_USAGE_;
    if (a.endpoint && find_ep(cfg, a.endpoint) == NULL) {
        fprintf(stderr, "lda-notifyd: no endpoint '%s'\n", a.endpoint);
        return EX_USAGE_;
    }
    return a.dead ? each_dead(cfg, &a, forget) : purge_pending(cfg, &a);
}

/* cmd_enable - "enable ENDPOINT": turn on an endpoint a 410 turned off */
static int cmd_enable(struct notifyd_config *cfg, int argc, char **argv)
{
    char path[4096];

    if (argc != 2)
        return EX_USAGE_;
    if (find_ep(cfg, argv[1]) == NULL) {
        fprintf(stderr, "lda-notifyd: no endpoint '%s'\n", argv[1]);
        return EX_USAGE_;
    }
    if (path_of(path, sizeof(path), cfg, "disabled", argv[1], NULL) < 0)
        return EX_TEMPFAIL_;
    if (unlink(path) < 0 && errno != ENOENT) {
        say_errno("remove", path);
        return EX_TEMPFAIL_;
    }
    printf("%s enabled; 'lda-notifyd replay --endpoint %s all' sends "
           "what it missed\n", argv[1], argv[1]);
    return 0;
}

/* cmd_check - "check": the configuration was read, say so */
static int cmd_check(struct notifyd_config *cfg, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return EX_USAGE_;
    printf("configuration ok: outbox '%s', %d endpoint%s\n", cfg->outbox,
           cfg->nep, cfg->nep == 1 ? "" : "s");
    return 0;
}

static const struct {
    const char *name;
    cmd_fn fn;
} cmds[] = {
    {"list", cmd_list},
    {"replay", cmd_replay},
    {"purge", cmd_purge},
    {"enable", cmd_enable},
    {"check", cmd_check},
};

/* cmd_find - the command called name, or NULL */
cmd_fn cmd_find(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        if (strcmp(cmds[i].name, name) == 0)
            return cmds[i].fn;
    return NULL;
}
