/*
 * test_rfc2047.c - header text to UTF-8: Q and B encoded words in
 * several charsets, the blanks between words, what stays literal, bad
 * bytes, controls and folding, cuts at character boundaries; then
 * utf8_clean() alone and hostile input that must still give valid UTF-8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "expect.h"

#include "../../event/rfc2047.h"

#define FFFD "\xef\xbf\xbd"

/* is_utf8 - whether s is valid UTF-8 (utf8_clean leaves it unchanged) */
static int is_utf8(const char *s)
{
    static char copy[70000];
    size_t len = strlen(s);

    return utf8_clean(s, len, copy, sizeof(copy)) == len
        && memcmp(copy, s, len) == 0;
}

static void test_decode(void **state)
{
    static const struct {
        const char *in;
        size_t cap;                 /* 0: 512 */
        const char *want;
    } cases[] = {
        /* Q and B, charsets named in any case */
        {.in = "=?ISO-8859-1?Q?Gr=FC=DFe?=", .want = "Gr\xc3\xbc\xc3\x9f" "e"},
        {.in = "=?iso-8859-1?q?Gr=fc=dfe?=", .want = "Gr\xc3\xbc\xc3\x9f" "e"},
        {.in = "=?utf-8?B?R3LDvMOfZQ==?=", .want = "Gr\xc3\xbc\xc3\x9f" "e"},
        {.in = "=?UTF-8?b?R3LDvMOfZQ?=", .want = "Gr\xc3\xbc\xc3\x9f" "e"},
        {.in = "=?utf-8?q?caf=C3=A9?=", .want = "caf\xc3\xa9"},
        {.in = "=?us-ascii?q?a_b=5F?=", .want = "a b_"},
        {.in = "=?windows-1252?Q?=93hi=94_=80?=",
         .want = "\xe2\x80\x9chi\xe2\x80\x9d \xe2\x82\xac"},
        {.in = "=?ISO-2022-JP?B?GyRCJEgbKEI=?=", .want = "\xe3\x81\xa8"},
        {.in = "=?utf-8*de?q?Gr=C3=BC=C3=9Fe?=",
         .want = "Gr\xc3\xbc\xc3\x9f" "e"},
        {.in = "=?utf-8?q?" "?=", .want = ""},
        /* RFC 2047 6.2: blanks between adjacent words go */
        {.in = "=?utf-8?q?a?= =?utf-8?q?b?=", .want = "ab"},
        {.in = "=?utf-8?q?a?=\r\n\t =?utf-8?q?b?=", .want = "ab"},
        {.in = "=?iso-8859-1?q?=E9?= =?utf-8?q?=C3=A9?=",
         .want = "\xc3\xa9\xc3\xa9"},
        {.in = "=?utf-8?q?a_?= =?utf-8?q?_b?=", .want = "a  b"},
        /* a character split across two words still decodes */
        {.in = "=?utf-8?B?ww==?= =?utf-8?B?qQ==?=", .want = "\xc3\xa9"},
        /* ...but next to plain text the blank stays */
        {.in = "Hello =?utf-8?q?W=C3=B6rld?= !",
         .want = "Hello W\xc3\xb6rld !"},
        {.in = "=?utf-8?q?a?= b =?utf-8?q?c?=", .want = "a b c"},
        {.in = "Re: =?utf-8?q?x?=", .want = "Re: x"},
        {.in = "x=?utf-8?q?y?=z", .want = "xyz"},
        /* not a word: left as written (RFC 2047 6.3) */
        {.in = "=?utf-8?B?R3L*?=", .want = "=?utf-8?B?R3L*?="},
        {.in = "=?utf-8?B?R3LDv?=", .want = "=?utf-8?B?R3LDv?="},
        {.in = "=?utf-8?B?R3==LD?=", .want = "=?utf-8?B?R3==LD?="},
        {.in = "=?utf-8?q?a=ZZ?=", .want = "=?utf-8?q?a=ZZ?="},
        {.in = "=?utf-8?q?a=4?=", .want = "=?utf-8?q?a=4?="},
        {.in = "=?utf-8?x?abc?=", .want = "=?utf-8?x?abc?="},
        {.in = "=?utf-8?q?a b?=", .want = "=?utf-8?q?a b?="},
        {.in = "=?x-no-such-charset?q?a?=", .want = "=?x-no-such-charset?q?a?="},
        {.in = "=?utf-8//TRANSLIT?q?a?=", .want = "=?utf-8//TRANSLIT?q?a?="},
        {.in = "=??q?a?=", .want = "=??q?a?="},
        {.in = "=?utf-8?q?abc", .want = "=?utf-8?q?abc"},
        {.in = "a = b ?= c =?", .want = "a = b ?= c =?"},
        /* the blanks beside a word that is not one stay */
        {.in = "=?utf-8?q?a?= =?x-bogus?q?b?= =?utf-8?q?c?=",
         .want = "a =?x-bogus?q?b?= c"},
        /* bytes that are not UTF-8; decoded NULs; a charset's holes */
        {.in = "caf\xe9", .want = "caf" FFFD},
        {.in = "caf\xc3\xa9", .want = "caf\xc3\xa9"},
        {.in = "\xc0\xaf\xed\xa0\x80", .want = FFFD FFFD FFFD FFFD FFFD},
        {.in = "=?utf-8?q?a=00b?=", .want = "a" FFFD "b"},
        {.in = "=?utf-8?q?=FF=C3?=", .want = FFFD FFFD},
        {.in = "=?windows-1252?q?a=81b?=", .want = "a" FFFD "b"},
        /* controls, folding, trimming */
        {.in = "a\tb", .want = "a b"},
        {.in = "a\r\n b\r\n\tc", .want = "a b c"},
        {.in = "a\x01" "b\x7f" "c \x1b d", .want = "a b c d"},
        {.in = "a  b", .want = "a  b"},
        {.in = "  \t lead and trail \t ", .want = "lead and trail"},
        {.in = "=?utf-8?q?_x=0D=0A_?=", .want = "x"},
        {.in = "", .want = ""},
        {.in = " \r\n ", .want = ""},
        /* cut between characters, never inside one */
        {.in = "Gr\xc3\xbc\xc3\x9f" "e", .cap = 4, .want = "Gr"},
        {.in = "Gr\xc3\xbc\xc3\x9f" "e", .cap = 5, .want = "Gr\xc3\xbc"},
        {.in = "=?utf-8?q?=E2=82=AC=E2=82=AC?=", .cap = 6,
         .want = "\xe2\x82\xac"},
        {.in = "=?utf-8?q?=E2=82=AC=E2=82=AC?=", .cap = 7,
         .want = "\xe2\x82\xac\xe2\x82\xac"},
        {.in = "abc", .cap = 1, .want = ""},
        {.in = "a\xe9", .cap = 4, .want = "a"},
        {.in = "a      b", .cap = 5, .want = "a"},
    };
    char out[512], label[120];
    size_t i, cap, got;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cap = cases[i].cap ? cases[i].cap : sizeof(out);
        snprintf(label, sizeof(label), "case %zu (%s) cap %zu", i,
                 show(cases[i].in), cap);
        memset(out, 'X', sizeof(out));
        got = rfc2047_decode(cases[i].in, out, cap);
        EXPECT_STR(label, out, cases[i].want);
        EXPECT_INT(label, got, strlen(cases[i].want));
        EXPECT_INT(label, out[cap - 1] == 'X' || got == cap - 1, 1);
    }
    /* cap 0: nothing written */
    out[0] = 'X';
    EXPECT_INT("cap 0", rfc2047_decode("abc", out, 0), 0);
    EXPECT_INT("cap 0", out[0], 'X');
    CHECKED();
}

