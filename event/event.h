/* event.h - new-mail and quota events as JSON, written to the outbox */
#ifndef LDA_EVENT_H
#define LDA_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "../util/status.h"

#define EVENT_FIELD_MAX 1024    /* as the header scanner cuts values */
#define EVENT_ID_LEN 37         /* a UUID and its NUL */

enum event_type { EVENT_MESSAGE_NEW, EVENT_QUOTA_WARNING,
    EVENT_QUOTA_EXCEEDED };

/* The header fields an event reports: the first of each, as scanned. */
struct event_headers {
    char from[EVENT_FIELD_MAX];
    char to[EVENT_FIELD_MAX];
    char subject[EVENT_FIELD_MAX];
    char date[EVENT_FIELD_MAX];
    char message_id[EVENT_FIELD_MAX];
    unsigned seen;              /* bit per field: first one kept */
};

struct event_quota {
    int on;                     /* 0: no quota, the object is left out */
    int64_t bytes, messages;
    uint64_t bytes_limit, messages_limit;       /* 0 = none */
};

struct event {
    enum event_type type;
    char id[EVENT_ID_LEN];      /* filled by event_json() */
    const char *user;
    const char *recipient;
    const char *original_recipient;     /* NULL: not given */
    const char *sender;
    const char *folder;
    const char *path;           /* message.new: the folder's directory */
    const char *file;           /* message.new: the name in new/ */
    uint64_t size;
    const struct event_headers *hdr;    /* message.new */
    struct event_quota quota;
    int threshold;              /* quota.warning: percent */
    const char *status;         /* quota.exceeded: "4.2.2" */
    int bounced;                /* quota.exceeded */
};

const char *event_type_name(enum event_type t);
void event_header(struct event_headers *h, const char *name,
                  const char *value);
char *event_json(struct event *ev, size_t *len);
int event_emit(const char *outbox, struct event *ev, struct status *st);

#endif
