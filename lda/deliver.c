/*
 * deliver.c - the delivery core: one message, one recipient, a status
 *
 * The sequence: setup.c readies the delivery (recipient, account,
 * privileges, Maildir), then the message is streamed once from its
 * source into tmp/: the leading "From " line dropped, the trace lines
 * put on top (trace.c), the header section scanned for a mail loop on
 * the way.  maildir_commit() then makes it durable and visible.  Every
 * outcome is one syslog line; with an outbox it is also an event
 * (tell.c), which never changes the outcome.  Nothing here outlives
 * the call: a long-running front end calls it again and again.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "../util/log.h"
#include "deliver.h"
#include "delivery.h"
#include "filter.h"
#include "header.h"
#include "message.h"
#include "setup.h"
#include "tell.h"
#include "trace.h"

#define BLOCK DELIVERY_BLOCK

/*
 * on_header - count Delivered-To fields that name the recipient, keep
 * the fields an event reports
 */
static void on_header(void *arg, const char *name, const char *value,
                      int truncated)
{
    struct delivery *c = arg;

    if (c->cfg.outbox[0])
        event_header(&c->eh, name, value);
    trace_count(c, name, value, truncated);
}

/* put_block - scan and store one block of the message */
static int put_block(struct delivery *c, struct header_scan *hs,
                     const char *p, size_t len, struct status *st)
{
    uint64_t limit = c->cfg.message_size_limit;

    if (!header_in_body(hs)) {
        header_feed(hs, p, len);
        if (trace_loop(c))
            return status_set(st, "5.4.6", "mail forwarding loop for '%s'",
                              c->rcpt.address);
    }
    if (limit && c->md.size + len > limit)
        return status_set(st, "5.2.3", "message larger than %llu bytes",
                          (unsigned long long)limit);
    return len ? maildir_write(&c->md, p, len, st) : 0;
}

/* store - stream the source into the Maildir and commit it */
static int store(struct delivery *c, struct source *src, struct status *st)
{
    char *buf = c->buf;
    struct header_scan hs;
    const char *folder;
    char fsender[1024] = "";
    size_t skip;
    int skipping;
    long n;

    if ((n = src->read(src, buf, BLOCK, st)) < 0)
        return -1;
    /* A leading mbox "From " line is dropped; it may name the sender. */
    skip = message_from_line(buf, (size_t)n, fsender, sizeof(fsender));
    skipping = skip > 0 && buf[skip - 1] != '\n';
    if (skip && !c->sender_known && !skipping && fsender[0])
        setup_sender(c, fsender);
    (void)header_trace(buf + skip, (size_t)n - skip, trace_want, c);
    folder = c->env->folder && *c->env->folder ? c->env->folder
        : c->rcpt.ext;
    if (maildir_open(&c->md, c->b, c->root, folder, &c->mo, st) < 0)
        return -1;
    log_verbose("folder %s: writing '%s'", c->md.folder, c->md.tmp);
    if (src->opened)
        src->opened(src, &c->md);
    header_init(&hs, on_header, c);
    if (trace_put(c, st) < 0
        || put_block(c, &hs, buf + skip, (size_t)n - skip, st) < 0)
        goto fail;
    while (n > 0) {
        if ((n = src->read(src, buf, BLOCK, st)) < 0)
            goto fail;
        skip = 0;
        if (skipping) {
            const char *lf = memchr(buf, '\n', (size_t)n);

            skip = lf ? (size_t)(lf - buf) + 1 : (size_t)n;
            skipping = lf == NULL;
        }
        if (put_block(c, &hs, buf + skip, (size_t)n - skip, st) < 0)
            goto fail;
    }
    header_end(&hs);
    if (trace_loop(c)) {
        status_set(st, "5.4.6", "mail forwarding loop for '%s'",
                   c->rcpt.address);
        goto fail;
    }
    if (c->filter)
        return filter_commit(c, folder && *folder ? folder : "INBOX", st);
    return maildir_commit(&c->md, st);
fail:
    maildir_abort(&c->md);
    return -1;
}

/* delay - seconds since start */
static double delay(const struct delivery *c)
{
    struct timeval now;

    gettimeofday(&now, NULL);
    return (double)(now.tv_sec - c->start.tv_sec)
        + (double)(now.tv_usec - c->start.tv_usec) / 1e6;
}

/* where - the file's place relative to the Maildir, for the log */
static const char *where(const struct delivery *c, char *buf, size_t cap)
{
    const struct maildir *md = &c->md;

    if (strcmp(md->dir, md->root) == 0)
        snprintf(buf, cap, "new/%s", md->final);
    else
        snprintf(buf, cap, "%s/new/%s", md->dir + strlen(md->root) + 1,
                 md->final);
    return buf;
}