static void test_clean(void **state)
{
    static const struct {
        const char *in;
        size_t len;                 /* 0: strlen(in) */
        size_t cap;                 /* 0: 64 */
        const char *want;
    } cases[] = {
        {.in = "plain", .want = "plain"},
        {.in = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
         .want = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},
        {.in = "\xf4\x8f\xbf\xbf", .want = "\xf4\x8f\xbf\xbf"},
        {.in = "\xc0\xaf", .want = FFFD FFFD},                  /* overlong */
        {.in = "\xe0\x80\xaf", .want = FFFD FFFD FFFD},
        {.in = "\xf0\x80\x80\xaf", .want = FFFD FFFD FFFD FFFD},
        {.in = "\xed\xa0\x80", .want = FFFD FFFD FFFD},         /* surrogate */
        {.in = "\xf4\x90\x80\x80", .want = FFFD FFFD FFFD FFFD},
        {.in = "\xf5\xff\xfe", .want = FFFD FFFD FFFD},
        {.in = "a\xe2\x82", .want = "a" FFFD FFFD},             /* cut short */
        {.in = "\xe2\x82" "a", .want = FFFD FFFD "a"},
        {.in = "\x80" "a", .want = FFFD "a"},
        {.in = "ab\0cd", .len = 5, .want = "ab" FFFD "cd"},
        {.in = "\xc3\xa9", .len = 1, .want = FFFD},
        {.in = "abcdef", .len = 3, .want = "abc"},
        {.in = "ab\xe2\x82\xac", .cap = 5, .want = "ab"},
        {.in = "ab\xe2\x82\xac", .cap = 6, .want = "ab\xe2\x82\xac"},
        {.in = "a\xff", .cap = 4, .want = "a"},
        {.in = "", .want = ""},
    };
    char out[64], label[120];
    size_t i, len, cap, got;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        len = cases[i].len ? cases[i].len : strlen(cases[i].in);
        cap = cases[i].cap ? cases[i].cap : sizeof(out);
        snprintf(label, sizeof(label), "utf8_clean case %zu (%s)", i,
                 show(cases[i].in));
        got = utf8_clean(cases[i].in, len, out, cap);
        EXPECT_STR(label, out, cases[i].want);
        EXPECT_INT(label, got, strlen(cases[i].want));
    }
    out[0] = 'X';
    EXPECT_INT("utf8_clean cap 0", utf8_clean("abc", 3, out, 0), 0);
    EXPECT_INT("utf8_clean cap 0", out[0], 'X');
    CHECKED();
}

