/*
 * send.c - redirect: the stored message sent on through sendmail
 * (sendmail.c), as Pigeonhole sends it
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../event/addr.h"
#include "../util/log.h"
#include "eval.h"
#include "send.h"

#define SEND_BLOCK 65536        /* message bytes read at once */
#define REDIRECT_FILE "lda-redirect"
#define REDIRECT_PERIOD (12 * 3600)     /* Pigeonhole's, for duplicates */
#define REDIRECT_ID_MAX 1000

/* What redirect feeds sendmail. */
struct redirect {
    const struct sieve_send *s;
    const char *head;           /* the added header fields */
    uint64_t from;              /* where the stored message goes on */
};

/*
 * skip_return_path - the offset after lda's own Return-Path line at the
 * top of the stored message (with any continuation), 0 when none
 */
static uint64_t skip_return_path(const struct sieve_send *s)
{
    static const char name[] = "return-path:";
    char buf[1024];
    long n = s->pread(s->arg, buf, sizeof(buf), 0);
    long i;

    if (n < (long)sizeof(name) - 1
        || strncasecmp(buf, name, sizeof(name) - 1) != 0)
        return 0;
    for (i = 0; i < n; i++)
        if (buf[i] == '\n' && (i + 1 >= n || (buf[i + 1] != ' '
                                              && buf[i + 1] != '\t')))
            return (uint64_t)i + 1;
    return 0;                   /* a line this long is not lda's */
}

/* redirect_feed - the added header fields, then the stored message */
static int redirect_feed(void *arg, struct sieve_out *o, struct status *st)
{
    struct redirect *r = arg;
    const struct sieve_send *s = r->s;
    uint64_t off = r->from;
    char *buf;
    long n;
    int rc = 0;

    if (sieve_out_write(o, r->head, strlen(r->head)) < 0)
        return -1;
    if ((buf = malloc(SEND_BLOCK)) == NULL)
        return status_errno(st, ENOMEM, "redirect failed: read message");
    while (off < s->size) {
        size_t want = s->size - off > SEND_BLOCK ? SEND_BLOCK
            : (size_t)(s->size - off);

        n = s->pread(s->arg, buf, want, off);
        if (n <= 0) {
            rc = status_errno(st, n < 0 ? errno : EIO,
                              "redirect failed: read message");
            break;
        }
        if (sieve_out_write(o, buf, (size_t)n) < 0) {
            rc = -1;
            break;
        }
        off += (uint64_t)n;
    }
    free(buf);
    return rc;
}

/* first_value - keep the first value sv_msg_header_each finds */
static int first_value(void *arg, const char *value, size_t len)
{
    char *out = arg;

    if (out[0] == '\0')
        snprintf(out, REDIRECT_ID_MAX, "%.*s", (int)len, value);
    return 0;
}

/* one_address - whether addr is one plain address, as sendmail will
 * read it (Postfix parses a recipient argument as an address list) */
static int one_address(const char *addr)
{
    struct addr a[2];
    const char *p;

    for (p = addr; *p; p++)
        if ((unsigned char)*p < ' ' || *p == 0x7f)
            return 0;
    return addr_parse_list(addr, a, 2) == 1 && strcmp(a[0].address,
                                                       addr) == 0;
}

/*
 * sieve_redirect - the stored message to addr, as Pigeonhole sends it:
 * lda's Return-Path line dropped (sendmail makes the next hop's), the
 * Delivered-To lines kept (they are the loop guard: lda refuses a
 * message whose Delivered-To names its recipient, so a redirect loop
 * ends in a bounce), and on top "X-Sieve: lda" and
 * "X-Sieve-Redirected-From: <the recipient>" as Pigeonhole adds, and a
 * Message-ID when the message has none.  The envelope sender is
 * s->envelope_from, but <> whenever the message's own was <>
 * (RFC 5228 4.2: a bounce redirected must not bounce again).
 *
 * As Pigeonhole, a message (by its Message-ID) sent on to an address is
 * remembered for 12 hours in DIR/lda-redirect: a delivery retried after
 * a temporary failure does not forward it twice.  The memory only
 * spares duplicates: when it cannot be read or written the redirect
 * goes ahead.
 */
int sieve_redirect(const struct sieve_send *s, const char *addr,
                   struct status *st)
{
    char what[400], head[1200], msgid[REDIRECT_ID_MAX], key[33];
    const char *from, *parts[2];
    struct redirect r = {.s = s};
    struct status mst;
    struct sv_msg *m;
    char *argv[7];
    int rc;

    snprintf(what, sizeof(what), "redirect to <%s>", addr);
    if (!one_address(addr))
        return status_set(st, "4.3.0", "%s failed: not one address", what);
    from = s->sender == NULL || s->sender[0] == '\0'
        || s->envelope_from == NULL || s->envelope_from[0] == '\0'
        ? "<>" : s->envelope_from;
    msgid[0] = '\0';
    if ((m = sv_msg_open(s->pread, s->arg, s->size)) == NULL)
        return status_errno(st, ENOMEM, "%s failed: read message", what);
    if (sv_msg_header_each(m, "Message-ID", 0, first_value, msgid) < 0)
        msgid[0] = '\0';
    sv_msg_free(m);
    key[0] = '\0';
    if (msgid[0]) {
        parts[0] = addr;
        parts[1] = msgid;
        sieve_sent_key(key, 1, parts, 2);
        if (s->b != NULL && sieve_sent_check(s, REDIRECT_FILE, key, &mst) > 0)
            return 0;   /* forwarded already, by an earlier attempt */
        snprintf(head, sizeof(head), "X-Sieve: lda\n"
                 "X-Sieve-Redirected-From: %s\n",
                 s->recipient ? s->recipient : "");
    } else {
        sieve_message_id(msgid, sizeof(msgid), s->now);
        snprintf(head, sizeof(head), "X-Sieve: lda\n"
                 "X-Sieve-Redirected-From: %s\nMessage-ID: %s\n",
                 s->recipient ? s->recipient : "", msgid);
    }
    r.head = head;
    r.from = skip_return_path(s);
    argv[0] = (char *)s->sendmail;
    argv[1] = (char *)"-i";
    argv[2] = (char *)"-f";
    argv[3] = (char *)from;
    argv[4] = (char *)"--";
    argv[5] = (char *)addr;
    argv[6] = NULL;
    if ((rc = sieve_sendmail(s, argv, redirect_feed, &r, what, st)) < 0)
        return rc;
    if (key[0] && s->b != NULL
        && sieve_sent_mark(s, REDIRECT_FILE, key,
                           (long long)s->now + REDIRECT_PERIOD, &mst) < 0)
        log_warn("%s: sent, but not remembered: %s %s", what, mst.code,
                 mst.text);
    return 0;
}