/*
 * The state of a delivery is about 100 KB of paths and a block buffer,
 * mapped rather than taken from the heap: in lda, as with a static,
 * only the pages a delivery touches cost a page fault (paid on every
 * message).  A server keeps the mapping of its last delivery for the
 * next, cleared, so that its pages fault only once.
 */
static struct delivery *spare;

/* delivery_new - the state of one delivery, zeroed, none of it shared */
static struct delivery *delivery_new(void)
{
    struct delivery *c = spare;
    void *p;

    if (c != NULL) {
        spare = NULL;
        memset(c, 0, offsetof(struct delivery, buf));
        return c;
    }
    p = mmap(NULL, sizeof(struct delivery), PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* delivery_free - keep it for the next delivery, or give it back */
static void delivery_free(struct delivery *c)
{
    if (spare == NULL)
        spare = c;
    else
        munmap(c, sizeof(*c));
}

/* orig_to - the log's "orig_to=<...>, " part, or "" */
static const char *orig_to(const struct envelope *env, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (env->orig_recipient && *env->orig_recipient) {
        snprintf(buf, cap, "orig_to=<%s>, ", env->orig_recipient);
        message_sanitize(buf);
    }
    return buf;
}

/* sent - the syslog line and event of a delivery without Sieve */
static void sent(struct delivery *c, struct delivered *out)
{
    char orig[600];

    log_info("to=<%s>, %sfrom=<%s>, folder=%s, size=%llu, delay=%.3f, "
             "status=sent (%s)", c->rcpt.address,
             orig_to(c->env, orig, sizeof(orig)), c->sender, c->md.folder,
             (unsigned long long)c->md.size, delay(c),
             where(c, out->place, sizeof(out->place)));
    snprintf(out->folder, sizeof(out->folder), "%s", c->md.folder);
    snprintf(out->reply, sizeof(out->reply), "delivered to %s",
             c->md.folder);
    tell_new(c);
}

/* failed - the syslog line of a delivery that did not happen */
static void failed(const struct delivery *c, const struct status *st)
{
    char orig[600];

    log_info("to=<%s>, %sfrom=<%s>, folder=%s, size=%llu, delay=%.3f, "
             "status=%s (%s %s)", c->rcpt.address[0] ? c->rcpt.address
             : "(none)", orig_to(c->env, orig, sizeof(orig)), c->sender,
             c->md.folder[0] ? c->md.folder : "INBOX",
             (unsigned long long)c->md.size, delay(c),
             status_exit(st) == EX_TEMPFAIL_ ? "deferred" : "bounced",
             st->code, st->text);
}

/*
 * deliver - deliver the message src gives to env's recipient under cfg:
 * 0 once it is durable in new/, its event written; -1 with st.  The
 * outcome is logged either way; st's text is sanitised for printing.
 */
int deliver(const struct config *cfg, const struct envelope *env,
            struct source *src, struct delivered *out, struct status *st)
{
    struct delivery *c;
    char orig[600];
    int rc = -1;

    if ((c = delivery_new()) == NULL)
        return status_errno(st, errno, "allocate a delivery");
    c->env = env;
    c->cfg = *cfg;
    gettimeofday(&c->start, NULL);
    if (setup_delivery(c, st) == 0 && (filter_prepare(c), 1)
        && store(c, src, st) == 0) {
        if (src->committed)
            src->committed(src);
        if (c->filter)
            filter_report(c, delay(c), orig_to(env, orig, sizeof(orig)),
                          out);
        else
            sent(c, out);
        if (c->md.quota_lost)
            log_warn("to=<%s>, maildirsize not updated, recounted by the "
                     "next delivery: %s", c->rcpt.address,
                     c->md.quota_error.text);
        tell_quota(c);
        maildir_clean_tmp(&c->md);
        rc = 0;
    } else {
        message_sanitize(st->text);
        if (c->md.over_quota)
            tell_refused(c, st);
        failed(c, st);
    }
    filter_free(c);
    backend_close(c->b);
    delivery_free(c);
    return rc;
}

/*
 * deliver_refused - log a delivery that never ran its course (the
 * settings would not read, its process died) as deliver() logs a
 * failure; start is when it began (NULL: now)
 */
void deliver_refused(const struct envelope *env,
                     const struct timeval *start, const struct status *st)
{
    struct delivery *c = delivery_new();

    if (c == NULL)
        return;                 /* the front end's reply still says it */
    c->env = env;
    if (start)
        c->start = *start;
    else
        gettimeofday(&c->start, NULL);
    if (env->recipient) {
        snprintf(c->rcpt.address, sizeof(c->rcpt.address), "%s",
                 env->recipient);
        message_sanitize(c->rcpt.address);
    }
    if (env->sender)
        setup_sender(c, env->sender);
    failed(c, st);
    delivery_free(c);
}