/* fill - in of len bytes made of the pattern repeated */
static void fill(char *in, size_t len, const char *pattern)
{
    size_t i, plen = strlen(pattern);

    for (i = 0; i < len; i++)
        in[i] = pattern[i % plen];
    in[len] = '\0';
}

static void test_hostile(void **state)
{
    static const struct {
        const char *pattern;
        size_t cap;
    } cases[] = {
        {.pattern = "=?", .cap = 1024},
        {.pattern = "=?utf-8?q?=C3?= ", .cap = 1024},
        {.pattern = "=?utf-8?B?4oKs?=", .cap = 1000},
        {.pattern = "=?utf-8?B?4oKs?=", .cap = 65536},
        {.pattern = "=?x-bogus?q?a?= ", .cap = 1024},
        {.pattern = "=?windows-1252?q?=80=81=00?=\t", .cap = 1024},
        {.pattern = "=?ISO-2022-JP?B?GyRC?= ", .cap = 1024},
        {.pattern = "\xe2\x82\xac\xe9\x01\r\n ", .cap = 1023},
        {.pattern = "\xf0\x9f\x98", .cap = 1024},
        {.pattern = " ", .cap = 16},
    };
    static char in[10241], out[65536];
    size_t i, got;
    char label[100];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(label, sizeof(label), "hostile \"%s\" cap %zu",
                 show(cases[i].pattern), cases[i].cap);
        fill(in, sizeof(in) - 1, cases[i].pattern);
        got = rfc2047_decode(in, out, cases[i].cap);
        EXPECT_INT(label, got, strlen(out));
        EXPECT_INT(label, got < cases[i].cap, 1);
        EXPECT_INT(label, is_utf8(out), 1);
        EXPECT_INT(label, strchr(out, '\r') == NULL
                   && strchr(out, '\n') == NULL, 1);
    }
    CHECKED();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_clean),
        cmocka_unit_test(test_hostile),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
