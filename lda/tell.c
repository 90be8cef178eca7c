/*
 * tell.c - the events of a delivery: message.new, quota.exceeded,
 * quota.warning
 *
 * Each is built from what the delivery learnt and written to the
 * outbox, when there is one (event/event.c makes it durable).  Writing
 * one can fail, but that never changes the exit code: a tempfail after
 * the message is in new/ would have Postfix deliver it twice.  So a
 * failure is only logged, as loudly as syslog allows.
 */
#include <stdio.h>
#include <string.h>

#include "../util/log.h"
#include "tell.h"

/* usage - the quota figures an event reports: after delivery, or before */
static void usage(const struct delivery *c, const struct quota_usage *u,
                  struct event_quota *q)
{
    q->on = c->md.quota_on;
    q->bytes = u->bytes;
    q->messages = u->messages;
    q->bytes_limit = c->cfg.quota;
    q->messages_limit = c->cfg.quota_messages;
}

/*
 * tell - write ev to the outbox, when there is one; a failure loses the
 * event, never the delivery, and is logged as loudly as syslog allows
 */
static void tell(const struct delivery *c, struct event *ev)
{
    const char *orig = c->env->orig_recipient;
    struct status st;

    if (c->cfg.outbox[0] == '\0')
        return;
    ev->user = c->rcpt.user;
    ev->recipient = c->rcpt.address;
    ev->original_recipient = orig && *orig ? orig : NULL;
    ev->sender = c->sender;
    if (ev->folder == NULL)
        ev->folder = c->md.folder[0] ? c->md.folder : "INBOX";
    if (event_emit(c->cfg.outbox, ev, &st) < 0)
        log_error("to=<%s>, %s event lost: %s", c->rcpt.address,
                  event_type_name(ev->type), st.text);
    else
        log_verbose("event %s '%s' in outbox '%s'",
                    event_type_name(ev->type), ev->id, c->cfg.outbox);
}

/* tell_new - the message.new event of a delivery */
void tell_new(const struct delivery *c)
{
    tell_copy(c, c->md.dir, c->md.final, NULL);
}

/*
 * tell_copy - the message.new event of one stored copy: file in dir's
 * new/ or cur/, in folder (NULL: the delivery's)
 */
void tell_copy(const struct delivery *c, const char *dir, const char *file,
               const char *folder)
{
    struct event ev;
    char path[MD_PATH + 300];

    memset(&ev, 0, sizeof(ev));
    ev.type = EVENT_MESSAGE_NEW;
    snprintf(path, sizeof(path), "%s%s", c->loc.server, dir);
    ev.path = path;
    ev.file = file;
    ev.folder = folder;
    ev.size = c->md.size;
    ev.hdr = &c->eh;
    usage(c, &c->md.after, &ev.quota);
    tell(c, &ev);
}

/* tell_refused - the quota.exceeded event of a refused message */
void tell_refused(const struct delivery *c, const struct status *st)
{
    struct event ev;

    memset(&ev, 0, sizeof(ev));
    ev.type = EVENT_QUOTA_EXCEEDED;
    ev.size = c->md.size;
    ev.status = st->code;
    ev.bounced = st->code[0] == '5';
    usage(c, &c->md.before, &ev.quota);
    tell(c, &ev);
}

/* crossed - whether used went past pct percent of limit */
static int crossed(int64_t before, int64_t after, uint64_t limit, int pct)
{
    double mark = (double)limit * pct / 100.0;

    return limit && (double)before < mark && (double)after >= mark;
}

/*
 * tell_quota - log each quota_warning threshold this delivery crossed,
 * and tell it as a quota.warning event
 */
void tell_quota(const struct delivery *c)
{
    const struct maildir *md = &c->md;
    struct event ev;
    char msgs[64] = "";
    int i, p;

    if (c->cfg.quota_messages)
        snprintf(msgs, sizeof(msgs), ", %lld of %llu messages",
                 (long long)md->after.messages,
                 (unsigned long long)c->cfg.quota_messages);
    for (i = 0; md->quota_on && i < c->cfg.quota_warnings; i++) {
        p = c->cfg.quota_warning[i];
        if (!crossed(md->before.bytes, md->after.bytes, c->cfg.quota, p)
            && !crossed(md->before.messages, md->after.messages,
                        c->cfg.quota_messages, p))
            continue;
        log_warn("to=<%s>, quota warning: %d%% reached: %lld of %llu "
                 "bytes%s", c->rcpt.address, p, (long long)md->after.bytes,
                 (unsigned long long)c->cfg.quota, msgs);
        memset(&ev, 0, sizeof(ev));
        ev.type = EVENT_QUOTA_WARNING;
        ev.threshold = p;
        usage(c, &md->after, &ev.quota);
        tell(c, &ev);
    }
}
