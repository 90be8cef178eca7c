/*
 * test_sieve_ext.c - the extension tests' own parts: the body as the
 * body test sees it (MIME structure, transfer decoding in blocks of any
 * size, charsets, HTML to text), date-time parsing and every date part
 * in several zones, and the spamtest/virustest score for each status
 * type.  The expected values were checked against Pigeonhole's
 * sieve-test where they are its behaviour.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "expect.h"

#include "../../sieve/date.h"
#include "../../sieve/mime.h"
#include "../../sieve/sieve.h"
#include "../../sieve/spamtest.h"

/* ---- a message in memory, read in chunks of at most `chunk` bytes ---- */

struct mem {
    const char *s;
    size_t len;
    size_t chunk;
};

static long mem_pread(void *arg, void *buf, size_t len, uint64_t off)
{
    struct mem *m = arg;

    if (off >= m->len)
        return 0;
    if (len > m->len - off)
        len = (size_t)(m->len - off);
    if (m->chunk && len > m->chunk)
        len = m->chunk;
    memcpy(buf, m->s + off, len);
    return (long)len;
}

/* the values yielded, joined by '|' */
struct got {
    char s[4096];
    size_t len;
    int n;
};

static int collect(void *arg, const char *v, size_t len)
{
    struct got *g = arg;

    if (g->n++ > 0 && g->len + 1 < sizeof(g->s))
        g->s[g->len++] = '|';
    if (len > sizeof(g->s) - 1 - g->len)
        len = sizeof(g->s) - 1 - g->len;
    memcpy(g->s + g->len, v, len);
    g->len += len;
    g->s[g->len] = '\0';
    return 0;
}

static const char MULTI[] =
    "Return-Path: <a@b>\n"
    "From: a@b\n"
    "Subject: x\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/alternative;\n"
    "\tboundary=\"XX\"\n"
    "\n"
    "preamble text\n"
    "--XX\n"
    "Content-Type: text/plain; charset=iso-8859-1\n"
    "Content-Transfer-Encoding: quoted-printable\n"
    "\n"
    "caf=E9 plain=\n"
    " joined\n"
    "--XX\n"
    "Content-Type: text/html\n"
    "\n"
    "<html><head><style>styl</style></head><body><p>Hel<b>lo</b> &amp; "
    "bye</p></body></html>\n"
    "--XX--\n"
    "epilogue text\n";

static const char NESTED[] =
    "Content-Type: multipart/mixed; boundary=outer\n"
    "\n"
    "--outer\n"
    "Content-Type: multipart/alternative; boundary=\"inner\"\n"
    "\n"
    "--inner\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "w6lsw6h2ZQ==\n"
    "--inner\n"
    "Content-Type: text/enriched\n"
    "\n"
    "rich\n"
    "--inner--\n"
    "--outer\n"
    "Content-Type: message/rfc822\n"
    "\n"
    "Subject: inside\n"
    "Content-Type: text/plain; charset=windows-1252\n"
    "\n"
    "\x93quoted\x94\n"
    "--outer\n"
    "Content-Type: application/octet-stream\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "AAEC\n"
    "--outer\n"
    "\n"
    "no header, text/plain\n"
    "--outer--\n";

/* a digest's parts are messages; a delimiter may have blanks after it */
static const char DIGEST[] =
    "Content-Type: multipart/digest; boundary=d\n"
    "\n"
    "--d\n"
    "\n"
    "Subject: first digest\n"
    "Content-Type: text/plain\n"
    "\n"
    "digest one body\n"
    "--d \t\n"
    "Content-Type: message/rfc822\n"
    "\n"
    "Subject: typed\n"
    "\n"
    "digest two\n"
    "--d--\n";

/* what has a value and what has none (counted with sieve-test) */
static const char EMPTY_PARTS[] =
    "Content-Type: multipart/mixed; boundary=abc\n"
    "\n"
    "--abc\n"
    "--abc\n"
    "Content-Type: text/plain\n"
    "\n"
    "--abc--\n";
static const char NO_BODY[] = "From: a@b\nSubject: x\n";
static const char EMPTY_BODY[] = "From: a@b\nSubject: x\n\n";
static const char EPILOGUE_ONLY[] =
    "Content-Type: multipart/mixed; boundary=abc\n"
    "\n"
    "--abc\n"
    "\n"
    "first\n"
    "--abc--\n"
    "epi\n";
static const char BAD_TYPE[] =
    "Content-Type: text\n"
    "\n"
    "first\n";
static const char BAD_BYTES[] =
    "Content-Type: text/plain; charset=unknown-8bit\n"
    "\n"
    "K\xf6ln \xc3\xa9\n";

/* a boundary is found by its prefix, the innermost first (Dovecot) */
static const char PREFIX[] =
    "Content-Type: multipart/mixed; boundary=\"b1\"\n"
    "\n"
    "--b1\n"
    "Content-Type: multipart/alternative; boundary=\"b1-x\"\n"
    "\n"
    "--b1-x\n"
    "\n"
    "first\n"
    "--b1-x\n"
    "\n"
    "second\n"
    "--b1-x--\n"
    "--b1  \n"
    "\n"
    "third\n"
    "--b1X\n"
    "Content-Type: text/plain\n"
    "\n"
    "fourth\n"
    "--b1--junk\n"
    "epilogue\n";

static const char PLAIN[] =
    "From: a@b\n"
    "Subject: x\n"
    "\n"
    "hello world\n"
    "line2\n";

