/* notifier.h - the notifier interface: one attempt, one event, one endpoint */
#ifndef LDA_NOTIFIER_H
#define LDA_NOTIFIER_H

#include <poll.h>
#include <stddef.h>

#include "../util/conf.h"
#include "../util/registry.h"
#include "../util/status.h"

struct endpoint;

/* What one attempt came to. */
enum attempt_outcome {
    ATT_OK,                     /* done: never send this event here again */
    ATT_RETRY,                  /* failed: try again on the schedule */
    ATT_FAIL,                   /* failed for good: dead letter now */
    ATT_GONE                    /* endpoint gone (HTTP 410): disable it */
};

#define ATT_REPLY_MAX 512       /* bytes of the answer kept in the log */

struct attempt {
    enum attempt_outcome outcome;
    long status;                /* HTTP status or exit code; 0 when none */
    long retry_after;           /* seconds the endpoint asked for; -1 none */
    char error[256];            /* what went wrong, "" on success */
    char reply[ATT_REPLY_MAX + 1];      /* start of the answer, NUL-ended */
};

/*
 * One attempt in flight.  The queue fills ep, id, body and len and
 * keeps them valid until the driver has called notifier_done(job),
 * exactly once, after filling res; that may happen inside start() or
 * progress().  notifier_done() only records: it never calls back into
 * a driver, so a driver may report in the middle of its own loops.
 */
struct job {
    struct endpoint *ep;
    char id[64];                /* the event's id: webhook-id */
    const char *body;           /* the event JSON, as in the outbox */
    size_t len;
    struct attempt res;
    void *owner;                /* the queue's */
    void *priv;                 /* the driver's */
};

void notifier_done(struct job *j);     /* provided by the queue */

/*
 * A driver.  Its keys are the endpoint settings only it takes, parsed
 * into its own settings (ep->settings, settings_size bytes, freed with
 * settings_free() when that is set); target_key is the one of them an
 * endpoint must set.  check() judges an endpoint's settings when the
 * configuration is read (a clear error, nothing started); init() makes
 * it ready to send.  start() begins an attempt and returns at once.
 * The queue's loop calls pollfds() to learn what to wait for (the
 * driver may lower *timeout_ms, e.g. for its own per-attempt timeout),
 * poll(2)s, then calls progress() with the same pollfd array, revents
 * filled in; progress() finishes whatever attempts it can.
 */
struct notifier_ops {
    const char *name;
    const struct conf_key *keys;        /* into ep->settings */
    size_t settings_size;
    void (*settings_free)(void *settings);
    const char *target_key;     /* the setting that names where to send */
    int concurrency;            /* attempts in flight, unless configured */
    int signs;                  /* needs a whsec_ secret, takes headers */
    int (*check)(const struct endpoint *ep, struct status *st);
    int (*init)(struct endpoint *ep, struct status *st);
    void (*start)(struct endpoint *ep, struct job *j);
    int (*pollfds)(struct endpoint *ep, struct pollfd *pfd, int cap,
                   long *timeout_ms);
    void (*progress)(struct endpoint *ep, struct pollfd *pfd, int n);
    void (*fini)(struct endpoint *ep);
};


extern const struct driver notifiers[];  /* registry.c */

#endif
