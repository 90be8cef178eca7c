/*
 * mime.c - the parts of a stored message, for the body test (RFC 5173)
 *
 * The message is read once, line by line, as Dovecot's parser reads
 * it: each entity's header for its first Content-Type and
 * Content-Transfer-Encoding; a stack of the open multiparts (at most
 * SV_MIME_DEPTH), whose boundaries are looked for at each line starting
 * "--", the innermost first, a prefix being enough; the line break
 * before a delimiter belongs to it (RFC 2046 5.1.1).  A part wanted is
 * read again when its end is seen, transfer-decoded and converted, and
 * held up to SV_MIME_MAX bytes: nothing else of the message is held.
 *
 * What a test sees follows Pigeonhole (checked with sieve-test): a
 * part's text without the line break before the next delimiter; a
 * multipart's preamble (even empty) and epilogue (when not) as two
 * strings; for a message/rfc822 part, the enclosed header with CRLF
 * line ends; nothing for an entity whose header has no empty line.
 * Known difference: a second Content-Type field of the same header
 * is ignored (Pigeonhole matches the part by the last one).
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../event/rfc2047.h"
#include "mime.h"

#define BLOCK 16384
#define FIELD_MAX 2048          /* a Content-* value kept, unfolded */

/* A line reader over [off, end) of the source, a block at a time. */
struct rd {
    const struct sv_mime_src *src;
    uint64_t end;
    uint64_t boff;              /* file offset of buf[0] */
    size_t pos, len;
    char last;                  /* the last line's byte before its LF */
    char buf[BLOCK];
};


/* What an entity's header says of its content. */
struct entity {
    char type[128];             /* "type/subtype", lowercase */
    char boundary[128];
    char charset[128];
    enum sv_mime_cte cte;
    int typed;                  /* a Content-Type field gave the type */
    int has_body;               /* a blank line ended the header */
    int coded;                  /* a Content-Transfer-Encoding seen */
    uint64_t hdr_end;           /* the blank line's offset */
    uint64_t body;              /* after the blank line */
};

static void rd_init(struct rd *r, const struct sv_mime_src *src,
                    uint64_t off, uint64_t end)
{
    r->src = src;
    r->end = end < src->size ? end : src->size;
    r->boff = off;
    r->pos = r->len = 0;
}

/* rd_fill - more bytes: 1, 0 at the range's end, -1 on error */
static int rd_fill(struct rd *r)
{
    uint64_t off = r->boff + r->len;
    size_t want = BLOCK;
    long got;

    if (off >= r->end)
        return 0;
    if (r->end - off < want)
        want = (size_t)(r->end - off);
    got = r->src->pread(r->src->arg, r->buf, want, off);
    if (got < 0)
        return -1;
    if (got == 0)
        return 0;
    r->boff = off;
    r->pos = 0;
    r->len = (size_t)got;
    return 1;
}

/*
 * rd_line - the next line: its first cap-1 bytes into line (without the
 * LF, NUL-terminated), *total its full length, *start its offset, *next
 * the offset after its LF.  1, 0 at the end, -1 on error.
 */
static int rd_line(struct rd *r, char *line, size_t cap, size_t *total,
                   uint64_t *start, uint64_t *next)
{
    size_t n = 0;
    int rc, any = 0;

    *start = r->boff + r->pos;
    r->last = '\0';
    for (;;) {
        if (r->pos == r->len) {
            rc = rd_fill(r);
            if (rc < 0)
                return -1;
            if (rc == 0) {
                if (!any)
                    return 0;
                break;
            }
            if (!any)
                *start = r->boff;
        }
        char *p = r->buf + r->pos;
        size_t avail = r->len - r->pos;
        char *lf = memchr(p, '\n', avail);
        size_t take = lf ? (size_t)(lf - p) : avail;

        any = 1;
        if (n + 1 < cap) {
            size_t c = take < cap - 1 - n ? take : cap - 1 - n;
            memcpy(line + n, p, c);
        }
        n += take;
        if (take > 0)
            r->last = p[take - 1];
        r->pos += take + (lf != NULL);
        if (lf)
            break;
    }
    line[n < cap ? n : cap - 1] = '\0';
    *total = n;
    *next = r->boff + r->pos;
    return 1;
}

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