static const char QP[] =
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: Quoted-Printable\n"
    "\n"
    "soft=\n"
    "break, =C3=A9, trailing   \n"
    "blank soft=  \n"
    "x, bad =ZZ and =4\n"
    "end=\n";

static void test_body(void **state)
{
    static const char *const all[] = {""};
    static const char *const text[] = {"text"};
    static const char *const plain[] = {"TEXT/Plain"};
    static const char *const multi[] = {"multipart"};
    static const char *const msg[] = {"message/rfc822"};
    static const char *const app[] = {"application"};
    static const struct {
        const char *name, *msg;
        enum sv_mime_mode mode;
        const char *const *types;
        int ntypes;
        const char *want;
        int want_n;
    } cases[] = {
        {"plain text", PLAIN, SV_MIME_TEXT, NULL, 0,
         "hello world\nline2\n", 1},
        {"plain raw", PLAIN, SV_MIME_RAW, NULL, 0,
         "hello world\nline2\n", 1},
        {"plain content text", PLAIN, SV_MIME_CONTENT, text, 1,
         "hello world\nline2\n", 1},
        {"plain content multipart", PLAIN, SV_MIME_CONTENT, multi, 1,
         "", 0},
        /* the line break before a delimiter is the delimiter's; html
         * made plain as Dovecot's indexer does */
        {"multi text", MULTI, SV_MIME_TEXT, NULL, 0,
         "caf\xc3\xa9 plain joined|Hel lo  & bye ", 2},
        {"multi content text", MULTI, SV_MIME_CONTENT, text, 1,
         "caf\xc3\xa9 plain joined|<html><head><style>styl</style></head>"
         "<body><p>Hel<b>lo</b> &amp; bye</p></body></html>", 2},
        {"multi content plain", MULTI, SV_MIME_CONTENT, plain, 1,
         "caf\xc3\xa9 plain joined", 1},
        {"multi preamble epilogue", MULTI, SV_MIME_CONTENT, multi, 1,
         "preamble text|epilogue text\n", 2},
        {"multi raw", MULTI, SV_MIME_RAW, NULL, 0,
         "preamble text\n--XX\nContent-Type: text/plain; charset=iso-8859-1"
         "\nContent-Transfer-Encoding: quoted-printable\n\ncaf=E9 plain=\n"
         " joined\n--XX\nContent-Type: text/html\n\n<html><head><style>styl"
         "</style></head><body><p>Hel<b>lo</b> &amp; bye</p></body></html>\n"
         "--XX--\nepilogue text\n", 1},
        {"nested text", NESTED, SV_MIME_TEXT, NULL, 0,
         "\xc3\xa9l\xc3\xa8ve|rich|\xe2\x80\x9cquoted\xe2\x80\x9d|"
         "no header, text/plain", 4},
        /* an enclosed message's header: lines end in CRLF, as
         * Pigeonhole gives it */
        {"nested message header", NESTED, SV_MIME_CONTENT, msg, 1,
         "Subject: inside\r\nContent-Type: text/plain; charset=windows-1252\r\n",
         1},
        {"nested application", NESTED, SV_MIME_CONTENT, app, 1,
         "\x01\x02", 1},     /* the NUL first: shown from the 2nd byte */
        /* the empty preambles of both multiparts too */
        {"nested all", NESTED, SV_MIME_CONTENT, all, 1,
         "||\xc3\xa9l\xc3\xa8ve|rich|Subject: inside\r\nContent-Type: text/plain;"
         " charset=windows-1252\r\n|\xe2\x80\x9cquoted\xe2\x80\x9d|\x01\x02|"
         "no header, text/plain", 8},
        /* an untyped digest part: an empty text/plain value, then
         * the message in it, as Pigeonhole */
        {"digest text", DIGEST, SV_MIME_TEXT, NULL, 0,
         "|digest one body|digest two", 3},
        {"digest message", DIGEST, SV_MIME_CONTENT, msg, 1,
         "Subject: typed\r\n", 1},
        {"digest all", DIGEST, SV_MIME_CONTENT, all, 1,
         "||digest one body|Subject: typed\r\n|digest two", 5},
        {"empty parts text", EMPTY_PARTS, SV_MIME_TEXT, NULL, 0, "", 1},
        {"empty parts all", EMPTY_PARTS, SV_MIME_CONTENT, all, 1, "|", 2},
        {"no body text", NO_BODY, SV_MIME_TEXT, NULL, 0, "", 0},
        {"no body raw", NO_BODY, SV_MIME_RAW, NULL, 0, "", 0},
        {"empty body text", EMPTY_BODY, SV_MIME_TEXT, NULL, 0, "", 1},
        {"empty body raw", EMPTY_BODY, SV_MIME_RAW, NULL, 0, "", 0},
        {"epilogue only", EPILOGUE_ONLY, SV_MIME_CONTENT, multi, 1,
         "|epi\n", 2},
        {"bad type text", BAD_TYPE, SV_MIME_TEXT, NULL, 0, "", 0},
        {"bad type text/", BAD_TYPE, SV_MIME_CONTENT, text, 1, "", 0},
        {"bad type all", BAD_TYPE, SV_MIME_CONTENT, all, 1, "first\n", 1},
        {"bad bytes", BAD_BYTES, SV_MIME_TEXT, NULL, 0,
         "K\xef\xbf\xbdln \xc3\xa9\n", 1},
        {"prefix text", PREFIX, SV_MIME_TEXT, NULL, 0,
         "first|second|third|fourth", 4},
        {"prefix multipart", PREFIX, SV_MIME_CONTENT, multi, 1,
         "||epilogue\n", 3},
        {"qp", QP, SV_MIME_TEXT, NULL, 0,
         "softbreak, \xc3\xa9, trailing\nblank softx, bad =ZZ and =4\nend",
         1},
    };
    static const size_t chunks[] = {0, 1, 2, 3, 7, 64};
    size_t i, k;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        for (k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
            struct mem m = {cases[i].msg, strlen(cases[i].msg), chunks[k]};
            struct sv_mime_src src = {mem_pread, &m, m.len};
            struct got g = {.n = 0};
            char name[128];
            int rc = sv_mime_body(&src, cases[i].mode, cases[i].types,
                                  cases[i].ntypes, collect, &g);
            const char *s = g.s;

            snprintf(name, sizeof(name), "%s (chunk %zu)", cases[i].name,
                     chunks[k]);
            EXPECT_INT(name, rc, 0);
            EXPECT_INT(name, g.n, cases[i].want_n);
            /* a value starting with NUL: compare what follows it */
            if (cases[i].types == app || cases[i].types == all) {
                char *z = memchr(g.s, '\0', g.len);
                if (z && z < g.s + g.len) {
                    memmove(z, z + 1, g.len - (size_t)(z - g.s));
                    g.len--;
                }
            }
            EXPECT_STR(name, s, cases[i].want);
        }
    CHECKED();
}

