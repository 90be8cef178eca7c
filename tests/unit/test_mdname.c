/*
 * test_mdname.c - Maildir names: the escaped host name, the unique base
 * and the final name with ,S= and ,W=, and the Maildir++ folder names
 * that may (and may not) be made from a stranger's address extension.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "expect.h"

#include "../../store/mdname.h"

/* label - a printable name for a case whose input may hold controls */
static const char *label(char *buf, size_t cap, const char *fn,
                         const char *in, size_t ocap)
{
    size_t o, len = strlen(in);

    o = (size_t)snprintf(buf, cap, "%s(\"", fn);
    if (len > 24) {
        snprintf(buf + o, cap - o, "%.12s...\" (%zu bytes), %zu)", in, len,
                 ocap);
        return buf;
    }
    for (; *in && o + 16 < cap; in++) {
        if ((unsigned char)*in < ' ' || (unsigned char)*in >= 0x7f)
            o += (size_t)snprintf(buf + o, cap - o, "\\x%02x",
                                  (unsigned char)*in);
        else
            buf[o++] = *in;
    }
    snprintf(buf + o, cap - o, "\", %zu)", ocap);
    return buf;
}

/* check_guard - nothing written at or past cap */
static void check_guard(const char *name, const char *out, size_t cap,
                        size_t size)
{
    size_t i;

    for (i = cap; i < size; i++)
        if (out[i] != '#') {
            print_error("%s: byte %zu written, past cap %zu\n", name, i,
                        cap);
            failed++;
            return;
        }
}

static void test_host(void **state)
{
    static const struct {
        const char *in;
        size_t cap;                 /* 0: the whole buffer */
        int want_rc;
        const char *want;
    } cases[] = {
        {.in = "mx1.example.com", .want_rc = 0, .want = "mx1.example.com"},
        {.in = "a/b", .want_rc = 0, .want = "a\\057b"},
        {.in = "a:b", .want_rc = 0, .want = "a\\072b"},
        {.in = "/:", .want_rc = 0, .want = "\\057\\072"},
        {.in = "a b\tc\n", .want_rc = 0, .want = "abc"},
        {.in = "a\x01" "b", .want_rc = 0, .want = "ab"},
        {.in = "a\x7f" "b", .want_rc = 0, .want = "ab"},
        {.in = "h\xc3\xa9", .want_rc = 0, .want = "h\xc3\xa9"},
        {.in = "", .want_rc = 0, .want = "localhost"},
        {.in = " \t\n", .want_rc = 0, .want = "localhost"},
        {.in = "abc", .cap = 4, .want_rc = 0, .want = "abc"},
        {.in = "abc", .cap = 3, .want_rc = -1},
        {.in = "a/", .cap = 6, .want_rc = 0, .want = "a\\057"},
        {.in = "a/", .cap = 5, .want_rc = -1},
        {.in = "", .cap = 10, .want_rc = 0, .want = "localhost"},
        {.in = "", .cap = 9, .want_rc = -1},
    };
    size_t i, cap;
    char out[64], name[100];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc;

        cap = cases[i].cap ? cases[i].cap : sizeof(out);
        label(name, sizeof(name), "mdname_host", cases[i].in, cap);
        memset(out, '#', sizeof(out));
        rc = mdname_host(cases[i].in, out, cap);
        EXPECT_INT(name, rc, cases[i].want_rc);
        if (rc == 0 && cases[i].want_rc == 0)
            EXPECT_STR(name, out, cases[i].want);
        check_guard(name, out, cap, sizeof(out));
    }
    CHECKED();
}

