/*
 * compose.c - the text of a message lda writes itself (a vacation
 * reply): a growing buffer, header values as RFC 5322 and RFC 2047 want
 * them (folded near 78 columns, non-ASCII as encoded words, display
 * names quoted when they must be), the date, quoted-printable.
 * Everything is written with LF line ends: sendmail takes those.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../event/rfc2047.h"
#include "compose.h"

/* compose_add - n bytes at the end */
void compose_add(struct compose *b, const char *p, size_t n)
{
    if (b->failed)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        char *s;

        while (cap < b->n + n + 1)
            cap *= 2;
        if ((s = realloc(b->s, cap)) == NULL) {
            b->failed = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->n, p, n);
    b->n += n;
    b->s[b->n] = '\0';
}

void compose_str(struct compose *b, const char *s)
{
    compose_add(b, s, strlen(s));
}

/* compose_printf - formatted text at the end */
void compose_printf(struct compose *b, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > 0)
        compose_add(b, buf, (size_t)n < sizeof(buf) ? (size_t)n
                    : sizeof(buf) - 1);
}

/* compose_is_ascii - no byte above 0x7f */
int compose_is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s & 0x80)
            return 0;
    return 1;
}

/* b64 - RFC 2045 base64 of n bytes */
static void b64(struct compose *b, const unsigned char *p, size_t n)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char q[4];
    size_t i;

    for (i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16
            | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0)
            | (i + 2 < n ? (unsigned)p[i + 2] : 0);

        q[0] = tab[v >> 18 & 63];
        q[1] = tab[v >> 12 & 63];
        q[2] = i + 1 < n ? tab[v >> 6 & 63] : '=';
        q[3] = i + 2 < n ? tab[v & 63] : '=';
        compose_add(b, q, 4);
    }
}

/*
 * compose_words - UTF-8 text as RFC 2047 "=?utf-8?B?...?=" words of at
 * most 45 bytes of text (72 characters), cut between characters, the
 * words separated by sep (a folding "\n " in Subject)
 */
void compose_words(struct compose *b, const char *s, const char *sep)
{
    size_t n = strlen(s), i = 0, k;

    while (i < n) {
        k = n - i > 45 ? 45 : n - i;
        while (i + k < n && k > 0
               && ((unsigned char)s[i + k] & 0xc0) == 0x80)
            k--;
        if (k == 0)
            k = 1;
        if (i > 0)
            compose_str(b, sep);
        compose_str(b, "=?utf-8?B?");
        b64(b, (const unsigned char *)s + i, k);
        compose_str(b, "?=");
        i += k;
    }
}

/* compose_fold - ASCII text after "Name: " (already col bytes on the line),
 * broken before blanks so that lines stay near 78 characters */
void compose_fold(struct compose *b, const char *s, size_t col)
{
    while (*s) {
        size_t w = strcspn(s + 1, " ") + 1;

        if (*s == ' ' && col + w > 78 && col > 1) {
            compose_str(b, "\n");
            col = 0;
        }
        compose_add(b, s, w);
        col += w;
        s += w;
    }
}

/* compose_clean - text fit for a header: UTF-8, controls as blanks, at most
 * max code points (0: no limit); malloc'd, NULL when out of memory */
char *compose_clean(const char *in, size_t max)
{
    size_t len = strlen(in), cap = 3 * len + 4, i, chars = 0;
    char *out = malloc(cap);

    if (out == NULL)
        return NULL;
    utf8_clean(in, len, out, cap);
    for (i = 0; out[i]; i++) {
        if ((unsigned char)out[i] < ' ' || out[i] == 0x7f)
            out[i] = ' ';
        if (((unsigned char)out[i] & 0xc0) != 0x80 && max
            && ++chars > max) {
            out[i] = '\0';
            break;
        }
    }
    return out;
}

/* put_phrase - a display name: as it is, quoted, or encoded */
static void put_phrase(struct compose *b, const char *name)
{
    const char *p;

    if (!compose_is_ascii(name)) {
        compose_words(b, name, " ");
        return;
    }
    for (p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr(" !#$%&'*+-/=?^_`{|}~",
                                                   *p))
            break;
    if (*p == '\0') {
        compose_str(b, name);
        return;
    }
    compose_str(b, "\"");
    for (p = name; *p; p++) {
        if (*p == '"' || *p == '\\')
            compose_str(b, "\\");
        compose_add(b, p, 1);
    }
    compose_str(b, "\"");
}

/* compose_mailbox - "name <address>", or the address alone */
void compose_mailbox(struct compose *b, const char *name, const char *address)
{
    if (name == NULL || name[0] == '\0') {
        compose_str(b, address);
        return;
    }
    put_phrase(b, name);
    compose_str(b, " <");
    compose_str(b, address);
    compose_str(b, ">");
}

/* compose_date - "Date: " in RFC 5322 form, local time, C names */
void compose_date(struct compose *b, time_t now)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu",
                                    "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May",
        "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    long off;

    localtime_r(&now, &tm);
    off = tm.tm_gmtoff / 60;
    compose_printf(b, "Date: %s, %d %s %d %02d:%02d:%02d %c%02ld%02ld\n",
              days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
              tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
              off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
}

/* compose_qp - text as quoted-printable (RFC 2045 6.7), LF line ends */
void compose_qp(struct compose *b, const char *s)
{
    size_t col = 0;
    char hex[4];

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        int lit = (c >= 33 && c <= 126 && c != '=')
            || ((c == ' ' || c == '\t') && s[1] != '\n' && s[1] != '\0');

        if (c == '\n') {
            compose_str(b, "\n");
            col = 0;
            continue;
        }
        if (col + (lit ? 1 : 3) > 75) {
            compose_str(b, "=\n");
            col = 0;
        }
        if (lit) {
            compose_add(b, s, 1);
            col++;
        } else {
            snprintf(hex, sizeof(hex), "=%02X", c);
            compose_str(b, hex);
            col += 3;
        }
    }
}