/* base64 and quoted-printable parts longer than a read block, and a
 * part cut at SV_MIME_MAX */
static void test_body_large(void **state)
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = 60000, i, cap = n * 2 + 256;
    char *msg = malloc(cap), *want = malloc(n + 1);
    size_t len = 0, hdr;
    struct got g = {.n = 0};
    int rc;

    (void)state;
    assert_non_null(msg);
    assert_non_null(want);
    /* "abc...z" repeated, base64 encoded, 76 a line */
    for (i = 0; i < n; i++)
        want[i] = (char)('a' + i % 26);
    want[n] = '\0';
    len = (size_t)snprintf(msg, cap, "Content-Transfer-Encoding: base64\n"
                           "\n");
    hdr = len;
    for (i = 0; i < n; i += 3) {
        unsigned v = (unsigned char)want[i] << 16
            | (unsigned char)want[i + 1] << 8 | (unsigned char)want[i + 2];
        msg[len++] = b64[v >> 18 & 63];
        msg[len++] = b64[v >> 12 & 63];
        msg[len++] = b64[v >> 6 & 63];
        msg[len++] = b64[v & 63];
        if ((i / 3) % 19 == 18)
            msg[len++] = '\n';
    }
    msg[len++] = '\n';
    {
        struct mem m = {msg, len, 0};
        struct sv_mime_src src = {mem_pread, &m, len};
        struct sv_mime_buf out = {.max = SV_MIME_MAX};
        struct sv_mime_dec d = {.cte = SV_CTE_BASE64};
        /* decoded in 5-byte pieces */
        for (i = hdr; i < len; i += 5)
            sv_mime_decode(&d, msg + i, len - i < 5 ? len - i : 5, &out);
        sv_mime_decode_end(&d, &out);
        EXPECT_U64("b64 pieces len", out.len, n);
        EXPECT_INT("b64 pieces same", out.len == n
                   && memcmp(out.p, want, n) == 0, 1);
        sv_mime_buf_free(&out);

        g.len = 0;
        rc = sv_mime_body(&src, SV_MIME_TEXT, NULL, 0, collect, &g);
        EXPECT_INT("b64 body", rc, 0);
        EXPECT_INT("b64 body n", g.n, 1);
        EXPECT_INT("b64 body start", memcmp(g.s, want, 4000) == 0, 1);
    }
    /* CRLF: a line longer than the reader's line buffer before a
     * delimiter loses its CR with the line break */
    {
        char crlf[1024], want300[301];
        size_t k;
        struct mem m;
        struct sv_mime_src src;

        memset(want300, 'x', 300);
        want300[300] = '\0';
        k = (size_t)snprintf(crlf, sizeof(crlf), "Content-Type: multipart/"
                             "mixed; boundary=c\r\n\r\npre\r\n--c\r\n\r\n"
                             "%s\r\n--c--\r\n", want300);
        m = (struct mem){crlf, k, 0};
        src = (struct sv_mime_src){mem_pread, &m, k};
        g.len = 0;
        g.n = 0;
        rc = sv_mime_body(&src, SV_MIME_TEXT, NULL, 0, collect, &g);
        EXPECT_INT("crlf long", rc, 0);
        EXPECT_STR("crlf long", g.s, want300);
    }
    /* a part over the limit is cut there */
    {
        size_t big = SV_MIME_MAX + 1000;
        char *huge = malloc(big + 16);
        struct sv_mime_buf out = {.max = SV_MIME_MAX};
        struct sv_mime_dec d = {.cte = SV_CTE_NONE};

        assert_non_null(huge);
        memset(huge, 'x', big);
        sv_mime_decode(&d, huge, big, &out);
        EXPECT_U64("cut len", out.len, SV_MIME_MAX);
        EXPECT_INT("cut flag", out.cut, 1);
        sv_mime_buf_free(&out);
        free(huge);
    }
    free(msg);
    free(want);
    CHECKED();
}

