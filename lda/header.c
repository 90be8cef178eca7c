/*
 * header.c - scan the header section as it streams past
 *
 * A small state machine fed in arbitrary pieces: each complete field
 * (folded lines joined, value cut at HEADER_VALUE_MAX) is handed to a
 * callback, so no pass over the message is needed twice and no field
 * is ever held whole.  The section ends at the first empty line or at
 * the first line that is not a field (RFC 5322 2.2), as in Postfix.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "header.h"

enum { HS_LINE, HS_NAME, HS_VALUE, HS_BODY };

/* header_init - start scanning a new message */
void header_init(struct header_scan *h, header_fn fn, void *arg)
{
    memset(h, 0, sizeof(*h));
    h->fn = fn;
    h->arg = arg;
}

/* flush - hand the collected field to the callback */
static void flush(struct header_scan *h)
{
    char *v = h->value;

    if (!h->have)
        return;
    h->value[h->vlen] = '\0';
    while (*v == ' ' || *v == '\t')
        v++;
    h->fn(h->arg, h->name, v, h->truncated);
    h->have = 0;
}

/* add - one value byte, counting what did not fit */
static void add(struct header_scan *h, char c)
{
    if (h->vlen + 1 < sizeof(h->value))
        h->value[h->vlen++] = c;
    else
        h->truncated = 1;
}

/* header_feed - scan the next piece of the message */
void header_feed(struct header_scan *h, const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;
    unsigned char c;

    for (; p < end && h->state != HS_BODY; p++) {
        c = (unsigned char)*p;
        switch (h->state) {
        case HS_LINE:
            if (c == ' ' || c == '\t') {
                if (!h->have) {
                    h->state = HS_BODY;
                    break;
                }
                add(h, (char)c);        /* folding keeps the blank */
                h->state = HS_VALUE;
                break;
            }
            flush(h);
            if (c == '\n') {
                h->state = HS_BODY;
                break;
            }
            h->nlen = h->vlen = 0;
            h->truncated = 0;
            h->state = HS_NAME;
            /* FALLTHROUGH */
        case HS_NAME:
            if (c == ':') {
                h->name[h->nlen] = '\0';
                h->have = h->nlen > 0;
                h->state = h->have ? HS_VALUE : HS_BODY;
            } else if (c > ' ' && c < 0x7f) {
                if (h->nlen + 1 < sizeof(h->name))
                    h->name[h->nlen++] = (char)c;
            } else {
                h->state = HS_BODY;     /* not a field: body begins */
            }
            break;
        case HS_VALUE:
            if (c == '\n')
                h->state = HS_LINE;
            else
                add(h, (char)c);
            break;
        }
    }
}

/* header_end - the message ended: deliver a last unterminated field */
void header_end(struct header_scan *h)
{
    if (h->state != HS_BODY)
        flush(h);
    h->state = HS_BODY;
}

/* header_in_body - whether the header section is over */
int header_in_body(const struct header_scan *h)
{
    return h->state == HS_BODY;
}

/*
 * header_trace - the length of the trace lines an MTA put on top
 * (Return-Path, X-Original-To, Delivered-To), each whole within buf
 * and accepted by want(arg, name, value); stops at the first other.
 */
size_t header_trace(const char *buf, size_t len, int (*want)(void *,
                    const char *, const char *), void *arg)
{
    static const char *const names[] = {"Return-Path", "X-Original-To",
        "Delivered-To"};
    char line[HEADER_VALUE_MAX];
    const char *p = buf, *eol, *colon;
    size_t i, n, off = 0;

    while (off < len && (eol = memchr(p, '\n', len - off)) != NULL) {
        n = (size_t)(eol - p);
        if ((colon = memchr(p, ':', n)) == NULL
            || n >= sizeof(line) || (eol + 1 < buf + len
                                     && (eol[1] == ' ' || eol[1] == '\t')))
            break;
        for (i = 0; i < 3; i++)
            if ((size_t)(colon - p) == strlen(names[i])
                && strncasecmp(p, names[i], strlen(names[i])) == 0)
                break;
        if (i == 3)
            break;
        memcpy(line, p, n);
        line[n] = '\0';
        line[colon - p] = '\0';
        if (!want(arg, line, line + (colon - p) + 1))
            break;
        off += n + 1;
        p = eol + 1;
    }
    return off;
}
