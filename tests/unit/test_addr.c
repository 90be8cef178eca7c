/*
 * test_addr.c - address lists into names and addresses: each RFC 5322
 * form (name-addr, addr-spec, comments, groups, routes, quoting),
 * encoded names, the bound on entries, and broken or hostile input that
 * must give bounded, valid UTF-8 entries and never more than asked for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "expect.h"

#include "../../event/addr.h"
#include "../../event/rfc2047.h"

#define FFFD "\xef\xbf\xbd"
#define MAX_ENTRIES 8

struct entry {
    const char *name;
    const char *address;
};

/* is_utf8 - whether s is valid UTF-8 (utf8_clean leaves it unchanged) */
static int is_utf8(const char *s)
{
    char copy[1024];
    size_t len = strlen(s);

    return utf8_clean(s, len, copy, sizeof(copy)) == len
        && memcmp(copy, s, len) == 0;
}

static void test_parse(void **state)
{
    static const struct {
        const char *in;
        int max;                    /* 0: MAX_ENTRIES */
        int want_n;
        struct entry want[4];
    } cases[] = {
        /* name-addr and addr-spec */
        {.in = "Alice <alice@example.org>", .want_n = 1,
         .want = {{"Alice", "alice@example.org"}}},
        {.in = "Alice Q. Public <alice@example.org>", .want_n = 1,
         .want = {{"Alice Q. Public", "alice@example.org"}}},
        {.in = "<alice@example.org>", .want_n = 1,
         .want = {{"", "alice@example.org"}}},
        {.in = "alice@example.org", .want_n = 1,
         .want = {{"", "alice@example.org"}}},
        {.in = "  alice@example.org  ", .want_n = 1,
         .want = {{"", "alice@example.org"}}},
        {.in = "Alice < alice@example.org >", .want_n = 1,
         .want = {{"Alice", "alice@example.org"}}},
        {.in = "Alice\r\n <alice@example.org>", .want_n = 1,
         .want = {{"Alice", "alice@example.org"}}},
        {.in = "\"Smith, John\" <john@x.com>, bob@y.org", .want_n = 2,
         .want = {{"Smith, John", "john@x.com"}, {"", "bob@y.org"}}},
        {.in = "a@b.c,d@e.f , g@h.i", .want_n = 3,
         .want = {{"", "a@b.c"}, {"", "d@e.f"}, {"", "g@h.i"}}},
        /* quoted-pairs and quoted local parts */
        {.in = "\"Bob \\\"Q\\\" S\\\\\" <b@x.org>", .want_n = 1,
         .want = {{"Bob \"Q\" S\\", "b@x.org"}}},
        {.in = "\"john doe\"@x.org", .want_n = 1,
         .want = {{"", "\"john doe\"@x.org"}}},
        {.in = "<\"a,b\"@x.org>", .want_n = 1,
         .want = {{"", "\"a,b\"@x.org"}}},
        /* comments: a name when there is no phrase */
        {.in = "bob@y.org (Bob Builder)", .want_n = 1,
         .want = {{"Bob Builder", "bob@y.org"}}},
        {.in = "bob@y.org (Builder, Bob), c@d.e", .want_n = 2,
         .want = {{"Builder, Bob", "bob@y.org"}, {"", "c@d.e"}}},
        {.in = "bob@y.org (Bob (the \\) builder) B)", .want_n = 1,
         .want = {{"Bob (the ) builder) B", "bob@y.org"}}},
        {.in = "Bob <b@x.org> (work)", .want_n = 1,
         .want = {{"Bob", "b@x.org"}}},
        {.in = "(first) b@x.org (second)", .want_n = 1,
         .want = {{"first", "b@x.org"}}},
        {.in = "Bob (x) Smith <b@x.org>", .want_n = 1,
         .want = {{"Bob Smith", "b@x.org"}}},
        {.in = "<b@x.org (in brackets)>", .want_n = 1,
         .want = {{"", "b@x.org"}}},
        /* groups: members listed, the group's name dropped */
        {.in = "Team: a@b.c, Carl <c@d.e>;", .want_n = 2,
         .want = {{"", "a@b.c"}, {"Carl", "c@d.e"}}},
        {.in = "Team: a@b.c;, z@y.x", .want_n = 2,
         .want = {{"", "a@b.c"}, {"", "z@y.x"}}},
        {.in = "x@y.z, \"Team A\": a@b.c; Other: ;", .want_n = 2,
         .want = {{"", "x@y.z"}, {"", "a@b.c"}}},
        {.in = "undisclosed-recipients:;", .want_n = 0},
        {.in = "undisclosed-recipients: ;", .want_n = 0},
        /* obsolete source route (RFC 5322 4.4) */
        {.in = "<@r1.example,@r2.example:bob@x.org>", .want_n = 1,
         .want = {{"", "bob@x.org"}}},
        {.in = "Bob <@r1.example:bob@x.org>, c@d.e", .want_n = 2,
         .want = {{"Bob", "bob@x.org"}, {"", "c@d.e"}}},
        /* RFC 2047 names, also inside quotes */
        {.in = "=?utf-8?q?J=C3=B6rg?= <j@x.de>", .want_n = 1,
         .want = {{"J\xc3\xb6rg", "j@x.de"}}},
        {.in = "\"=?iso-8859-1?q?J=F6rg?=\" <j@x.de>", .want_n = 1,
         .want = {{"J\xc3\xb6rg", "j@x.de"}}},
        {.in = "=?utf-8?q?M=C3=BCller?= =?utf-8?q?_Hans?= <h@x.de>",
         .want_n = 1, .want = {{"M\xc3\xbcller Hans", "h@x.de"}}},
        {.in = "h@x.de (=?utf-8?B?R3LDvMOfZQ==?=)", .want_n = 1,
         .want = {{"Gr\xc3\xbc\xc3\x9f" "e", "h@x.de"}}},
        {.in = "J\xf6rg <j@x.de>", .want_n = 1,
         .want = {{"J" FFFD "rg", "j@x.de"}}},
        /* UTF-8 addresses (RFC 6532) kept; bad bytes replaced */
        {.in = "J\xc3\xb6rg <j\xc3\xb6rg@x.de>", .want_n = 1,
         .want = {{"J\xc3\xb6rg", "j\xc3\xb6rg@x.de"}}},
        {.in = "<j\xf6rg@x.de>", .want_n = 1,
         .want = {{"", "j" FFFD "rg@x.de"}}},
        /* nothing there, or no address in it */
        {.in = "", .want_n = 0},
        {.in = "   \r\n ", .want_n = 0},
        {.in = ",,, ;", .want_n = 0},
        {.in = "<>", .want_n = 0},
        {.in = "Bob <>, c@d.e", .want_n = 1, .want = {{"", "c@d.e"}}},
        {.in = "Bob Smith", .want_n = 0},
        {.in = "@x.org, bob@, @", .want_n = 0},
        {.in = "\"bob@x.org\"", .want_n = 0},
        {.in = "<root>", .want_n = 1, .want = {{"", "root"}}},
        /* the bound */
        {.in = "a@b.c, d@e.f, g@h.i, j@k.l", .max = 2, .want_n = 2,
         .want = {{"", "a@b.c"}, {"", "d@e.f"}}},
        {.in = "a@b.c, d@e.f", .max = 1, .want_n = 1,
         .want = {{"", "a@b.c"}}},
        /* broken: unterminated quote, comment, bracket */
        {.in = "\"Bob <bob@x.org>", .want_n = 0},
        {.in = "a@b.c, \"Bob <bob@x.org>", .want_n = 1,
         .want = {{"", "a@b.c"}}},
        {.in = "Bob <bob@x.org", .want_n = 1,
         .want = {{"Bob", "bob@x.org"}}},
        {.in = "bob@x.org (Bob", .want_n = 1,
         .want = {{"Bob", "bob@x.org"}}},
        {.in = "a@b.c> (x)) d@e.f", .want_n = 1,
         .want = {{"x", "a@b.cd@e.f"}}},
        {.in = "A <a@b.c> <d@e.f>, g@h.i", .want_n = 2,
         .want = {{"A", "a@b.c"}, {"", "g@h.i"}}},
        {.in = "a@b.c\\", .want_n = 1, .want = {{"", "a@b.c\\"}}},
        {.in = "\"a\\", .want_n = 0},
        {.in = "(a\\", .want_n = 0},
    };
    struct addr out[MAX_ENTRIES];
    char label[160];
    size_t i;
    int k, n, max;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        max = cases[i].max ? cases[i].max : MAX_ENTRIES;
        snprintf(label, sizeof(label), "case %zu (%s) max %d", i,
                 show(cases[i].in), max);
        memset(out, 'X', sizeof(out));
        n = addr_parse_list(cases[i].in, out, max);
        EXPECT_INT(label, n, cases[i].want_n);
        for (k = 0; k < n && k < cases[i].want_n; k++) {
            EXPECT_STR(label, out[k].name, cases[i].want[k].name);
            EXPECT_STR(label, out[k].address, cases[i].want[k].address);
        }
        if (n < max)                /* nothing written past the entries */
            EXPECT_INT(label, out[n].name[0], 'X');
    }
    EXPECT_INT("max 0", addr_parse_list("a@b.c", out, 0), 0);
    EXPECT_INT("max -1", addr_parse_list("a@b.c", out, -1), 0);
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

