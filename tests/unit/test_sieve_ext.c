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

#include <cmocka.h>

#include "expect.h"

#include "../../sieve/date.h"
#include "../../sieve/mime.h"
//S

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
        {"nested message header", NESTED, SV_MIME_CONTENT, msg, 1,
         "Subject: inside\nContent-Type: text/plain; charset=windows-1252\n",
         1},
        {"nested application", NESTED, SV_MIME_CONTENT, app, 1,
         "\x01\x02", 1},     /* the NUL first: shown from the 2nd byte */
        {"nested all", NESTED, SV_MIME_CONTENT, all, 1,
         "\xc3\xa9l\xc3\xa8ve|rich|Subject: inside\nContent-Type: text/plain;"
         " charset=windows-1252\n|\xe2\x80\x9cquoted\xe2\x80\x9d|\x01\x02|"
         "no header, text/plain", 6},
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
        {"a\xff", "us-ascii", "a\xff"},
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_body),
        cmocka_unit_test(test_body_large),
        cmocka_unit_test(test_charset_html),
        cmocka_unit_test(test_date_parse),
        cmocka_unit_test(test_date_parts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