static void test_charset_html(void **state)
{
    static const struct {
        const char *in, *charset, *want;
    } cs[] = {
        {"caf\xe9", "ISO-8859-1", "caf\xc3\xa9"},
        {"\x80", "windows-1252", "\xe2\x82\xac"},
        {"caf\xc3\xa9", "utf-8", "caf\xc3\xa9"},
        {"a\xff", "us-ascii", "a\xef\xbf\xbd"},
        {"a\xff\xc3\xa9", "x-unknown", "a\xef\xbf\xbd\xc3\xa9"},
        {"abc", "x-no-such-charset", "abc"},
        {"\x1b$B$H\x1b(B", "ISO-2022-JP", "\xe3\x81\xa8"},
        {"a\xc3", "utf-16le", NULL},   /* only: no crash, valid out */
    };
    static const struct {
        const char *in, *want;
    } html[] = {
        {"<p>Hel<b>lo</b> &amp; bye</p>", "Hel lo  & bye "},
        {"a<!-- x -->b", "ab"},
        {"a<!-- x -- > y -->b", "a y -->b"},   /* "--" blanks ">" ends */
        {"a<script type=\"x\">if (a<b) x();</script>b", "a b"},
        {"a<STYLE>p{}</STYLE>b", "a b"},
        {"a<a href=\"x>y\">b</a>", "a b "},
        {"&lt;&gt;&quot;&#65;&#x42;&nbsp;&euro;", "<>\"AB\xc2\xa0\xe2\x82\xac"},
        {"a & b", "a  b"},
        {"x&unknown;y", "xy"},
        {"na&iuml;ve &AUML;&Auml;&alpha;&rarr;", "na\xc3\xafve \xc3\x84\xce\xb1"
         "\xe2\x86\x92"},     /* names are case-sensitive */
        {"a&#xD800;b&#x110000;c&#1114111;d&#65abc;e&#x;f",
         "abc\xf4\x8f\xbf\xbf" "def"},
        {"&#65 x", "#65 x"},    /* no ';' before a blank: '&' dropped */
        {"x<![CDATA[<i>]]>y", "x<i>y"},
        {"x&amp", "x"},
        {"cut <b", "cut "},
        {"line\nbreak", "line\nbreak"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
        struct sv_mime_buf b = {.max = SV_MIME_MAX};

        sv_mime_buf_add(&b, cs[i].in, strlen(cs[i].in));
        sv_mime_utf8(&b, cs[i].charset);
        if (cs[i].want)
            EXPECT_STR(cs[i].charset, b.p ? b.p : "", cs[i].want);
        sv_mime_buf_free(&b);
    }
    for (i = 0; i < sizeof(html) / sizeof(html[0]); i++) {
        struct sv_mime_buf b = {.max = SV_MIME_MAX};

        sv_mime_html2text(html[i].in, strlen(html[i].in), &b);
        EXPECT_STR(html[i].in, b.p ? b.p : "", html[i].want);
        sv_mime_buf_free(&b);
    }
    CHECKED();
}


/* date-time values as Dovecot reads them (checked with sieve-test:
 * date :originalzone "X" "iso8601") */
static void test_date_parse(void **state)
{
    static const struct {
        const char *in, *want;      /* want NULL: not a date */
    } cases[] = {
        {"Wed, 8 Jan 2025 23:34:56 -0500 (EST)", "2025-01-08T23:34:56-05:00"},
        {"8 Jan 25 23:34 GMT", "2025-01-08T23:34:00Z"},
        {"Tue, 31 Dec 2024 23:59:60 +0130", "2024-12-31T23:59:59+01:30"},
        {"Mon, 01 Jan 2024 10:00:00 -0000", "2024-01-01T10:00:00Z"},
        {"garbage", NULL},
        {"1 Feb 1999 01:02:03 EDT", "1999-02-01T01:02:03-04:00"},
        {"Sat, 1 Mar 2025 12:00:00 Z", "2025-03-01T12:00:00Z"},
        {"from x by y; Thu, 9 Jan 2025 01:02:03 +0100",
         "2025-01-09T01:02:03+01:00"},
        {"Wed, 8 Jan 2025 23:34:56", "2025-01-08T23:34:56Z"},
        {"Wed 8 Jan 2025 23:34:56 +0000", NULL},
        {"8 January 2025 23:34:56 +0000", "2025-01-08T23:34:56Z"},
        {"8 Jan 2025 23:34:56 +0000 trailing", "2025-01-08T23:34:56Z"},
        {"1 Mar 69 12:00:00 +0000", "2069-03-01T12:00:00Z"},
        {"1 Mar 70 12:00:00 +0000", "1970-03-01T12:00:00Z"},
        {"1 Mar 00 12:00:00 +0000", "2000-03-01T12:00:00Z"},
        {"1 Mar 101 12:00:00 +0000", NULL},
        {"1 Mar 1960 12:00:00 +0000", "1960-03-01T12:00:00Z"},
        {"1 Mar 2200 12:00:00 +0000", "2200-03-01T12:00:00Z"},
        {"  1   Mar  2001  1:2:3   +0000", NULL},
        {"1 mar 2001 12:00:00 pst", "2001-03-01T12:00:00Z"},
        {"1 Mar 2001 12:00:00 A", "2001-03-01T12:00:00+01:00"},
        {"1 Mar 2001 12:00:00 M", "2001-03-01T12:00:00+12:00"},
        {"1 Mar 2001 12:00:00 N", "2001-03-01T12:00:00-01:00"},
        {"1 Mar 2001 12:00:00 Y", "2001-03-01T12:00:00-12:00"},
        {"1 Mar 2001 12:00:00 J", "2001-03-01T12:00:00Z"},
        {"1 Mar 2001 12:00:00 XYZ", "2001-03-01T12:00:00Z"},
        {"1 Mar 2001 12:00:00 +01", "2001-03-01T12:00:00Z"},
        {"1 Mar 2001 12:00:00 0100", "2001-03-01T12:00:00Z"},
        {"1 Mar 2001 12:00:00 +0160", "2001-03-01T12:00:00+02:00"},
        {"1 Mar 2001 12:00:00 +9900", "2001-03-01T12:00:00+99:00"},
        {"Xyz, 1 Mar 2001 12:00:00 +0000", "2001-03-01T12:00:00Z"},
        {"Fri,1 Mar 2001 12:00:00 +0000", "2001-03-01T12:00:00Z"},
        {"1 Mar 2001 12:00 +0000", "2001-03-01T12:00:00Z"},
        {"1 Mar 2001", NULL},
        {"100 Mar 2001 12:00:00 +0000", NULL},
        {"0 Mar 2001 12:00:00 +0000", NULL},
        {"31 Feb 2001 12:00:00 +0000", NULL},
        {"29 Feb 2001 12:00:00 +0000", NULL},
        {"29 Feb 2000 12:00:00 +0000", "2000-02-29T12:00:00Z"},
        {"1 Mar 2001 25:00:00 +0000", NULL},
        {"1 Mar 2001 12:60:00 +0000", NULL},
        {"1 Mar 2001 12:00:61 +0000", NULL},
        {"1 Mar 2001 12:00:00 (comment) +0000", "2001-03-01T12:00:00Z"},
        {"1 Mar 1969 23:59:59 -0100", "1969-03-01T23:59:59-01:00"},
        {"", NULL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sv_date d;
        char out[64] = "(none)";
        int rc = sv_date_parse(cases[i].in, strlen(cases[i].in), &d);

        if (rc == 0)
            sv_date_part(d.t, d.zone, "iso8601", out, sizeof(out));
        EXPECT_STR(cases[i].in, out, cases[i].want ? cases[i].want
                   : "(none)");
    }
    CHECKED();
}

/* every date part of one instant, in the zone written and two others */
static void test_date_parts(void **state)
{
    static const struct {
        const char *zone, *part, *want;
    } cases[] = {
        /* Wed, 8 Jan 2025 23:34:56 -0500 */
        {"-0500", "year", "2025"}, {"-0500", "month", "01"},
        {"-0500", "day", "08"}, {"-0500", "date", "2025-01-08"},
        {"-0500", "julian", "60683"}, {"-0500", "hour", "23"},
        {"-0500", "minute", "34"}, {"-0500", "second", "56"},
        {"-0500", "time", "23:34:56"},
        {"-0500", "iso8601", "2025-01-08T23:34:56-05:00"},
        {"-0500", "std11", "Wed, 08 Jan 2025 23:34:56 -0500"},
        {"-0500", "zone", "-0500"}, {"-0500", "weekday", "3"},
        {"-0500", "WeekDay", "3"}, {"-0500", "century", NULL},
        {"+0000", "date", "2025-01-09"}, {"+0000", "time", "04:34:56"},
        {"+0000", "iso8601", "2025-01-09T04:34:56Z"},
        {"+0000", "std11", "Thu, 09 Jan 2025 04:34:56 +0000"},
        {"+0000", "zone", "+0000"}, {"+0000", "weekday", "4"},
        {"+0000", "julian", "60684"},
        {"+0100", "time", "05:34:56"},
        {"+0100", "iso8601", "2025-01-09T05:34:56+01:00"},
        {"+0100", "std11", "Thu, 09 Jan 2025 05:34:56 +0100"},
        {"+0530", "iso8601", "2025-01-09T10:04:56+05:30"},
        {"-1200", "date", "2025-01-08"}, {"-1200", "hour", "16"},
    };
    struct sv_date d;
    const char *v = "Wed, 8 Jan 2025 23:34:56 -0500";
    size_t i;

    (void)state;
    assert_int_equal(sv_date_parse(v, strlen(v), &d), 0);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[64] = "(unknown)", name[64];
        int zone;

        snprintf(name, sizeof(name), "%s %s", cases[i].zone, cases[i].part);
        EXPECT_INT(name, sv_date_zone(cases[i].zone, &zone), 0);
        sv_date_part(d.t, zone, cases[i].part, out, sizeof(out));
        EXPECT_STR(name, out, cases[i].want ? cases[i].want : "(unknown)");
    }
    /* zones: only [+-]hhmm */
    {
        int z = 0;
        EXPECT_INT("zone +0100", sv_date_zone("+0100", &z), 0);
        EXPECT_INT("zone +0100 value", z, 60);
        EXPECT_INT("zone -0930", sv_date_zone("-0930", &z), 0);
        EXPECT_INT("zone -0930 value", z, -570);
        EXPECT_INT("zone 0100", sv_date_zone("0100", &z), -1);
        EXPECT_INT("zone +01", sv_date_zone("+01", &z), -1);
        EXPECT_INT("zone +01000", sv_date_zone("+01000", &z), -1);
        EXPECT_INT("zone GMT", sv_date_zone("GMT", &z), -1);
    }
    /* before the epoch, a leap day, the weekday on both sides */
    {
        char out[64];
        sv_date_part(-1, 0, "std11", out, sizeof(out));
        EXPECT_STR("epoch-1", out, "Wed, 31 Dec 1969 23:59:59 +0000");
        sv_date_part(-1, 0, "julian", out, sizeof(out));
        EXPECT_STR("epoch-1 julian", out, "40586");
        sv_date_part(951782400, 0, "date", out, sizeof(out));
        EXPECT_STR("leap day", out, "2000-02-29");
    }
    CHECKED();
}


/* ---- spamtest: the header fields of one message, looked up by name ---- */

static int hdr_lookup(void *arg, const char *name, char *buf, size_t cap)
{
    const char *h = arg;        /* "Name: value" */
    size_t n = strlen(name);

    if (strncasecmp(h, name, n) != 0 || h[n] != ':')
        return 0;
    for (h += n + 1; *h == ' '; h++)
        ;
    snprintf(buf, cap, "%s", h);
    return 1;
}

enum { SCORE, STATUS, RSPAMD, STRLEN, TEXT, VIRUS, MAXBOTH, MAXNONE, BADTYPE,
       MAXZERO };

static void spam_conf(int kind, struct sv_spam_conf *c, const char **text)
{
    int i;

    for (i = 0; i <= 10; i++)
        text[i] = "";
    memset(c, 0, sizeof(*c));
    c->status_type = "score";
    c->status_header = "X-Spam-Score";
    c->max_header = "";
    c->max_value = "10";
    c->text_value = text;
    switch (kind) {
    case STATUS:
        c->status_header = "X-Spam-Status: score=(-?[0-9]+\\.[0-9]+)";
        c->max_header = "X-Spam-Status:required=([0-9]+\\.[0-9]+)";
        c->max_value = "";
        break;
    case RSPAMD:
        c->status_header = "X-Spamd-Result: \\[(-?[0-9.]+) /";
        c->max_header = "X-Spamd-Result : / ([0-9.]+)\\]";
        c->max_value = "";
        break;
    case STRLEN:
        c->status_type = "strlen";
        c->status_header = "X-Spam-Level";
        break;
    case TEXT:
        c->status_type = "text";
        c->status_header = "X-Spam";
        c->max_value = "";
        text[1] = "No";
        text[10] = "Yes";
        break;
    case VIRUS:
        c->status_type = "text";
        c->status_header = "X-Virus-Scan: Found to be (.+)\\.";
        c->max_value = "";
        text[1] = "clean";
        text[5] = "infected";
        text[10] = "never";     /* beyond virustest's 5 */
        break;
    case MAXBOTH:
        c->max_header = "X-Max";
        break;
    case MAXNONE:
        c->max_value = "";
        break;
    case BADTYPE:
        c->status_type = "stars";
        break;
    case MAXZERO:
        c->max_value = "0";
        break;
    }
}

/* values checked with sieve-test: spamtest, spamtest :percent */
static void test_spamtest(void **state)
{
    static const struct {
        int kind;
        const char *header, *want, *want_percent;
    } cases[] = {
        {SCORE, "X-Spam-Score: 7.3", "7", "73"},
        {SCORE, "X-Spam-Score: -2", "1", "0"},
        {SCORE, "X-Spam-Score: 15", "10", "100"},
        {SCORE, "X-Spam-Score: abc", "0", "0"},
        {SCORE, "X-Spam-Score: 0", "1", "0"},
        {SCORE, "X-Other: 1", "0", "0"},
        {SCORE, "X-Spam-Score: 5,55", "5", "55"},
        {SCORE, "X-Spam-Score: 123456", "0", "0"},
        {SCORE, "X-Spam-Score: 9.99", "9", "99"},
        {SCORE, "X-Spam-Score: 0.05", "1", "0"},
        {SCORE, "X-Spam-Score: +1.000001", "0", "0"},
        {STATUS, "X-Spam-Status: Yes, score=7.3 required=5.0", "10", "100"},
        {STATUS, "X-Spam-Status: No, score=2.4 required=5.0", "5", "48"},
        {STATUS, "X-Spam-Status: No, score=-0.1 required=5.0", "1", "0"},
        {STATUS, "X-Spam-Status: No", "0", "0"},
        {RSPAMD, "X-Spamd-Result: default: True [7.50 / 15.00]", "5", "50"},
        {RSPAMD, "X-Spamd-Result: default: False [1.20 / 15.00]", "1", "8"},
        {STRLEN, "X-Spam-Level: *******", "7", "70"},
        {STRLEN, "X-Spam-Level: ", "1", "0"},
        {STRLEN, "X-Spam-Level: **x", "0", "0"},
        {STRLEN, "X-Spam-Level: ********************", "10", "100"},
        {TEXT, "X-Spam: Yes", "10", "100"},
        {TEXT, "X-Spam: No", "1", "10"},
        {TEXT, "X-Spam: Maybe", "0", "0"},
        {TEXT, "X-Spam: yes", "0", "0"},
        {MAXBOTH, "X-Spam-Score: 7.3", "0", "0"},
        {MAXNONE, "X-Spam-Score: 7.3", "0", "0"},
        {BADTYPE, "X-Spam-Score: 7.3", "0", "0"},
        {MAXZERO, "X-Spam-Score: 7.3", "0", "0"},
    };
    static const struct {
        const char *header, *want;
    } virus[] = {
        {"X-Virus-Scan: Found to be clean.", "1"},
        {"X-Virus-Scan: Found to be infected.", "5"},
        {"X-Virus-Scan: Found to be weird.", "0"},
        {"X-Virus-Scan: Found to be never.", "0"},
        {"X-Virus-Scan: Not scanned", "0"},
        {"X-Spam: Yes", "0"},
    };
    const char *text[11];
    struct sv_spam_conf c;
    char out[16], name[128];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        spam_conf(cases[i].kind, &c, text);
        snprintf(name, sizeof(name), "%d %s", cases[i].kind,
                 cases[i].header);
        EXPECT_INT(name, sv_spamtest_value(&c, 0, 0, hdr_lookup,
                   (void *)cases[i].header, out, sizeof(out)), 0);
        EXPECT_STR(name, out, cases[i].want);
        sv_spamtest_value(&c, 0, 1, hdr_lookup, (void *)cases[i].header,
                          out, sizeof(out));
        EXPECT_STR(name, out, cases[i].want_percent);
    }
    for (i = 0; i < sizeof(virus) / sizeof(virus[0]); i++) {
        spam_conf(VIRUS, &c, text);
        sv_spamtest_value(&c, 1, 0, hdr_lookup, (void *)virus[i].header,
                          out, sizeof(out));
        EXPECT_STR(virus[i].header, out, virus[i].want);
    }
    /* not configured at all */
    spam_conf(SCORE, &c, text);
    c.status_header = "";
    sv_spamtest_value(&c, 0, 0, hdr_lookup, (void *)"X-Spam-Score: 7.3",
                      out, sizeof(out));
    EXPECT_STR("no header setting", out, "0");
    CHECKED();
}