static void test_long(void **state)
{
    static char in[2048];
    struct addr out[2];
    int n;

    (void)state;
    /* an address longer than the field: cut, still valid UTF-8 */
    fill(in, 600, "\xc3\xa9");
    memcpy(in + 600, "@x.org", 7);
    n = addr_parse_list(in, out, 2);
    EXPECT_INT("long address", n, 1);
    EXPECT_INT("long address", strlen(out[0].address), ADDR_ADDRESS_MAX - 2);
    EXPECT_INT("long address", is_utf8(out[0].address), 1);

    /* a name longer than the field: cut between characters */
    fill(in, 1000, "\xe2\x82\xac");
    strcpy(in + 999, " <a@b.c>");
    n = addr_parse_list(in, out, 2);
    EXPECT_INT("long name", n, 1);
    EXPECT_INT("long name", strlen(out[0].name), ADDR_NAME_MAX - 1);
    EXPECT_INT("long name", is_utf8(out[0].name), 1);
    EXPECT_STR("long name", out[0].address, "a@b.c");

    /* a long run of entries stops at max */
    fill(in, sizeof(in) - 1, "a@b.c, ");
    n = addr_parse_list(in, out, 2);
    EXPECT_INT("many", n, 2);
    EXPECT_STR("many", out[1].address, "a@b.c");
    CHECKED();
}

