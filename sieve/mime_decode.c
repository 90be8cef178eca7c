/*
 * mime_decode.c - a part's bytes as the body test matches them: the
 * growing buffer that holds them (cut at its maximum), transfer
 * decoding in blocks of any size (RFC 2045 6.7 quoted-printable, 6.8
 * base64), and the charset to UTF-8 with iconv, stray bytes as U+FFFD
 * as Dovecot does
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../event/rfc2047.h"
#include "mime.h"

void sv_mime_buf_add(struct sv_mime_buf *b, const char *s, size_t len)
{
    if (b->len + len > b->max) {
        len = b->max - b->len;
        b->cut = 1;
    }
    if (len == 0)
        return;
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        char *p;

        while (cap < b->len + len + 1)
            cap *= 2;
        p = realloc(b->p, cap);
        if (!p) {
            b->cut = 1;         /* out of memory: what we have is matched */
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, len);
    b->len += len;
    b->p[b->len] = '\0';
}

void sv_mime_buf_free(struct sv_mime_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}

enum sv_mime_cte sv_mime_cte(const char *v)
{
    while (*v == ' ' || *v == '\t')
        v++;
    if (strncasecmp(v, "quoted-printable", 16) == 0)
        return SV_CTE_QP;
    if (strncasecmp(v, "base64", 6) == 0)
        return SV_CTE_BASE64;
    return SV_CTE_NONE;
}

/* qp states: in text, after '=', after "=X", blanks after a soft '=' */
enum { QP_TEXT, QP_EQ, QP_HEX, QP_SOFT };

static void qp_flush(struct sv_mime_dec *d, struct sv_mime_buf *out)
{
    sv_mime_buf_add(out, d->hold, d->nhold);
    d->nhold = 0;
}

/* qp_byte - one byte of quoted-printable (RFC 2045 6.7) */
static void qp_byte(struct sv_mime_dec *d, char c, struct sv_mime_buf *out)
{
    int h;

    switch (d->st) {
    case QP_EQ:
        if ((h = rfc2047_hex_value((unsigned char)c)) >= 0) {
            d->hex = h;
            d->st = QP_HEX;
            return;
        }
        d->st = QP_TEXT;
        if (c == '\n')
            return;             /* a soft line break */
        if (c == ' ' || c == '\t' || c == '\r') {
            d->st = QP_SOFT;    /* "=" then blanks: still a soft break */
            return;
        }
        sv_mime_buf_add(out, "=", 1);   /* not an escape: kept as is */
        break;
    case QP_HEX:
        d->st = QP_TEXT;
        if ((h = rfc2047_hex_value((unsigned char)c)) >= 0) {
            char b = (char)(d->hex * 16 + h);
            sv_mime_buf_add(out, &b, 1);
            return;
        }
        sv_mime_buf_add(out, "=", 1);
        sv_mime_buf_add(out, &"0123456789ABCDEF"[d->hex], 1);
        break;
    case QP_SOFT:
        if (c == ' ' || c == '\t' || c == '\r')
            return;
        d->st = QP_TEXT;
        if (c == '\n')
            return;
        break;
    }
    /* QP_TEXT: blanks at a line's end are padding (6.7 rule 3) */
    if (c == ' ' || c == '\t' || c == '\r') {
        if (d->nhold == sizeof(d->hold))
            qp_flush(d, out);
        d->hold[d->nhold++] = c;
        return;
    }
    if (c == '\n') {
        d->nhold = 0;
        sv_mime_buf_add(out, "\n", 1);
        return;
    }
    qp_flush(d, out);
    if (c == '=')
        d->st = QP_EQ;
    else
        sv_mime_buf_add(out, &c, 1);
}

void sv_mime_decode(struct sv_mime_dec *d, const char *in, size_t len,
                    struct sv_mime_buf *out)
{
    size_t i;
    int v;

    switch (d->cte) {
    case SV_CTE_NONE:
        sv_mime_buf_add(out, in, len);
        break;
    case SV_CTE_QP:
        for (i = 0; i < len && !out->cut; i++)
            qp_byte(d, in[i], out);
        break;
    case SV_CTE_BASE64:
        /* characters outside the alphabet (line breaks, '=') are
         * skipped, as RFC 2045 6.8 asks */
        for (i = 0; i < len && !out->cut; i++) {
            if ((v = rfc2047_b64_value((unsigned char)in[i])) < 0)
                continue;
            d->acc = (d->acc << 6 | (unsigned)v) & 0xffffff;
            d->nbits += 6;
            if (d->nbits >= 8) {
                char b = (char)(d->acc >> (d->nbits - 8) & 0xff);
                d->nbits -= 8;
                sv_mime_buf_add(out, &b, 1);
            }
        }
        break;
    }
}

void sv_mime_decode_end(struct sv_mime_dec *d, struct sv_mime_buf *out)
{
    if (d->cte == SV_CTE_QP) {
        if (d->st == QP_EQ)
            sv_mime_buf_add(out, "=", 1);
        else if (d->st == QP_HEX) {
            sv_mime_buf_add(out, "=", 1);
            sv_mime_buf_add(out, &"0123456789ABCDEF"[d->hex], 1);
        }
        d->nhold = 0;           /* blanks at the very end go too */
    }
    d->st = QP_TEXT;
    d->nbits = 0;
}

static int is_utf8_name(const char *cs)
{
    return *cs == '\0' || strcasecmp(cs, "utf-8") == 0
        || strcasecmp(cs, "utf8") == 0 || strcasecmp(cs, "us-ascii") == 0;
}

/* clean - b as valid UTF-8: each stray byte (and NUL) U+FFFD */
static void clean(struct sv_mime_buf *b)
{
    struct sv_mime_buf o = {.max = b->max};
    size_t cap = b->len * 3 + 1;
    size_t i;

    for (i = 0; i < b->len; i++)
        if ((unsigned char)b->p[i] >= 0x80 || b->p[i] == '\0')
            break;
    if (i == b->len)
        return;                 /* ASCII: nothing to do */
    o.p = malloc(cap);
    if (!o.p)
        return;
    o.cap = cap;
    o.len = utf8_clean(b->p, b->len, o.p, cap);
    if (o.len > o.max) {
        o.len = o.max;          /* may cut a character: matched as is */
        o.cut = 1;
    }
    o.cut |= b->cut;
    sv_mime_buf_free(b);
    *b = o;
}

void sv_mime_utf8(struct sv_mime_buf *b, const char *charset)
{
    struct sv_mime_buf o = {.max = b->max};
    iconv_t cd;
    char *ip = b->p;
    size_t il = b->len;

    if (b->len == 0)
        return;
    /* as Dovecot: us-ascii, utf-8 and charsets iconv does not know are
     * read as UTF-8, stray bytes replaced */
    if (is_utf8_name(charset)
        || (cd = iconv_open("UTF-8", charset)) == (iconv_t)-1) {
        clean(b);
        return;
    }
    while (il > 0 && !o.cut) {
        char tmp[4096], *op = tmp;
        size_t ol = sizeof(tmp);
        size_t rc = iconv(cd, &ip, &il, &op, &ol);

        sv_mime_buf_add(&o, tmp, (size_t)(op - tmp));
        if (rc != (size_t)-1)
            break;
        if (errno == E2BIG)
            continue;
        /* EILSEQ, or EINVAL at the end: the byte becomes U+FFFD */
        sv_mime_buf_add(&o, "\xef\xbf\xbd", 3);
        ip++;
        il--;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    iconv_close(cd);
    o.cut |= b->cut;
    sv_mime_buf_free(b);
    *b = o;
}
