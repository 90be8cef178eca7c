/*
 * rfc2047.c - unstructured header text (Subject, Date, a display name)
 * to UTF-8 for events
 *
 * Events carry header values as JSON strings, so whatever a sender put
 * in a header must come out as valid UTF-8 that fits its buffer.  RFC
 * 2047 encoded words are decoded and converted with iconv(3); what is
 * not a well-formed word in a charset iconv knows stays literal text,
 * as RFC 2047 6.3 asks.  Every byte on its way out passes one sink that
 * validates UTF-8 (RFC 3629: no overlongs, surrogates or code points
 * above U+10FFFF; each bad byte becomes U+FFFD), turns controls into
 * blanks, collapses folding and cuts only between characters.
 *
 * Liberties taken, as common mail readers do: an encoded word is
 * recognised even when text touches it ("Re:=?utf-8?q?x?=") and when
 * longer than the 75 characters of RFC 2047 2; the bytes of adjacent
 * words in the same charset are converted together, so a character
 * split across two words (RFC 2047 5 forbids it, mailers do it) still
 * decodes.
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "rfc2047.h"

#define REPLACEMENT "\xef\xbf\xbd"      /* U+FFFD, UTF-8 */
#define CHARSET_MAX 64

/* The output: characters that fit, with the blanks between them. */
struct sink {
    char *out;
    size_t cap;
    size_t len;
    size_t spaces;              /* blanks waiting for the next character */
    int folded;                 /* one of them was a tab, CR, LF, control */
    int full;                   /* a character did not fit: stop */
    int keep;                   /* tabs and controls kept as written */
};

/* Decoded bytes of adjacent encoded words in one charset. */
struct run {
    iconv_t cd;                 /* (iconv_t)-1: none open */
    char charset[CHARSET_MAX];
    char buf[256];
    size_t n;
};

/* One syntactically valid encoded word (RFC 2047 2, RFC 2231 5). */
struct word {
    char charset[CHARSET_MAX];  /* without the *language suffix */
    int enc;                    /* 'B' or 'Q' */
    const char *text;
    size_t tlen;
    const char *end;            /* just after "?=" */
};

/* utf8_seq - length of the valid UTF-8 character at p, 0 if none */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
    unsigned char c = p[0], lo = 0x80, hi = 0xbf;
    size_t len, i;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0)
            lo = 0xa0;                  /* overlong */
        else if (c == 0xed)
            hi = 0x9f;                  /* UTF-16 surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0)
            lo = 0x90;                  /* overlong */
        else if (c == 0xf4)
            hi = 0x8f;                  /* above U+10FFFF */
    } else {
        return 0;                       /* C0, C1 overlong; F5..FF */
    }
    if (n < len || p[1] < lo || p[1] > hi)
        return 0;
    for (i = 2; i < len; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    return len;
}

/* utf8_clean - copy, each invalid byte (and NUL) as U+FFFD */
size_t utf8_clean(const char *in, size_t len, char *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)in;
    const char *src;
    size_t i = 0, o = 0, k, n;

    if (cap == 0)
        return 0;
    while (i < len) {
        k = p[i] ? utf8_seq(p + i, len - i) : 0;
        src = k ? in + i : REPLACEMENT;
        n = k ? k : 3;
        if (n >= cap - o)
            break;
        memcpy(out + o, src, n);
        o += n;
        i += k ? k : 1;
    }
    out[o] = '\0';
    return o;
}

/* sink_blank - a blank: held until a character follows (trims both ends) */
static void sink_blank(struct sink *s, int fold)
{
    if (s->len == 0)
        return;
    s->spaces++;
    if (fold)
        s->folded = 1;
}

/* sink_put - one whole character, after the blanks held before it */
static void sink_put(struct sink *s, const char *c, size_t n)
{
    size_t blanks = s->folded ? 1 : s->spaces;

    if (s->full || blanks + n >= s->cap - s->len) {
        s->full = 1;
        return;
    }
    memset(s->out + s->len, ' ', blanks);
    memcpy(s->out + s->len + blanks, c, n);
    s->len += blanks + n;
    s->spaces = 0;
    s->folded = 0;
}

/* sink_bytes - bytes of text: valid characters kept, the rest replaced */
static void sink_bytes(struct sink *s, const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 0, k;

    while (i < n && !s->full) {
        if (u[i] == '\0') {
            /* only a decoded word can hold one; NUL would end the string */
            sink_put(s, REPLACEMENT, 3);
            i++;
        } else if (s->keep && u[i] != ' ' && (u[i] < 0x20 || u[i] == 0x7f)) {
            sink_put(s, p + i, 1);
            i++;
        } else if (u[i] == ' ' || u[i] < 0x20 || u[i] == 0x7f) {
            sink_blank(s, u[i] != ' ');
            i++;
        } else if ((k = utf8_seq(u + i, n - i)) > 0) {
            sink_put(s, p + i, k);
            i += k;
        } else {
            sink_put(s, REPLACEMENT, 3);
            i++;
        }
    }
}