/* ---- transfer decoding ---- */

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

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static int b64val(int c)
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
        if ((h = hexval((unsigned char)c)) >= 0) {
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
        if ((h = hexval((unsigned char)c)) >= 0) {
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
            if ((v = b64val((unsigned char)in[i])) < 0)
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

/* ---- charsets ---- */

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

/* ---- HTML to text ---- */

/* the HTML 4 character entities and &apos; (names compared with case,
 * as Dovecot does), sorted by name for a binary search */
static const struct {
    const char *name;
    unsigned cp;
} entities[] = {
    {"AElig", 0xc6}, {"Aacute", 0xc1}, {"Acirc", 0xc2}, {"Agrave", 0xc0},
    {"Alpha", 0x391}, {"Aring", 0xc5}, {"Atilde", 0xc3}, {"Auml", 0xc4},
    {"Beta", 0x392}, {"Ccedil", 0xc7}, {"Chi", 0x3a7}, {"Dagger", 0x2021},
    {"Delta", 0x394}, {"ETH", 0xd0}, {"Eacute", 0xc9}, {"Ecirc", 0xca},
    {"Egrave", 0xc8}, {"Epsilon", 0x395}, {"Eta", 0x397}, {"Euml", 0xcb},
    {"Gamma", 0x393}, {"Iacute", 0xcd}, {"Icirc", 0xce}, {"Igrave", 0xcc},
    {"Iota", 0x399}, {"Iuml", 0xcf}, {"Kappa", 0x39a}, {"Lambda", 0x39b},
    {"Mu", 0x39c}, {"Ntilde", 0xd1}, {"Nu", 0x39d}, {"OElig", 0x152},
    {"Oacute", 0xd3}, {"Ocirc", 0xd4}, {"Ograve", 0xd2}, {"Omega", 0x3a9},
    {"Omicron", 0x39f}, {"Oslash", 0xd8}, {"Otilde", 0xd5}, {"Ouml", 0xd6},
    {"Phi", 0x3a6}, {"Pi", 0x3a0}, {"Prime", 0x2033}, {"Psi", 0x3a8},
    {"Rho", 0x3a1}, {"Scaron", 0x160}, {"Sigma", 0x3a3}, {"THORN", 0xde},
    {"Tau", 0x3a4}, {"Theta", 0x398}, {"Uacute", 0xda}, {"Ucirc", 0xdb},
    {"Ugrave", 0xd9}, {"Upsilon", 0x3a5}, {"Uuml", 0xdc}, {"Xi", 0x39e},
    {"Yacute", 0xdd}, {"Yuml", 0x178}, {"Zeta", 0x396}, {"aacute", 0xe1},
    {"acirc", 0xe2}, {"acute", 0xb4}, {"aelig", 0xe6}, {"agrave", 0xe0},
    {"alefsym", 0x2135}, {"alpha", 0x3b1}, {"amp", 0x26}, {"and", 0x2227},
    {"ang", 0x2220}, {"apos", 0x27}, {"aring", 0xe5}, {"asymp", 0x2248},
    {"atilde", 0xe3}, {"auml", 0xe4}, {"bdquo", 0x201e}, {"beta", 0x3b2},
    {"brvbar", 0xa6}, {"bull", 0x2022}, {"cap", 0x2229}, {"ccedil", 0xe7},
    {"cedil", 0xb8}, {"cent", 0xa2}, {"chi", 0x3c7}, {"circ", 0x2c6},
    {"clubs", 0x2663}, {"cong", 0x2245}, {"copy", 0xa9}, {"crarr", 0x21b5},
    {"cup", 0x222a}, {"curren", 0xa4}, {"dArr", 0x21d3}, {"dagger", 0x2020},
    {"darr", 0x2193}, {"deg", 0xb0}, {"delta", 0x3b4}, {"diams", 0x2666},
    {"divide", 0xf7}, {"eacute", 0xe9}, {"ecirc", 0xea}, {"egrave", 0xe8},
    {"empty", 0x2205}, {"emsp", 0x2003}, {"ensp", 0x2002}, {"epsilon", 0x3b5},
    {"equiv", 0x2261}, {"eta", 0x3b7}, {"eth", 0xf0}, {"euml", 0xeb},
    {"euro", 0x20ac}, {"exist", 0x2203}, {"fnof", 0x192}, {"forall", 0x2200},
    {"frac12", 0xbd}, {"frac14", 0xbc}, {"frac34", 0xbe}, {"frasl", 0x2044},
    {"gamma", 0x3b3}, {"ge", 0x2265}, {"gt", 0x3e}, {"hArr", 0x21d4},
    {"harr", 0x2194}, {"hearts", 0x2665}, {"hellip", 0x2026},
    {"iacute", 0xed}, {"icirc", 0xee}, {"iexcl", 0xa1}, {"igrave", 0xec},
    {"image", 0x2111}, {"infin", 0x221e}, {"int", 0x222b}, {"iota", 0x3b9},
    {"iquest", 0xbf}, {"isin", 0x2208}, {"iuml", 0xef}, {"kappa", 0x3ba},
    {"lArr", 0x21d0}, {"lambda", 0x3bb}, {"lang", 0x2329}, {"laquo", 0xab},
    {"larr", 0x2190}, {"lceil", 0x2308}, {"ldquo", 0x201c}, {"le", 0x2264},
    {"lfloor", 0x230a}, {"lowast", 0x2217}, {"loz", 0x25ca}, {"lrm", 0x200e},
    {"lsaquo", 0x2039}, {"lsquo", 0x2018}, {"lt", 0x3c}, {"macr", 0xaf},
    {"mdash", 0x2014}, {"micro", 0xb5}, {"middot", 0xb7}, {"minus", 0x2212},
    {"mu", 0x3bc}, {"nabla", 0x2207}, {"nbsp", 0xa0}, {"ndash", 0x2013},
    {"ne", 0x2260}, {"ni", 0x220b}, {"not", 0xac}, {"notin", 0x2209},
    {"nsub", 0x2284}, {"ntilde", 0xf1}, {"nu", 0x3bd}, {"oacute", 0xf3},
    {"ocirc", 0xf4}, {"oelig", 0x153}, {"ograve", 0xf2}, {"oline", 0x203e},
    {"omega", 0x3c9}, {"omicron", 0x3bf}, {"oplus", 0x2295}, {"or", 0x2228},
    {"ordf", 0xaa}, {"ordm", 0xba}, {"oslash", 0xf8}, {"otilde", 0xf5},
    {"otimes", 0x2297}, {"ouml", 0xf6}, {"para", 0xb6}, {"part", 0x2202},
    {"permil", 0x2030}, {"perp", 0x22a5}, {"phi", 0x3c6}, {"pi", 0x3c0},
    {"piv", 0x3d6}, {"plusmn", 0xb1}, {"pound", 0xa3}, {"prime", 0x2032},
    {"prod", 0x220f}, {"prop", 0x221d}, {"psi", 0x3c8}, {"quot", 0x22},
    {"rArr", 0x21d2}, {"radic", 0x221a}, {"rang", 0x232a}, {"raquo", 0xbb},
    {"rarr", 0x2192}, {"rceil", 0x2309}, {"rdquo", 0x201d}, {"real", 0x211c},
    {"reg", 0xae}, {"rfloor", 0x230b}, {"rho", 0x3c1}, {"rlm", 0x200f},
    {"rsaquo", 0x203a}, {"rsquo", 0x2019}, {"sbquo", 0x201a},
    {"scaron", 0x161}, {"sdot", 0x22c5}, {"sect", 0xa7}, {"shy", 0xad},
    {"sigma", 0x3c3}, {"sigmaf", 0x3c2}, {"sim", 0x223c}, {"spades", 0x2660},
    {"sub", 0x2282}, {"sube", 0x2286}, {"sum", 0x2211}, {"sup", 0x2283},
    {"sup1", 0xb9}, {"sup2", 0xb2}, {"sup3", 0xb3}, {"supe", 0x2287},
    {"szlig", 0xdf}, {"tau", 0x3c4}, {"there4", 0x2234}, {"theta", 0x3b8},
    {"thetasym", 0x3d1}, {"thinsp", 0x2009}, {"thorn", 0xfe},
    {"tilde", 0x2dc}, {"times", 0xd7}, {"trade", 0x2122}, {"uArr", 0x21d1},
    {"uacute", 0xfa}, {"uarr", 0x2191}, {"ucirc", 0xfb}, {"ugrave", 0xf9},
    {"uml", 0xa8}, {"upsih", 0x3d2}, {"upsilon", 0x3c5}, {"uuml", 0xfc},
    {"weierp", 0x2118}, {"xi", 0x3be}, {"yacute", 0xfd}, {"yen", 0xa5},
    {"yuml", 0xff}, {"zeta", 0x3b6}, {"zwj", 0x200d}, {"zwnj", 0x200c},
};

static void put_cp(struct sv_mime_buf *out, unsigned cp)
{
    char u[4];
    size_t n;

    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return;                 /* no character: nothing, as Dovecot */
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | cp >> 12);
        u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | cp >> 18);
        u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
        u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    sv_mime_buf_add(out, u, n);
}