/* ---- whole scripts: the folder a script files into ---- */

static const char SCRIPT_MSG[] =
    "Return-Path: <a@b>\n"
    "Delivered-To: c@d\n"
    "From: a@b\n"
    "To: c@d\n"
    "Date: Wed, 8 Jan 2025 23:34:56 -0500 (EST)\n"
    "X-Date: Sat, 1 Mar 2025 12:00:00 +0200\n"
    "X-Date: Sun, 2 Mar 2025 12:00:00 +0200\n"
    "X-Bad-Date: yesterday\n"
    "Received: from x by y; Thu, 9 Jan 2025 01:02:03 +0100\n"
    "X-Spam-Score: 7.3\n"
    "X-Virus-Scan: Found to be infected.\n"
    "Subject: x\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/alternative; boundary=\"XX\"\n"
    "\n"
    "preamble text\n"
    "--XX\n"
    "Content-Type: text/plain; charset=iso-8859-1\n"
    "Content-Transfer-Encoding: quoted-printable\n"
    "\n"
    "caf=E9 plain=\n"
    " joined\n"
    "--XX\n"
    "Content-Type: text/html\n"
    "\n"
    "<html><head><style>styl</style></head><body><p>Hel<b>lo</b> &amp; "
    "bye</p></body></html>\n"
    "--XX--\n"
    "epilogue text\n";