/* run_convert - the run's bytes to UTF-8; final: no more will follow */
static void run_convert(struct run *r, struct sink *s, int final)
{
    char tmp[256], *ip = r->buf, *op;
    size_t il = r->n, ol, rc;

    while (il > 0 && !s->full) {
        op = tmp;
        ol = sizeof(tmp);
        rc = iconv(r->cd, &ip, &il, &op, &ol);
        sink_bytes(s, tmp, (size_t)(op - tmp));
        if (rc != (size_t)-1)
            break;
        if (errno == E2BIG && op > tmp)
            continue;
        /* a character cut at the buffer's end may finish in the next word */
        if (errno == EINVAL && !final && il < 16)
            break;
        sink_put(s, REPLACEMENT, 3);    /* a byte the charset does not have */
        ip++;
        il--;
    }
    if (final) {
        op = tmp;
        ol = sizeof(tmp);
        iconv(r->cd, NULL, NULL, &op, &ol);     /* back to the initial state */
        sink_bytes(s, tmp, (size_t)(op - tmp));
        il = 0;
    }
    if (s->full)
        il = 0;
    memmove(r->buf, ip, il);
    r->n = il;
}

/* run_add - one decoded byte */
static void run_add(struct run *r, struct sink *s, unsigned char c)
{
    if (r->n == sizeof(r->buf))
        run_convert(r, s, 0);
    if (r->n < sizeof(r->buf))
        r->buf[r->n++] = (char)c;
}

/* run_finish - convert what is held: the run of adjacent words ended */
static void run_finish(struct run *r, struct sink *s)
{
    if (r->cd != (iconv_t)-1)
        run_convert(r, s, 1);
    r->n = 0;
}

/* run_select - be ready for a word's charset; -1 if iconv does not know it */
static int run_select(struct run *r, struct sink *s, const struct word *w)
{
    if (r->cd != (iconv_t)-1 && strcasecmp(r->charset, w->charset) == 0)
        return 0;
    run_finish(r, s);
    if (r->cd != (iconv_t)-1)
        iconv_close(r->cd);
    r->cd = iconv_open("UTF-8", w->charset);
    if (r->cd == (iconv_t)-1)
        return -1;
    memcpy(r->charset, w->charset, sizeof(r->charset));
    return 0;
}

/* rfc2047_b64_value - the 6 bits of a base64 character (RFC 4648 4), -1
 * if none; MIME's and Sieve's decoders use it too */
int rfc2047_b64_value(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* rfc2047_hex_value - the value of a hex digit, -1 if none */
int rfc2047_hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* text_check - 0 if the encoded text decodes (RFC 2047 4.1, 4.2) */
static int text_check(const struct word *w)
{
    size_t i, pad = 0, data;

    if (w->enc == 'Q') {
        for (i = 0; i < w->tlen; i++) {
            if (w->text[i] != '=')
                continue;
            if (i + 2 >= w->tlen || rfc2047_hex_value(w->text[i + 1]) < 0
                || rfc2047_hex_value(w->text[i + 2]) < 0)
                return -1;
            i += 2;
        }
        return 0;
    }
    for (i = 0; i < w->tlen; i++) {
        if (w->text[i] == '=')
            pad++;
        else if (pad > 0 || rfc2047_b64_value(w->text[i]) < 0)
            return -1;
    }
    /* missing padding is forgiven; a lone 6-bit tail is not a byte */
    data = w->tlen - pad;
    if (pad > 2 || data % 4 == 1 || (pad > 0 && w->tlen % 4 != 0))
        return -1;
    return 0;
}

/* is_token - a character of a charset or language name (RFC 2047 2) */
static int is_token(char c)
{
    return c != '\0' && (isalnum((unsigned char)c)
                          || strchr("!#$%&'+-^_`{|}~.", c) != NULL);
}

/* word_parse - 0 and w filled if p starts a well-formed encoded word */
static int word_parse(const char *p, struct word *w)
{
    const char *cs = p + 2, *q;

    if (p[0] != '=' || p[1] != '?')
        return -1;
    for (q = cs; *q != '?' && *q != '*'; q++)
        if (*q == '\0' || !is_token(*q))
            return -1;
    if (q == cs || (size_t)(q - cs) >= sizeof(w->charset))
        return -1;
    memcpy(w->charset, cs, (size_t)(q - cs));
    w->charset[q - cs] = '\0';
    if (*q == '*')                      /* RFC 2231 5 language: ignored */
        for (q++; *q != '?'; q++)
            if (*q == '\0' || !is_token(*q))
                return -1;
    w->enc = toupper((unsigned char)q[1]);
    if ((w->enc != 'B' && w->enc != 'Q') || q[2] != '?')
        return -1;
    w->text = q + 3;
    for (q = w->text; *q != '?'; q++)
        if ((unsigned char)*q <= ' ' || (unsigned char)*q >= 0x7f)
            return -1;                  /* includes the NUL at the end */
    if (q[1] != '=')
        return -1;
    w->tlen = (size_t)(q - w->text);
    w->end = q + 2;
    return text_check(w);
}

/* word_decode - a checked word's bytes into the run */
static void word_decode(const struct word *w, struct run *r, struct sink *s)
{
    unsigned int acc = 0, bits = 0;
    size_t i;
    char c;

    for (i = 0; i < w->tlen; i++) {
        c = w->text[i];
        if (w->enc == 'B') {
            if (c == '=')
                break;
            acc = ((acc << 6) | (unsigned int)rfc2047_b64_value(c)) & 0xfff;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                run_add(r, s, (unsigned char)(acc >> bits));
            }
        } else if (c == '=') {
            run_add(r, s, (unsigned char)(rfc2047_hex_value(w->text[i + 1]) * 16
                                          + rfc2047_hex_value(w->text[i + 2])));
            i += 2;
        } else {
            run_add(r, s, (unsigned char)(c == '_' ? ' ' : c));
        }
    }
}

