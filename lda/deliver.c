/*
 * deliver.c - one delivery, from options to exit code
 *
 * The sequence: setup.c readies the delivery (settings, recipient,
 * account, privileges, Maildir), then the message is streamed once
 * from standard input into tmp/: the leading "From " line dropped,
 * CRLF made LF, the trace lines put on top (trace.c), the header
 * section scanned for a mail loop on the way.  maildir_commit() then
 * makes it durable and visible.  A timeout or a signal (stop.c) ends
 * it through the same error path.  Every outcome is one syslog line
 * and, on failure, one status line whose code tells Postfix what to
 * do; with an outbox it is also an event (tell.c), which never changes
 * the exit code.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "../util/log.h"
#include "deliver.h"
#include "delivery.h"
#include "header.h"
#include "message.h"
#include "setup.h"
#include "stop.h"
#include "tell.h"
#include "trace.h"

#define BLOCK 65536

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

/* read_block - next block of standard input, or a status */
static long read_block(struct msgin *in, char *buf, struct status *st)
{
    long n = msgin_read(in, buf, BLOCK);

    if (n < 0 && stop_reason)
        return stop_status(st);
    if (n < 0)
        return status_errno(st, errno, "read message");
    return n;
}

/* store - stream standard input into the Maildir and commit it */
static int store(struct delivery *c, struct status *st)
{
    static char buf[BLOCK];
    struct msgin in;
    struct header_scan hs;
    const char *folder;
    char fsender[1024] = "";
    size_t skip;
    int skipping;
    long n;

    /* A closed input is a broken caller, not an empty mail: storing
     * nothing would acknowledge a message that was lost on the way. */
    if (c->o->stdin_closed)
        return status_set(st, "4.3.0", "no message: standard input is "
                          "closed");
    msgin_init(&in, 0, &stop_reason);
    if ((n = read_block(&in, buf, st)) < 0)
        return -1;
    /* A leading mbox "From " line is dropped; it may name the sender. */
    skip = message_from_line(buf, (size_t)n, fsender, sizeof(fsender));
    skipping = skip > 0 && buf[skip - 1] != '\n';
    if (skip && !c->sender_known && !skipping && fsender[0])
        setup_sender(c, fsender);
    (void)header_trace(buf + skip, (size_t)n - skip, trace_want, c);
    folder = c->o->folder && *c->o->folder ? c->o->folder : c->rcpt.ext;
    if (maildir_open(&c->md, c->b, c->root, folder, &c->mo, st) < 0)
        return -1;
    log_verbose("folder %s: writing '%s'", c->md.folder, c->md.tmp);
    stop_watch(&c->md);
    header_init(&hs, on_header, c);
    if (trace_put(c, st) < 0
        || put_block(c, &hs, buf + skip, (size_t)n - skip, st) < 0)
        goto fail;
    while (n > 0) {
        if ((n = read_block(&in, buf, st)) < 0)
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
    if (stop_status(st) < 0)
        goto fail;
    return maildir_commit(&c->md, st);
fail:
    maildir_abort(&c->md);
    return -1;
}

/* drain - read the rest of the input, so the MTA sees no write error */
static void drain(void)
{
    static char sink[BLOCK];
    ssize_t n;

    if (isatty(0))
        return;                 /* a person at a terminal, not an MTA */
    while (!stop_reason && ((n = read(0, sink, sizeof(sink))) > 0
                          || (n < 0 && errno == EINTR)))
        ;
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

/* deliver_run - deliver standard input as o says; the exit code */
int deliver_run(const struct options *o)
{
    static struct delivery c;
    struct status st;
    char orig[600] = "", place[MD_PATH + 400];
    int rc;

    c.o = o;
    gettimeofday(&c.start, NULL);
    stop_catch();
    log_open("lda", o->verbose, !isatty(2));
    if (o->orig_recipient && *o->orig_recipient) {
        snprintf(orig, sizeof(orig), "orig_to=<%s>, ", o->orig_recipient);
        message_sanitize(orig);
    }
    if (setup_delivery(&c, &st) == 0 && store(&c, &st) == 0) {
        stop_arm(0);
        log_info("to=<%s>, %sfrom=<%s>, folder=%s, size=%llu, delay=%.3f, "
                 "status=sent (%s)", c.rcpt.address, orig, c.sender,
                 c.md.folder, (unsigned long long)c.md.size, delay(&c),
                 where(&c, place, sizeof(place)));
        if (c.md.quota_lost)
            log_warn("to=<%s>, maildirsize not updated, recounted by the "
                     "next delivery: %s", c.rcpt.address,
                     c.md.quota_error.text);
        tell_new(&c);
        tell_quota(&c);
        maildir_clean_tmp(&c.md);
        backend_close(c.b);
        log_flush();
        return 0;
    }
    drain();
    stop_arm(0);
    rc = status_exit(&st);
    message_sanitize(st.text);
    fprintf(stderr, "%s %s\n", st.code, st.text);
    if (c.md.over_quota)
        tell_refused(&c, &st);
    log_info("to=<%s>, %sfrom=<%s>, folder=%s, size=%llu, delay=%.3f, "
             "status=%s (%s %s)", c.rcpt.address[0] ? c.rcpt.address
             : "(none)", orig, c.sender, c.md.folder[0] ? c.md.folder
             : "INBOX", (unsigned long long)c.md.size, delay(&c),
             rc == EX_TEMPFAIL_ ? "deferred" : "bounced", st.code,
             st.text);
    backend_close(c.b);
    log_flush();
    return rc;
}