/* script_folder - run script over SCRIPT_MSG: the first action's folder
 * ("keep" for the implicit keep), or "error: TEXT" */
static void script_folder(const char *script, char *out, size_t cap)
{
    static const char *const requires =
        "require [\"body\", \"date\", \"fileinto\", \"variables\", "
        "\"relational\", \"comparator-i;ascii-numeric\", \"spamtestplus\", "
        "\"virustest\", \"regex\"];\n";
    struct sieve_conf conf;
    struct sieve_script *s = NULL;
    struct sieve_error err;
    struct sieve_env env;
    struct sieve_result res;
    struct mem m = {SCRIPT_MSG, strlen(SCRIPT_MSG), 0};
    char text[4096];

    sieve_conf_defaults(&conf);
    snprintf(conf.spam_status_type, sizeof(conf.spam_status_type), "score");
    snprintf(conf.spam_status_header, sizeof(conf.spam_status_header),
             "X-Spam-Score");
    snprintf(conf.spam_max_value, sizeof(conf.spam_max_value), "10");
    snprintf(conf.virus_status_type, sizeof(conf.virus_status_type), "text");
    snprintf(conf.virus_status_header, sizeof(conf.virus_status_header),
             "X-Virus-Scan: Found to be (.+)\\.");
    snprintf(conf.virus_text_value[1], sizeof(conf.virus_text_value[1]),
             "clean");
    snprintf(conf.virus_text_value[5], sizeof(conf.virus_text_value[5]),
             "infected");
    snprintf(text, sizeof(text), "%s%s", requires, script);
    memset(&err, 0, sizeof(err));
    if (sieve_parse_text(&conf, "t", text, strlen(text), &s, &err) != 0) {
        snprintf(out, cap, "parse: %d:%d: %s", err.line, err.col, err.text);
        return;
    }
    memset(&env, 0, sizeof(env));
    env.from = "a@b";
    env.to = "c@d";
    env.user = "c";
    env.default_folder = "INBOX";
    env.now = 1700000000;       /* Tue, 14 Nov 2023 22:13:20 +0000 */
    env.size = m.len;
    env.pread = mem_pread;
    env.arg = &m;
    memset(&res, 0, sizeof(res));
    if (sieve_execute(&conf, &s, 1, &env, &res, &err) != 0)
        snprintf(out, cap, "error: %s", err.text);
    else if (res.n > 0 && res.act[0].type == SIEVE_KEEP)
        snprintf(out, cap, "%s", res.act[0].implicit ? "keep"
                 : res.act[0].folder);
    else
        snprintf(out, cap, "other");
    sieve_result_free(&res);
    sieve_script_free(s);
}