/* raw_add - one decoded byte of a word shown as bytes, flushed when full */
static void raw_add(struct sink *s, char *buf, size_t *o, size_t cap, int c)
{
    if (c >= 0)
        buf[(*o)++] = (char)c;
    if (*o == cap || (c < 0 && *o > 0)) {
        sink_bytes(s, buf, *o);
        *o = 0;
    }
}

/* word_raw - a word in a charset iconv does not know: its bytes as they
 * decode, each invalid one replaced (what Dovecot shows of such words) */
static void word_raw(const struct word *w, struct sink *s)
{
    unsigned int acc = 0, bits = 0;
    char buf[256], c;
    size_t i, o = 0;

    for (i = 0; i < w->tlen; i++) {
        c = w->text[i];
        if (w->enc == 'B') {
            if (c == '=')
                break;
            acc = ((acc << 6) | (unsigned int)rfc2047_b64_value(c)) & 0xfff;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                raw_add(s, buf, &o, sizeof(buf), (int)((acc >> bits) & 0xff));
            }
        } else if (c == '=') {
            raw_add(s, buf, &o, sizeof(buf), rfc2047_hex_value(w->text[i + 1]) * 16
                    + rfc2047_hex_value(w->text[i + 2]));
            i += 2;
        } else {
            raw_add(s, buf, &o, sizeof(buf), c == '_' ? ' ' : c);
        }
    }
    raw_add(s, buf, &o, sizeof(buf), -1);
}

/* is_lwsp - linear white space between words (RFC 5322 folding) */
static int is_lwsp(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* decode - header text to UTF-8, encoded words decoded */
static size_t decode(const char *in, char *out, size_t cap, int keep)
{
    struct sink s = {.out = out, .cap = cap, .keep = keep};
    struct run r = {.cd = (iconv_t)-1};
    struct word w;
    const char *p = in, *q;
    int after_word = 0;

    if (cap == 0)
        return 0;
    while (*p && !s.full) {
        if (is_lwsp(*p)) {
            q = p + strspn(p, " \t\r\n");
            /* RFC 2047 6.2: blanks between two encoded words are dropped */
            if (after_word && word_parse(q, &w) == 0
                && run_select(&r, &s, &w) == 0) {
                p = q;
                continue;
            }
            run_finish(&r, &s);
            sink_bytes(&s, p, (size_t)(q - p));
            after_word = 0;
            p = q;
        } else if (*p == '=' && word_parse(p, &w) == 0
                   && run_select(&r, &s, &w) == 0) {
            word_decode(&w, &r, &s);
            after_word = 1;
            p = w.end;
        } else if (keep && *p == '=' && word_parse(p, &w) == 0) {
            run_finish(&r, &s);
            word_raw(&w, &s);
            after_word = 0;
            p = w.end;
        } else {
            run_finish(&r, &s);
            q = p + 1 + strcspn(p + 1, " \t\r\n=");
            sink_bytes(&s, p, (size_t)(q - p));
            after_word = 0;
            p = q;
        }
    }
    run_finish(&r, &s);
    if (r.cd != (iconv_t)-1)
        iconv_close(r.cd);
    out[s.len] = '\0';
    return s.len;
}

/* rfc2047_decode - header text to UTF-8, blanks collapsed */
size_t rfc2047_decode(const char *in, char *out, size_t cap)
{
    return decode(in, out, cap, 0);
}

/* rfc2047_decode_keep - header text to UTF-8, tabs and controls kept */
size_t rfc2047_decode_keep(const char *in, char *out, size_t cap)
{
    return decode(in, out, cap, 1);
}