static void test_hostile(void **state)
{
    static const char *const patterns[] = {
        "\"", "(", ")", "<", ">", ",", ";", ":", "\\", "@", "a", " ",
        "\"\\", "(\\", "((((", "<<>", "<@:", "a@b.c,", "A <a@b.c>,",
        "x@y (", "=?utf-8?q?=C3?= ", "\xff\xfe@", "\xe2\x82\xac@b <",
        "T: a@b; ", "\"a\\\"@b\",", "\r\n\t",
    };
    static char in[10241];
    struct addr out[MAX_ENTRIES];
    char label[100];
    size_t i;
    int k, n, max;

    (void)state;
    for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
        for (max = 1; max <= MAX_ENTRIES; max += MAX_ENTRIES - 1) {
            snprintf(label, sizeof(label), "hostile \"%s\" max %d",
                     show(patterns[i]), max);
            fill(in, sizeof(in) - 1, patterns[i]);
            n = addr_parse_list(in, out, max);
            EXPECT_INT(label, n >= 0 && n <= max, 1);
            for (k = 0; k < n && k < max; k++) {
                EXPECT_INT(label, strlen(out[k].name) < ADDR_NAME_MAX, 1);
                EXPECT_INT(label, strlen(out[k].address) > 0, 1);
                EXPECT_INT(label, is_utf8(out[k].name), 1);
                EXPECT_INT(label, is_utf8(out[k].address), 1);
            }
        }
    }
    CHECKED();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_long),
        cmocka_unit_test(test_hostile),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