/* the results sieve-test gives for the same scripts and message (its
 * local zone UTC, as this test sets TZ) */
static void test_scripts(void **state)
{
    static const struct {
        const char *script, *want;
    } cases[] = {
        /* body */
        {"if body :text :contains \"caf\xc3\xa9 plain joined\" "
         "{ fileinto \"Y\"; }", "Y"},
        {"if body :contains \"caf\xc3\xa9\" { fileinto \"Y\"; }", "Y"},
        {"if body :text :contains \"Hello\" { fileinto \"Y\"; }", "keep"},
        {"if body :text :matches \"Hel lo  & bye \" { fileinto \"Y\"; }",
         "Y"},
        {"if body :text :contains \"<b>\" { fileinto \"Y\"; }", "keep"},
        {"if body :text :contains \"preamble\" { fileinto \"Y\"; }", "keep"},
        {"if body :content \"text\" :contains \"<b>\" { fileinto \"Y\"; }",
         "Y"},
        {"if body :content \"multipart\" :is \"preamble text\" "
         "{ fileinto \"Y\"; }", "Y"},
        {"if body :content \"multipart\" :contains \"--XX\" "
         "{ fileinto \"Y\"; }", "keep"},
        {"if body :raw :contains \"caf=E9\" { fileinto \"Y\"; }", "Y"},
        {"if body :raw :contains \"Subject\" { fileinto \"Y\"; }", "keep"},
        {"if body :content \"text/plain\" :is \"caf\xc3\xa9 plain joined\" "
         "{ fileinto \"Y\"; }", "Y"},
        {"if body :content [\"image\", \"text/plain\"] :matches \"*plain*\" "
         "{ fileinto \"A${1}B\"; }", "AB"},
        /* the body test sets no match variables: the last ones stay */
        {"if header :matches \"subject\" \"*\" {}\n"
         "if body :text :regex \"H(e)l\" { fileinto \"A${1}${0}B\"; }",
         "AxxB"},
        /* date */
        {"if date :originalzone :matches \"date\" \"iso8601\" \"*\" "
         "{ fileinto \"${0}\"; }", "2025-01-08T23:34:56-05:00"},
        {"if date :matches \"date\" \"std11\" \"*\" { fileinto \"${0}\"; }",
         "Thu, 09 Jan 2025 04:34:56 +0000"},
        {"if date :zone \"+0100\" :matches \"date\" \"time\" \"*\" "
         "{ fileinto \"${0}\"; }", "05:34:56"},
        {"if date :value \"ge\" :comparator \"i;ascii-numeric\" \"date\" "
         "\"year\" \"2024\" { fileinto \"ge\"; }", "ge"},
        {"if date :value \"lt\" :comparator \"i;ascii-numeric\" \"date\" "
         "\"year\" \"2024\" { fileinto \"lt\"; }", "keep"},
        {"if date :originalzone :is \"x-date\" \"day\" \"02\" "
         "{ fileinto \"second\"; }", "keep"},
        {"if date :originalzone :is \"x-date\" \"day\" \"01\" "
         "{ fileinto \"first\"; }", "first"},
        {"if date :count \"eq\" :comparator \"i;ascii-numeric\" \"x-date\" "
         "\"day\" \"1\" { fileinto \"one\"; }", "one"},
        {"if date :matches \"x-bad-date\" \"date\" \"*\" { fileinto \"Y\"; }",
         "keep"},
        {"if date :matches \"x-none\" \"date\" \"*\" { fileinto \"Y\"; }",
         "keep"},
        {"if date :originalzone :matches \"received\" \"zone\" \"*\" "
         "{ fileinto \"${0}\"; }", "+0100"},
        {"if currentdate :matches \"iso8601\" \"*\" { fileinto \"${0}\"; }",
         "2023-11-14T22:13:20Z"},
        {"if currentdate :zone \"+0200\" :matches \"std11\" \"*\" "
         "{ fileinto \"${0}\"; }", "Wed, 15 Nov 2023 00:13:20 +0200"},
        {"if currentdate :value \"eq\" :comparator \"i;ascii-numeric\" "
         "\"weekday\" \"2\" { fileinto \"tuesday\"; }", "tuesday"},
        {"set \"p\" \"JULIAN\"; if currentdate :matches \"${p}\" \"*\" "
         "{ fileinto \"${0}\"; }", "60262"},
        /* spamtest, virustest */
        {"if spamtest :value \"ge\" :comparator \"i;ascii-numeric\" \"7\" "
         "{ fileinto \"spam\"; }", "spam"},
        {"if spamtest :value \"ge\" :comparator \"i;ascii-numeric\" \"8\" "
         "{ fileinto \"spam\"; }", "keep"},
        {"if spamtest :percent :matches \"*\" { fileinto \"${0}\"; }", "73"},
        {"if virustest :value \"eq\" :comparator \"i;ascii-numeric\" \"5\" "
         "{ fileinto \"virus\"; }", "virus"},
    };
    char got[1100];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        script_folder(cases[i].script, got, sizeof(got));
        EXPECT_STR(cases[i].script, got, cases[i].want);
    }
    CHECKED();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_body),
        cmocka_unit_test(test_body_large),
        cmocka_unit_test(test_charset_html),
        cmocka_unit_test(test_date_parse),
        cmocka_unit_test(test_date_parts),
        cmocka_unit_test(test_spamtest),
        cmocka_unit_test(test_scripts),
    };

    setenv("TZ", "UTC", 1);     /* date parts without :zone: local */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
