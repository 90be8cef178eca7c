/*
 * state.c - lda-notifyd's records beside the outbox: progress, dead letters
 *
 * An event that every endpoint took at the first attempt leaves no
 * record: it is unlinked from new/ and that is all.  Anything else is
 * remembered in files, so a restart goes on where the last run stopped:
 *
 *   state/<id>.json         per endpoint: done, attempts, next attempt
 *                           (Unix ms), and the last STATE_LOG_MAX attempts
 *   dead/<endpoint>/<id>.json   the event and its attempt log, after the
 *                           last attempt or a permanent failure
 *   disabled/<endpoint>     the endpoint answered 410 Gone: not used
 *                           until "lda-notifyd enable"
 *
 * Each is written whole (util/file.c: tmp file, fsync, rename, fsync of
 * the directory): a crash leaves the old record or the new one.  Losing
 * a record costs at worst a repeated attempt, never an event, since the
 * event itself stays in new/ until every endpoint is done with it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../util/file.h"
#include "notifier.h"
#include "../event/rfc2047.h"
#include "state.h"

/* state_path - "<outbox>/<dir>[/<a>[/<b>]]"; -1 when too long */
int state_path(char *out, size_t cap, const char *outbox, const char *dir,
               const char *a, const char *b)
{
    int n;

    if (b)
        n = snprintf(out, cap, "%s/%s/%s/%s", outbox, dir, a, b);
    else if (a)
        n = snprintf(out, cap, "%s/%s/%s", outbox, dir, a);
    else
        n = snprintf(out, cap, "%s/%s", outbox, dir);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* state_now - the time as RFC 3339 UTC, for the attempt log */
void state_now(char *out, size_t cap)
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* mkdir_parent - create the directory that will hold path */
static int mkdir_parent(const char *path)
{
    char dir[4096], *slash;

    snprintf(dir, sizeof(dir), "%s", path);
    if ((slash = strrchr(dir, '/')) == NULL)
        return -1;
    *slash = '\0';
    if (mkdir(dir, 0700) == 0 || errno == EEXIST)
        return 0;
    if (errno != ENOENT || mkdir_parent(dir) < 0)
        return -1;
    return mkdir(dir, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

/*
 * state_write - path holds text, whole, after a crash too, and its
 * directory is fsynced: the queue unlinks an event once its record
 * says so, and a record lost after that unlink would be progress lost
 */
int state_write(const char *path, const char *text, size_t len,
                struct status *st)
{
    if (file_replace(path, text, len, st) == 0)
        return 0;
    if (errno != ENOENT)
        return -1;
    if (mkdir_parent(path) < 0)
        /* file_replace()'s temporary name, as it would have said */
        return status_errno(st, errno, "create '%s.%ld.tmp'", path,
                            (long)getpid());
    return file_replace(path, text, len, st);
}

/* state_load - the record of an event, or NULL when there is none */
json_t *state_load(const char *outbox, const char *id)
{
    char path[4096];
    json_t *s;

    if (state_path(path, sizeof(path), outbox, "state", id, NULL) < 0
        || strlen(path) + 5 >= sizeof(path))
        return NULL;
    strcat(path, ".json");
    s = json_load_file(path, 0, NULL);
    if (s && !json_is_object(json_object_get(s, "endpoints"))) {
        json_decref(s);        /* not ours: start afresh */
        s = NULL;
    }
    return s;
}

/* state_save - write an event's record */
int state_save(const char *outbox, const char *id, json_t *s,
               struct status *st)
{
    char path[4096], *text;
    int rc;

    if (state_path(path, sizeof(path), outbox, "state", id, NULL) < 0
        || strlen(path) + 5 >= sizeof(path))
        return status_set(st, "4.3.5", "outbox '%s': name too long", outbox);
    strcat(path, ".json");
    if ((text = json_dumps(s, JSON_COMPACT)) == NULL)
        return status_set(st, "4.3.0", "state '%s': out of memory", path);
    rc = state_write(path, text, strlen(text), st);
    free(text);
    return rc;
}

/* state_remove - forget an event's record */
void state_remove(const char *outbox, const char *id)
{
    char path[4096];

    if (state_path(path, sizeof(path), outbox, "state", id, NULL) == 0
        && strlen(path) + 5 < sizeof(path)) {
        strcat(path, ".json");
        (void)unlink(path);
    }
}

/* state_endpoint - the entry of one endpoint, made when missing */
json_t *state_endpoint(json_t *s, const char *name)
{
    json_t *eps = json_object_get(s, "endpoints"), *ep;

    if (eps == NULL) {
        eps = json_object();
        json_object_set_new(s, "endpoints", eps);
    }
    if ((ep = json_object_get(eps, name)) == NULL) {
        ep = json_pack("{s:b, s:i, s:I, s:[]}", "done", 0, "attempts", 0,
                       "next", (json_int_t)0, "log");
        json_object_set_new(eps, name, ep);
    }
    return ep;
}

/* state_log - add one attempt to an endpoint's log, oldest dropped */
void state_log(json_t *ep, int attempt, long status, const char *error,
               const char *reply)
{
    json_t *log = json_object_get(ep, "log");
    char when[32], err[1024], rep[ATT_REPLY_MAX * 3 + 4];

    if (!json_is_array(log)) {
        log = json_array();
        json_object_set_new(ep, "log", log);
    }
    state_now(when, sizeof(when));
    /* A reply is whatever the endpoint sent: JSON takes UTF-8 only. */
    utf8_clean(error, strlen(error), err, sizeof(err));
    utf8_clean(reply, strlen(reply), rep, sizeof(rep));
    json_array_append_new(log, json_pack("{s:s, s:i, s:i, s:s, s:s}",
                                         "time", when, "attempt", attempt,
                                         "status", (int)status,
                                         "error", err, "reply", rep));
    while (json_array_size(log) > STATE_LOG_MAX)
        json_array_remove(log, 0);
}

/* state_bury - the event goes to dead/<endpoint>/ with its attempt log */
int state_bury(const char *outbox, const char *endpoint, const char *id,
               const char *body, size_t len, json_t *ep, const char *why,
               struct status *st)
{
    char path[4096], name[128], when[32], *text;
    json_t *ev = json_loadb(body, len, 0, NULL), *d;
    int rc;

    snprintf(name, sizeof(name), "%s.json", id);
    if (state_path(path, sizeof(path), outbox, "dead", endpoint, name) < 0)
        return status_set(st, "4.3.5", "outbox '%s': name too long", outbox);
    state_now(when, sizeof(when));
    d = json_pack("{s:s, s:s, s:s, s:O, s:o}", "endpoint", endpoint,
                  "died", when, "why", why,
                  "attempts", json_object_get(ep, "log"),
                  "event", ev ? ev : json_stringn(body, len));
    if (d == NULL || (text = json_dumps(d, JSON_INDENT(2))) == NULL) {
        json_decref(d);
        return status_set(st, "4.3.0", "dead letter '%s': out of memory",
                          path);
    }
    rc = state_write(path, text, strlen(text), st);
    free(text);
    json_decref(d);
    return rc;
}

/* state_disable - endpoint answered 410: keep it off, across restarts */
int state_disable(const char *outbox, const char *endpoint, const char *why,
                  struct status *st)
{
    char path[4096], text[600], when[32];
    int n;

    if (state_path(path, sizeof(path), outbox, "disabled", endpoint,
                   NULL) < 0)
        return status_set(st, "4.3.5", "outbox '%s': name too long", outbox);
    state_now(when, sizeof(when));
    n = snprintf(text, sizeof(text), "%s %s\n", when, why);
    return state_write(path, text, (size_t)n < sizeof(text) ? (size_t)n
                       : sizeof(text) - 1, st);
}

/* state_disabled - whether the endpoint is off */
int state_disabled(const char *outbox, const char *endpoint)
{
    char path[4096];

    return state_path(path, sizeof(path), outbox, "disabled", endpoint,
                      NULL) == 0 && access(path, F_OK) == 0;
}