static void test_base_final(void **state)
{
    static const struct {
        long sec, usec, pid;
        const char *host;
        uint64_t size, crlf;
        size_t cap;                 /* 0: the whole buffer */
        int want_rc;
        const char *want_base;
        const char *want_final;
    } cases[] = {
        {.sec = 1700000000, .usec = 5, .pid = 1234, .host = "mx",
         .size = 123, .crlf = 130, .want_rc = 0,
         .want_base = "1700000000.M000005P1234.mx",
         .want_final = "1700000000.M000005P1234.mx,S=123,W=130"},
        {.sec = 0, .usec = 999999, .pid = 1, .host = "a\\057b",
         .size = 0, .crlf = 0, .want_rc = 0,
         .want_base = "0.M999999P1.a\\057b",
         .want_final = "0.M999999P1.a\\057b,S=0,W=0"},
        {.sec = 1, .usec = 0, .pid = 99999, .host = "h",
         .size = UINT64_MAX, .crlf = UINT64_MAX, .want_rc = 0,
         .want_base = "1.M000000P99999.h",
         .want_final = "1.M000000P99999.h,S=18446744073709551615,"
         "W=18446744073709551615"},
        /* "1.M000000P2.h" is 13 bytes: 14 fit, 13 do not */
        {.sec = 1, .usec = 0, .pid = 2, .host = "h", .cap = 14,
         .want_rc = 0, .want_base = "1.M000000P2.h"},
        {.sec = 1, .usec = 0, .pid = 2, .host = "h", .cap = 13,
         .want_rc = -1},
    };
    size_t i, cap;
    char base[128], final[128], name[100];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc;

        cap = cases[i].cap ? cases[i].cap : sizeof(base);
        snprintf(name, sizeof(name), "mdname_base case %zu cap %zu", i, cap);
        memset(base, '#', sizeof(base));
        rc = mdname_base(base, cap, cases[i].sec, cases[i].usec,
                         cases[i].pid, cases[i].host);
        EXPECT_INT(name, rc, cases[i].want_rc);
        check_guard(name, base, cap, sizeof(base));
        if (rc < 0 || cases[i].want_rc < 0)
            continue;
        EXPECT_STR(name, base, cases[i].want_base);
        if (cases[i].want_final == NULL)
            continue;
        snprintf(name, sizeof(name), "mdname_final case %zu", i);
        rc = mdname_final(final, sizeof(final), base, cases[i].size,
                          cases[i].crlf);
        EXPECT_INT(name, rc, 0);
        if (rc == 0)
            EXPECT_STR(name, final, cases[i].want_final);
        /* one byte short of the name and its NUL */
        memset(final, '#', sizeof(final));
        cap = strlen(cases[i].want_final);
        EXPECT_INT(name, mdname_final(final, cap, base, cases[i].size,
                                      cases[i].crlf), -1);
        check_guard(name, final, cap, sizeof(final));
    }
    CHECKED();
}

static char name254[255], want254[256], name255[256], amp254[255],
    amp210[211], want_amp210[230];

