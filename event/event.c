/*
 * event.c - new-mail and quota events as JSON, written to the outbox
 *
 * One event per outcome worth telling an application about, in the
 * envelope of event/event.schema.json: id (a UUID that stays the same
 * through every retry: the Standard Webhooks webhook-id), type,
 * timestamp, version, and data carrying the RFC 5423 event name.  The
 * header fields come from the scan lda makes while the message streams
 * (event_header() keeps the first of each), so no second pass is made;
 * a field that does not parse is left out, never an error.  Every
 * string is made valid UTF-8 first: jansson refuses anything else, and
 * a refused string must not cost the event.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <uuid/uuid.h>

#include "addr.h"
#include "event.h"
#include "outbox.h"
#include "rfc2047.h"

#define EVENT_VERSION 1
#define EVENT_MAX_ADDRS 32

/* The types, their RFC 5423 names (QuotaWarning is lda's own). */
static const struct {
    const char *type;
    const char *rfc5423;
} types[] = {
    [EVENT_MESSAGE_NEW] = {"message.new", "MessageNew"},
    [EVENT_QUOTA_WARNING] = {"quota.warning", "QuotaWarning"},
    [EVENT_QUOTA_EXCEEDED] = {"quota.exceeded", "QuotaExceed"},
};

/* event_type_name - "message.new" and the like */
const char *event_type_name(enum event_type t)
{
    return types[t].type;
}

/* The header fields kept, with their bit in event_headers.seen. */
#define FIELD(f) offsetof(struct event_headers, f)
static const struct {
    const char *name;
    size_t off;
} fields[] = {
    {"From", FIELD(from)},
    {"To", FIELD(to)},
    {"Subject", FIELD(subject)},
    {"Date", FIELD(date)},
    {"Message-ID", FIELD(message_id)},
};

/* event_header - keep name's value when it is the first of a kept field */
void event_header(struct event_headers *h, const char *name,
                  const char *value)
{
    size_t i;

    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (strcasecmp(name, fields[i].name) != 0 || (h->seen & (1u << i)))
            continue;
        snprintf((char *)h + fields[i].off, EVENT_FIELD_MAX, "%s", value);
        h->seen |= 1u << i;
        return;
    }
}

/* put - a string member, made valid UTF-8; NULL gives JSON null */
static void put(json_t *o, const char *key, const char *s)
{
    char buf[EVENT_FIELD_MAX * 3 + 4];

    if (s == NULL) {
        json_object_set_new(o, key, json_null());
        return;
    }
    utf8_clean(s, strlen(s), buf, sizeof(buf));
    json_object_set_new(o, key, json_string(buf));
}

/* put_text - an unstructured header field, decoded; absent when empty */
static void put_text(json_t *o, const char *key, const char *raw)
{
    char buf[EVENT_FIELD_MAX * 3 + 4];

    if (rfc2047_decode(raw, buf, sizeof(buf)) > 0)
        json_object_set_new(o, key, json_string(buf));
}

/* put_addrs - an address list as [{name, address}] */
static void put_addrs(json_t *o, const char *key, const char *raw)
{
    static struct addr a[EVENT_MAX_ADDRS];
    json_t *list = json_array(), *one;
    int i, n = addr_parse_list(raw, a, EVENT_MAX_ADDRS);

    for (i = 0; i < n; i++) {
        one = json_object();
        put(one, "name", a[i].name);
        put(one, "address", a[i].address);
        json_array_append_new(list, one);
    }
    json_object_set_new(o, key, list);
}

/* put_message_id - the Message-ID's first word, when it has one */
static void put_message_id(json_t *o, const char *raw)
{
    char id[EVENT_FIELD_MAX];
    size_t n;

    raw += strspn(raw, " \t");
    n = strcspn(raw, " \t");
    if (n == 0)
        return;
    memcpy(id, raw, n);
    id[n] = '\0';
    put(o, "message_id", id);
}

/* quota - usage and limits, RFC 5423's diskUsed/diskQuota in bytes */
static json_t *quota(const struct event_quota *q)
{
    return json_pack("{s:I, s:I, s:I, s:I}",
                     "storage_used", (json_int_t)q->bytes,
                     "storage_limit", (json_int_t)q->bytes_limit,
                     "messages_used", (json_int_t)q->messages,
                     "messages_limit", (json_int_t)q->messages_limit);
}

/* data - the type's members */
static json_t *data(const struct event *ev)
{
    json_t *d = json_object();

    put(d, "event", types[ev->type].rfc5423);
    put(d, "user", ev->user);
    put(d, "recipient", ev->recipient);
    if (ev->type != EVENT_QUOTA_WARNING) {
        if (ev->type == EVENT_MESSAGE_NEW)
            put(d, "original_recipient", ev->original_recipient);
        put(d, "sender", ev->sender);
    }
    put(d, "folder", ev->folder);
    switch (ev->type) {
    case EVENT_MESSAGE_NEW:
        json_object_set_new(d, "maildir", json_object());
        put(json_object_get(d, "maildir"), "path", ev->path);
        put(json_object_get(d, "maildir"), "file", ev->file);
        json_object_set_new(d, "size", json_integer((json_int_t)ev->size));
        if (ev->hdr->seen & (1u << 4))
            put_message_id(d, ev->hdr->message_id);
        put_addrs(d, "from", ev->hdr->from);
        put_addrs(d, "to", ev->hdr->to);
        put_text(d, "subject", ev->hdr->subject);
        put_text(d, "date", ev->hdr->date);
        break;
    case EVENT_QUOTA_WARNING:
        json_object_set_new(d, "threshold", json_integer(ev->threshold));
        break;
    case EVENT_QUOTA_EXCEEDED:
        json_object_set_new(d, "size", json_integer((json_int_t)ev->size));
        put(d, "status", ev->status);
        put(d, "action", ev->bounced ? "bounced" : "deferred");
        break;
    }
    if (ev->quota.on)
        json_object_set_new(d, "quota", quota(&ev->quota));
    return d;
}

/* stamp - now as RFC 3339 UTC with milliseconds */
static void stamp(char *out, size_t cap)
{
    struct timespec ts;
    struct tm tm;
    size_t n;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    n = strftime(out, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, cap - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

/* event_json - a fresh id and the compact JSON (malloc'd; NULL on ENOMEM) */
char *event_json(struct event *ev, size_t *len)
{
    uuid_t u;
    char when[40], *s;
    json_t *root;

    uuid_generate_random(u);
    uuid_unparse_lower(u, ev->id);
    stamp(when, sizeof(when));
    root = json_pack("{s:s, s:s, s:s, s:i, s:o}", "id", ev->id,
                     "type", types[ev->type].type, "timestamp", when,
                     "version", EVENT_VERSION, "data", data(ev));
    if (root == NULL)
        return NULL;
    s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (s)
        *len = strlen(s);
    return s;
}

/* event_emit - make the event durable in the outbox, then wake the daemon */
int event_emit(const char *outbox, struct event *ev, struct status *st)
{
    size_t len = 0;
    char *json = event_json(ev, &len);
    int rc;

    if (json == NULL)
        return status_set(st, "4.3.0", "event: out of memory");
    rc = outbox_put(outbox, ev->id, json, len, st);
    free(json);
    if (rc == 0)
        outbox_wake(outbox, ev->id);
    return rc;
}
