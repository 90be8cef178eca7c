/*
 * trace.c - the trace lines lda puts on top: Return-Path, Delivered-To
 *
 * lda adds "Return-Path: <sender>" and "Delivered-To: recipient" unless
 * the MTA already put the same lines on top (a message cannot suppress
 * them by carrying look-alikes), and counts the Delivered-To fields
 * that name the recipient: one more than lda's own is a mail loop.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "trace.h"

/* same_sender - whether a Return-Path value names our sender */
static int same_sender(const struct delivery *c, const char *value)
{
    char buf[1024];
    size_t len;

    while (*value == ' ' || *value == '\t')
        value++;
    len = strlen(value);
    while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t'))
        len--;
    if (len >= 2 && value[0] == '<' && value[len - 1] == '>') {
        value++;
        len -= 2;
    }
    if (len >= sizeof(buf))
        return 0;
    memcpy(buf, value, len);
    buf[len] = '\0';
    return strcasecmp(buf, c->sender) == 0;
}

/*
 * trace_want - accept a trace line an MTA put on top (header_trace):
 * only lines equal to what lda would add, so a message cannot suppress
 * lda's own lines by carrying look-alikes.
 */
int trace_want(void *arg, const char *name, const char *value)
{
    struct delivery *c = arg;

    if (strcasecmp(name, "Delivered-To") == 0) {
        if (!recipient_matches(&c->rcpt, value))
            return 0;
        c->have_dt = 1;
    } else if (strcasecmp(name, "Return-Path") == 0) {
        if (c->sender_known && !same_sender(c, value))
            return 0;
        c->have_rp = 1;
    }
    return 1;
}

/* trace_count - a header field: one more Delivered-To for the recipient? */
void trace_count(struct delivery *c, const char *name, const char *value,
                 int truncated)
{
    if (!truncated && strcasecmp(name, "Delivered-To") == 0
        && recipient_matches(&c->rcpt, value))
        c->dt_count++;
}

/* trace_put - Return-Path and Delivered-To, unless already there */
int trace_put(struct delivery *c, struct status *st)
{
    char buf[2048];
    int n = 0;

    if (!c->cfg.add_headers)
        return 0;
    if (!c->have_rp && c->sender_known)
        n += snprintf(buf + n, sizeof(buf) - (size_t)n,
                      "Return-Path: <%s>\n", c->sender);
    if (!c->have_dt)
        n += snprintf(buf + n, sizeof(buf) - (size_t)n,
                      "Delivered-To: %s\n", c->rcpt.address);
    return n ? maildir_write(&c->md, buf, (size_t)n, st) : 0;
}

/* trace_loop - the header section named this recipient once too often */
int trace_loop(const struct delivery *c)
{
    return c->dt_count > c->have_dt;
}