/* entity - "&name;" at s (after the '&'): bytes used, 0 at the end of
 * the text without its ';' (the rest is dropped, as Dovecot does) */
static size_t entity(const char *s, size_t len, struct sv_mime_buf *out)
{
    char name[10];
    size_t i, lo, hi;

    for (i = 0; i < len; i++) {
        if (isspace((unsigned char)s[i]) || i >= sizeof(name))
            return 1;           /* broken: only the '&' goes */
        if (s[i] == ';')
            break;
    }
    if (i == len)
        return 0;
    memcpy(name, s, i);
    name[i] = '\0';
    lo = 0;
    hi = sizeof(entities) / sizeof(entities[0]);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(name, entities[mid].name);

        if (c == 0) {
            put_cp(out, entities[mid].cp);
            return i + 2;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (name[0] == '#') {
        const char *digits = name[1] == 'x' ? name + 2 : name + 1;
        char *end;
        unsigned long cp = strtoul(digits, &end, name[1] == 'x' ? 16 : 10);

        if (*end == '\0' && end != digits && isxdigit((unsigned char)*digits))
            put_cp(out, cp > 0x10ffff ? 0x110000 : (unsigned)cp);
    }
    return i + 2;               /* unknown: dropped */
}

static void add_blank(struct sv_mime_buf *out)
{
    if (out->len > 0 && out->p[out->len - 1] != ' ')
        sv_mime_buf_add(out, " ", 1);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* tagname - whether s (after '<') starts with name and then a blank or
 * '>' */
static int tagname(const char *s, size_t len, const char *name)
{
    size_t n = strlen(name);

    return len > n && strncasecmp(s, name, n) == 0
        && (is_blank(s[n]) || s[n] == '>');
}

/* find - where end first starts (case-insensitive) at or after i, or
 * len when it does not */
static size_t find(const char *in, size_t len, size_t i, const char *end)
{
    size_t n = strlen(end);

    for (; i + n <= len; i++)
        if (strncasecmp(in + i, end, n) == 0)
            return i;
    return len;
}

void sv_mime_html2text(const char *in, size_t len, struct sv_mime_buf *out)
{
    size_t i = 0, n;

    while (i < len && !out->cut) {
        char c = in[i];

        if (c == '&') {
            if ((n = entity(in + i + 1, len - i - 1, out)) == 0)
                return;
            i += n;
            continue;
        }
        if (c != '<') {
            sv_mime_buf_add(out, &c, 1);
            i++;
            continue;
        }
        const char *s = in + i + 1;
        size_t sl = len - i - 1;

        if (sl >= 3 && memcmp(s, "!--", 3) == 0) {
            /* a comment: to "--", blanks, ">" */
            size_t j = i + 4;
            for (;;) {
                j = find(in, len, j, "--");
                if (j < len)
                    j += 2;
                while (j < len && is_blank(in[j]))
                    j++;
                if (j >= len || in[j] == '>')
                    break;
            }
            i = j + 1;
        } else if (tagname(s, sl, "script") || tagname(s, sl, "style")) {
            const char *end = tolower((unsigned char)s[1]) == 'c'
                ? "</script>" : "</style>";
            /* the name and the character after it: "<script>" */
            i = find(in, len, i + strlen(end) - 1, end);
            if (i >= len)
                return;         /* never closed: the rest goes */
            i += strlen(end);
            add_blank(out);
        } else if (sl >= 8 && strncasecmp(s, "![CDATA[", 8) == 0) {
            size_t j = i + 9, e = find(in, len, j, "]]>");
            sv_mime_buf_add(out, in + j, e - j);
            i = e + 3;
        } else {
            /* a tag: quoted attribute values may hold '>' */
            char q = 0;
            for (i++; i < len; i++) {
                if (q) {
                    if (in[i] == '\\')
                        i++;
                    else if (in[i] == q)
                        q = 0;
                } else if (in[i] == '"' || in[i] == '\'')
                    q = in[i];
                else if (in[i] == '>')
                    break;
            }
            if (i >= len)
                return;
            i++;
            add_blank(out);
        }
    }
}

/* ---- the structure ---- */

/* skip_cfws - past blanks and (nested) comments */
static const char *skip_cfws(const char *p)
{
    int depth = 0;

    for (; *p; p++) {
        if (depth) {
            if (*p == '\\' && p[1])
                p++;
            else if (*p == '(')
                depth++;
            else if (*p == ')')
                depth--;
        } else if (*p == '(')
            depth++;
        else if (!isspace((unsigned char)*p))
            break;
    }
    return p;
}

/* token - a token or quoted string at p into out; the rest */
static const char *token(const char *p, char *out, size_t cap)
{
    size_t n = 0;

    p = skip_cfws(p);
    if (*p == '"') {
        for (p++; *p && *p != '"'; p++) {
            if (*p == '\\' && p[1])
                p++;
            if (n + 1 < cap)
                out[n++] = *p;
        }
        if (*p == '"')
            p++;
    } else {
        for (; *p && !isspace((unsigned char)*p) && !strchr("()<>@,;:\\\"/[]?=",
                                                          *p); p++)
            if (n + 1 < cap)
                out[n++] = *p;
    }
    out[n] = '\0';
    return skip_cfws(p);
}

/* content_type - the type, boundary and charset of a Content-Type value
 * (RFC 2045 5.1); a value without a '/' leaves the default */
static void content_type(const char *v, struct entity *e)
{
    char type[64], sub[64], name[64], val[128];
    const char *p = token(v, type, sizeof(type));
    size_t i;

    if (!type[0] && !*p)
        return;                 /* empty: the default */
    /* not a type: Dovecot keeps it, so that only :content "" matches */
    e->type[0] = '\0';
    if (*p != '/' || !type[0])
        return;
    p = token(p + 1, sub, sizeof(sub));
    if (!sub[0])
        return;
    snprintf(e->type, sizeof(e->type), "%s/%s", type, sub);
    for (i = 0; e->type[i]; i++)
        e->type[i] = (char)tolower((unsigned char)e->type[i]);
    while (*p == ';') {
        p = token(p + 1, name, sizeof(name));
        if (*p != '=')
            continue;
        p = token(p + 1, val, sizeof(val));
        if (strcasecmp(name, "boundary") == 0)
            snprintf(e->boundary, sizeof(e->boundary), "%s", val);
        else if (strcasecmp(name, "charset") == 0)
            snprintf(e->charset, sizeof(e->charset), "%s", val);
        while (*p && *p != ';')
            p++;
    }
}

/* The header of an entity being read, line by line. */
struct hdr {
    struct entity e;
    int which;                  /* 1: Content-Type, 2: -Transfer-, 0 */
    size_t flen;
    char field[FIELD_MAX];
};

/* An open multipart. */
struct frame {
    char boundary[128];
    size_t bl;
    int wanted;                 /* its preamble and epilogue are values */
    int digest;
    int state;                  /* 0 preamble, 1 parts, 2 epilogue */
    int depth;
    uint64_t seg;               /* where the preamble / epilogue began */
    struct entity e;
};

/* The walk over the message's structure. */
struct walker {
    const struct sv_mime_src *src;
    enum sv_mime_mode mode;
    const char *const *types;
    int ntypes;
    int (*fn)(void *arg, const char *v, size_t len);
    void *arg;
    struct rd rd;               /* the lines of the message */
    char blk[BLOCK];            /* emit's reads */
    struct frame frames[SV_MIME_DEPTH];
    int nframes;
    int cur;                    /* CUR_*: the entity being read */
    struct hdr hdr;             /* its header */
    uint64_t hstart;            /* where that header began */
    int emit_header;            /* it is an enclosed message's, wanted */
    int depth;
};

/* hdr_init - deftype is the type when none is given (RFC 2046 5.1.5:
 * message/rfc822 in a multipart/digest) */
static void hdr_init(struct hdr *h, const char *deftype, uint64_t end)
{
    memset(&h->e, 0, sizeof(h->e));
    snprintf(h->e.type, sizeof(h->e.type), "%s", deftype);
    h->e.hdr_end = h->e.body = end;
    h->which = 0;
    h->flen = 0;
}

/* hdr_field - the field being gathered is complete */
static void hdr_field(struct hdr *h)
{
    h->field[h->flen] = '\0';
    /* the first of each field counts, as in Dovecot */
    if (h->which == 1 && !h->e.typed) {
        content_type(h->field, &h->e);
        h->e.typed = 1;
    } else if (h->which == 2 && !h->e.coded) {
        h->e.cte = sv_mime_cte(h->field);
        h->e.coded = 1;
    }
    h->which = 0;
}

/* hdr_line - one header line (its first bytes, without the LF): 1 when
 * it is the empty line that ends the header */
static int hdr_line(struct hdr *h, char *line, size_t l, uint64_t start,
                    uint64_t next)
{
    int folded = l > 0 && (line[0] == ' ' || line[0] == '\t');

    if (l > 0 && line[l - 1] == '\r')
        line[--l] = '\0';
    if (h->which && !folded)
        hdr_field(h);
    if (l == 0) {
        h->e.hdr_end = start;
        h->e.body = next;
        h->e.has_body = 1;
        return 1;
    }
    if (folded && h->which) {
        size_t c = l < sizeof(h->field) - 1 - h->flen ? l
            : sizeof(h->field) - 1 - h->flen;
        memcpy(h->field + h->flen, line, c);
        h->flen += c;
    } else if (!folded && (strncasecmp(line, "content-type:", 13) == 0
               || strncasecmp(line, "content-transfer-encoding:", 26) == 0)) {
        const char *v = strchr(line, ':') + 1;

        h->which = line[12] == ':' ? 1 : 2;  /* "content-type:" */
        h->flen = strlen(v) < sizeof(h->field) - 1 ? strlen(v)
            : sizeof(h->field) - 1;
        memcpy(h->field, v, h->flen);
    }
    return 0;
}

/* header - the message's own header, for :raw: 0 or -1 */
static int header(struct walker *w, struct entity *e)
{
    struct hdr *h = &w->hdr;
    char line[1024];
    size_t total;
    uint64_t start, next;
    int rc;

    hdr_init(h, "text/plain", w->src->size);
    rd_init(&w->rd, w->src, 0, w->src->size);
    while ((rc = rd_line(&w->rd, line, sizeof(line), &total, &start,
                         &next)) > 0)
        if (hdr_line(h, line, total < sizeof(line) ? total
                     : sizeof(line) - 1, start, next))
            break;
    *e = h->e;
    return rc < 0 ? -1 : 0;
}

/* wanted - whether a part of this type is tested */
static int wanted(const struct walker *w, const char *type)
{
    int i;

    if (w->mode == SV_MIME_TEXT)
        return strncmp(type, "text/", 5) == 0;
    for (i = 0; i < w->ntypes; i++) {
        const char *t = w->types[i];
        size_t n = strlen(t);

        if (n == 0 || strcasecmp(t, type) == 0)
            return 1;
        if (!strchr(t, '/') && strncasecmp(t, type, n) == 0
            && type[n] == '/')
            return 1;
    }
    return 0;
}

/* emit - the bytes at [a, b), decoded as e says, to the test's fn */
/* crlf - b's bare line feeds made CRLF */
static void crlf(struct sv_mime_buf *b)
{
    struct sv_mime_buf o = {.max = b->max};
    size_t i, from = 0;

    for (i = 0; i < b->len; i++)
        if (b->p[i] == '\n' && (i == 0 || b->p[i - 1] != '\r')) {
            sv_mime_buf_add(&o, b->p + from, i - from);
            sv_mime_buf_add(&o, "\r\n", 2);
            from = i + 1;
        }
    if (from == 0)
        return;
    sv_mime_buf_add(&o, b->p + from, b->len - from);
    o.cut |= b->cut;
    sv_mime_buf_free(b);
    *b = o;
}

/* emit - the bytes at [a, b) to the test's fn: decoded as e says
 * (decode), or a header, whose lines end in CRLF as Pigeonhole gives
 * them (decode -1) */
static int emit(struct walker *w, uint64_t a, uint64_t b,
                const struct entity *e, int decode)
{
    struct sv_mime_buf raw = {.max = SV_MIME_MAX};
    struct sv_mime_dec dec = {.cte = decode > 0 ? e->cte : SV_CTE_NONE};
    char *blk = w->blk;
    int rc = 0;

    while (a < b && !raw.cut) {
        size_t want = b - a < BLOCK ? (size_t)(b - a) : BLOCK;
        long got = w->src->pread(w->src->arg, blk, want, a);

        if (got < 0) {
            sv_mime_buf_free(&raw);
            return -1;
        }
        if (got == 0)
            break;
        sv_mime_decode(&dec, blk, (size_t)got, &raw);
        a += (uint64_t)got;
    }
    sv_mime_decode_end(&dec, &raw);
    if (decode < 0) {
        crlf(&raw);
        decode = 0;
    }
    if (decode && strncmp(e->type, "text/", 5) == 0)
        sv_mime_utf8(&raw, e->charset);
    if (decode && w->mode == SV_MIME_TEXT
        && strcmp(e->type, "text/html") == 0) {
        struct sv_mime_buf txt = {.max = SV_MIME_MAX};

        sv_mime_html2text(raw.p ? raw.p : "", raw.len, &txt);
        sv_mime_buf_free(&raw);
        raw = txt;
    }
    rc = w->fn(w->arg, raw.p ? raw.p : "", raw.len);
    sv_mime_buf_free(&raw);
    return rc;
}

/*
 * The structure is read in one pass over the lines, as Dovecot's parser
 * does: a stack of the open multiparts, and the entity being read (its
 * header, or its body).  A line "--BOUNDARY..." of an open multipart
 * (the innermost first, a prefix being enough) ends what is inside it;
 * a part's value is emitted when its end is seen.
 */

enum { CUR_NONE, CUR_HEADER, CUR_BODY };

/* leaf_end - the entity being read ends at end */
static int leaf_end(struct walker *w, uint64_t end)
{
    int state = w->cur;

    w->cur = CUR_NONE;
    if (state == CUR_BODY && wanted(w, w->hdr.e.type))
        return emit(w, w->hdr.e.body, end > w->hdr.e.body ? end
                    : w->hdr.e.body, &w->hdr.e, 1);
    return 0;                   /* a header never ended: no body */
}

/* frame_end - the open multipart f ends at end (no close delimiter) */
static int frame_end(struct walker *w, struct frame *f, uint64_t end)
{
    if (!f->wanted)
        return 0;
    /* as Pigeonhole: the preamble even when empty, the epilogue not */
    if (f->state == 0 || (f->state == 2 && end > f->seg))
        return emit(w, f->seg, end, &f->e, 0);
    return 0;
}

/* entity_start - a part (or an enclosed message) begins at off */
static void entity_start(struct walker *w, uint64_t off, const char *deftype,
                         int emit_header, int depth)
{
    hdr_init(&w->hdr, deftype, off);
    w->hstart = off;
    w->emit_header = emit_header;
    w->depth = depth;
    w->cur = CUR_HEADER;
}

/* header_end - the header of the entity being read is complete */
static int header_end(struct walker *w, uint64_t next)
{
    struct entity *e = &w->hdr.e;
    int rc;

    if (w->emit_header
        && (rc = emit(w, w->hstart, e->hdr_end, e, -1)) != 0)
        return rc;
    /* deeper than SV_MIME_DEPTH, an entity is one part, its structure
     * not looked into */
    if (strncmp(e->type, "multipart/", 10) == 0 && e->boundary[0]
        && w->depth < SV_MIME_DEPTH && w->nframes < SV_MIME_DEPTH) {
        struct frame *f = &w->frames[w->nframes++];

        snprintf(f->boundary, sizeof(f->boundary), "%s", e->boundary);
        f->bl = strlen(f->boundary);
        f->wanted = wanted(w, e->type);
        f->digest = strcmp(e->type, "multipart/digest") == 0;
        f->state = 0;
        f->depth = w->depth;
        f->seg = next;
        f->e = *e;
        w->cur = CUR_NONE;
        return 0;
    }
    /* a digest's part without a type is a message, but Pigeonhole
     * sees it as an empty text/plain part before the message in it */
    if (strcmp(e->type, "message/rfc822") == 0 && w->depth < SV_MIME_DEPTH) {
        if (!e->typed && wanted(w, "text/plain")
            && (rc = w->fn(w->arg, "", 0)) != 0)
            return rc;
        entity_start(w, next, "text/plain", e->typed && wanted(w, e->type),
                     w->depth + 1);
        return 0;
    }
    w->cur = CUR_BODY;
    return 0;
}

/* delimiter - the open multipart whose boundary starts line (the
 * innermost first), or -1; *close for "--BOUNDARY--" */
static int delimiter(const struct walker *w, const char *line, size_t l,
                     int *close)
{
    int k;

    if (l < 2 || line[0] != '-' || line[1] != '-')
        return -1;
    for (k = w->nframes - 1; k >= 0; k--) {
        const struct frame *f = &w->frames[k];

        if (f->state != 2 && l >= 2 + f->bl
            && memcmp(line + 2, f->boundary, f->bl) == 0) {
            *close = l >= 4 + f->bl && line[2 + f->bl] == '-'
                && line[3 + f->bl] == '-';
            return k;
        }
    }
    return -1;
}

/* at_delimiter - frame k's delimiter line at [start, next): what is
 * inside k ends at before */
static int at_delimiter(struct walker *w, int k, int close, uint64_t before,
                        uint64_t next)
{
    struct frame *f;
    int rc;

    if ((rc = leaf_end(w, before)) != 0)
        return rc;
    while (w->nframes > k + 1)
        if ((rc = frame_end(w, &w->frames[--w->nframes], before)) != 0)
            return rc;
    f = &w->frames[k];
    if (f->state == 0 && (rc = frame_end(w, f, before)) != 0)
        return rc;
    if (close) {
        f->state = 2;
        f->seg = next;
        return 0;
    }
    f->state = 1;
    entity_start(w, next, f->digest ? "message/rfc822" : "text/plain", 0,
                 f->depth + 1);
    return 0;
}

/* walk - the whole message, line by line */
static int walk(struct walker *w)
{
    char line[1024];
    size_t total, l;
    uint64_t start, next, seg = 0, prev_end = 0;
    int rc, k, close;

    w->nframes = 0;
    entity_start(w, 0, "text/plain", 0, 0);
    rd_init(&w->rd, w->src, 0, w->src->size);
    while ((rc = rd_line(&w->rd, line, sizeof(line), &total, &start,
                         &next)) > 0) {
        l = total < sizeof(line) ? total : sizeof(line) - 1;
        if ((k = delimiter(w, line, l, &close)) >= 0) {
            /* the line break before the delimiter is the delimiter's */
            rc = at_delimiter(w, k, close, start == seg ? start : prev_end,
                              next);
            if (rc != 0)
                return rc;
            seg = next;
        } else if (w->cur == CUR_HEADER
                   && hdr_line(&w->hdr, line, l, start, next)) {
            if ((rc = header_end(w, next)) != 0)
                return rc;
            seg = next;
        }
        prev_end = start + total - (w->rd.last == '\r');
    }
    if (rc < 0)
        return -1;
    /* the end of the message ends everything still open */
    if (w->cur == CUR_HEADER && w->hdr.which)
        hdr_field(&w->hdr);
    if ((rc = leaf_end(w, w->src->size)) != 0)
        return rc;
    while (w->nframes > 0)
        if ((rc = frame_end(w, &w->frames[--w->nframes],
                            w->src->size)) != 0)
            return rc;
    return 0;
}

int sv_mime_body(const struct sv_mime_src *src, enum sv_mime_mode mode,
                 const char *const *types, int ntypes,
                 int (*fn)(void *arg, const char *v, size_t len),
                 void *arg)
{
    struct walker *w = calloc(1, sizeof(*w));
    struct entity e;
    int rc;

    if (!w)
        return -1;
    w->src = src;
    w->mode = mode;
    w->types = types;
    w->ntypes = ntypes;
    w->fn = fn;
    w->arg = arg;
    if (mode == SV_MIME_RAW) {
        rc = header(w, &e);
        if (rc == 0 && e.body < src->size)     /* none: no value */
            rc = emit(w, e.body, src->size, &e, 0);
    } else
        rc = walk(w);
    free(w);
    return rc;
}