static void test_folder(void **state)
{
    static const struct {
        const char *in;
        size_t cap;                 /* 0: the whole buffer */
        int want_rc;
        const char *want;
    } cases[] = {
        {.in = "news", .want_rc = 0, .want = ".news"},
        {.in = "Lists", .want_rc = 0, .want = ".Lists"},
        {.in = "a.b", .want_rc = 0, .want = ".a.b"},
        {.in = "a&b", .want_rc = 0, .want = ".a&-b"},
        {.in = "&", .want_rc = 0, .want = ".&-"},
        {.in = "a b", .want_rc = 0, .want = ".a b"},
        {.in = "inbox2", .want_rc = 0, .want = ".inbox2"},
        {.in = "INBOX.sub", .want_rc = 0, .want = ".INBOX.sub"},
        /* ".name" must fit a directory name (NAME_MAX 255) */
        {.in = name254, .want_rc = 0, .want = want254},
        {.in = amp210, .want_rc = 0, .want = want_amp210},
        {.in = "", .want_rc = -1},
        {.in = "INBOX", .want_rc = -1},
        {.in = "inbox", .want_rc = -1},
        {.in = "InBox", .want_rc = -1},
        {.in = ".hidden", .want_rc = -1},
        {.in = ".", .want_rc = -1},
        {.in = "..", .want_rc = -1},
        {.in = "a..b", .want_rc = -1},
        {.in = "a/b", .want_rc = -1},
        {.in = "/", .want_rc = -1},
        {.in = "a.", .want_rc = -1},
        {.in = "a\x01" "b", .want_rc = -1},
        {.in = "a\tb", .want_rc = -1},
        {.in = "a\nb", .want_rc = -1},
        {.in = "a\x7f", .want_rc = -1},
        {.in = "caf\xc3\xa9", .want_rc = -1},
        {.in = "\x80", .want_rc = -1},
        {.in = name255, .want_rc = -1},
        {.in = amp254, .want_rc = -1},      /* 265 bytes once escaped */
        /* the buffer: ".news" and its NUL take 6 bytes */
        {.in = "news", .cap = 6, .want_rc = 0, .want = ".news"},
        {.in = "news", .cap = 5, .want_rc = -1},
        {.in = "a&b", .cap = 6, .want_rc = 0, .want = ".a&-b"},
        {.in = "a&b", .cap = 5, .want_rc = -1},
        {.in = "x", .cap = 1, .want_rc = -1},
    };
    size_t i, cap;
    char out[600], name[120];

    (void)state;
    memset(name254, 'f', 254);
    want254[0] = '.';
    memset(want254 + 1, 'f', 254);
    memset(name255, 'f', 255);
    memset(amp254, 'f', 244);
    memset(amp254 + 244, '&', 10);
    memset(amp210, 'f', 200);
    memset(amp210 + 200, '&', 10);
    want_amp210[0] = '.';
    memset(want_amp210 + 1, 'f', 200);
    for (i = 0; i < 10; i++)
        memcpy(want_amp210 + 201 + 2 * i, "&-", 2);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc;

        cap = cases[i].cap ? cases[i].cap : sizeof(out);
        label(name, sizeof(name), "mdname_folder", cases[i].in, cap);
        memset(out, '#', sizeof(out));
        rc = mdname_folder(cases[i].in, out, cap);
        EXPECT_INT(name, rc, cases[i].want_rc);
        if (rc == 0 && cases[i].want_rc == 0)
            EXPECT_STR(name, out, cases[i].want);
        check_guard(name, out, cap, sizeof(out));
    }
    CHECKED();
}

/* IMAP names (Sieve's fileinto): UTF-8 in modified UTF-7, "/" as "." */
static void test_imap_folder(void **state)
{
    static const struct {
        const char *in;
        int want_rc;
        const char *want;
    } cases[] = {
        {"Junk", 0, ".Junk"},
        {"Lists/dev", 0, ".Lists.dev"},
        {"Lists.dev", 0, ".Lists.dev"},
        {"Archiv/Entw\xc3\xbcrfe", 0, ".Archiv.Entw&APw-rfe"},
        {"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 0, ".&ZeVnLIqe-"},
        {"\xf0\x9f\x98\x80x", 0, ".&2D3eAA-x"},      /* a surrogate pair */
        {"a&b", 0, ".a&-b"},
        {"\xc3\xa9&", 0, ".&AOk-&-"},
        {"INBOX", -1, NULL},
        {"", -1, NULL},
        {"/a", -1, NULL},
        {"a/", -1, NULL},
        {"a//b", -1, NULL},
        {"../x", -1, NULL},
        {"a\tb", -1, NULL},
        {"\xc3", -1, NULL},                            /* cut short */
        {"\xc0\xaf", -1, NULL},                       /* overlong */
        {"\xed\xa0\x80", -1, NULL},                  /* a surrogate */
    };
    char out[300], name[200];
    size_t i;
    int rc;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(name, sizeof(name), "mdname_imap_folder case %zu", i);
        rc = mdname_imap_folder(cases[i].in, out, sizeof(out));
        EXPECT_INT(name, rc, cases[i].want_rc);
        if (rc == 0 && cases[i].want_rc == 0)
            EXPECT_STR(name, out, cases[i].want);
    }
    CHECKED();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host),
        cmocka_unit_test(test_base_final),
        cmocka_unit_test(test_folder),
        cmocka_unit_test(test_imap_folder),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
