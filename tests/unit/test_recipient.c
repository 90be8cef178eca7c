/*
 * test_recipient.c - recipient_parse(): lower-casing, the extension split
 * at the first delimiter, the fields filled, and 5.1.3 for every address
 * that could leave the Maildir base; recipient_matches() on header values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "expect.h"

#include "../../lda/recipient.h"

/* label - a printable name for a case whose input may hold controls */
static const char *label(char *buf, size_t cap, const char *fn,
                         const char *in)
{
    size_t o;

    o = (size_t)snprintf(buf, cap, "%s(\"", fn);
    for (; *in && o + 8 < cap; in++) {
        if ((unsigned char)*in < ' ' || (unsigned char)*in >= 0x7f)
            o += (size_t)snprintf(buf + o, cap - o, "\\x%02x",
                                  (unsigned char)*in);
        else
            buf[o++] = *in;
    }
    snprintf(buf + o, cap - o, "\")");
    return buf;
}

static char local255[300], local256[300], long519[600], long520[600],
    domain256[300];

/* make_long - fill the over-long inputs (the tables point at them) */
static int make_long(void **state)
{
    (void)state;
    memset(local255, 'a', 255);
    memcpy(local255 + 255, "@x", 3);
    memset(local256, 'a', 256);
    memcpy(local256 + 256, "@x", 3);
    memcpy(domain256, "bob@", 4);
    memset(domain256 + 4, 'd', 256);
    memset(long519, 'a', 519);
    memset(long520, 'a', 520);
    return 0;
}

static void test_parse(void **state)
{
    static const struct {
        const char *in;
        const char *delim;
        const char *want_address;
        const char *want_user;
        const char *want_local;
        const char *want_ext;
        const char *want_domain;
    } cases[] = {
        {.in = "Bob@Example.COM", .delim = "+",
         .want_address = "bob@example.com", .want_user = "bob@example.com",
         .want_local = "bob", .want_ext = "", .want_domain = "example.com"},
        {.in = "bob+Lists@example.com", .delim = "+",
         .want_address = "bob+lists@example.com",
         .want_user = "bob@example.com", .want_local = "bob",
         .want_ext = "lists", .want_domain = "example.com"},
        {.in = "bob+a+b@x", .delim = "+", .want_address = "bob+a+b@x",
         .want_user = "bob@x", .want_local = "bob", .want_ext = "a+b",
         .want_domain = "x"},
        {.in = "bob+@x", .delim = "+", .want_address = "bob+@x",
         .want_user = "bob@x", .want_local = "bob", .want_ext = "",
         .want_domain = "x"},
        {.in = "+foo@x", .delim = "+", .want_address = "+foo@x",
         .want_user = "+foo@x", .want_local = "+foo", .want_ext = "",
         .want_domain = "x"},
        {.in = "<Bob@X>", .delim = "+", .want_address = "bob@x",
         .want_user = "bob@x", .want_local = "bob", .want_ext = "",
         .want_domain = "x"},
        {.in = "<bob+ext@x>", .delim = "+", .want_address = "bob+ext@x",
         .want_user = "bob@x", .want_local = "bob", .want_ext = "ext",
         .want_domain = "x"},
        {.in = "Bob", .delim = "+", .want_address = "bob",
         .want_user = "bob", .want_local = "bob", .want_ext = "",
         .want_domain = ""},
        {.in = "bob+ext", .delim = "+", .want_address = "bob+ext",
         .want_user = "bob", .want_local = "bob", .want_ext = "ext",
         .want_domain = ""},
        {.in = "a@b@c", .delim = "+", .want_address = "a@b@c",
         .want_user = "a@b@c", .want_local = "a@b", .want_ext = "",
         .want_domain = "c"},
        {.in = "bob.smith@mail.example.com", .delim = "+",
         .want_address = "bob.smith@mail.example.com",
         .want_user = "bob.smith@mail.example.com",
         .want_local = "bob.smith", .want_ext = "",
         .want_domain = "mail.example.com"},
        /* several delimiters: the first of any of them splits */
        {.in = "bob-foo+bar@x", .delim = "+-", .want_address = "bob-foo+bar@x",
         .want_user = "bob@x", .want_local = "bob", .want_ext = "foo+bar",
         .want_domain = "x"},
        {.in = "bob+foo-bar@x", .delim = "+-", .want_address = "bob+foo-bar@x",
         .want_user = "bob@x", .want_local = "bob", .want_ext = "foo-bar",
         .want_domain = "x"},
        {.in = "-x@y", .delim = "+-", .want_address = "-x@y",
         .want_user = "-x@y", .want_local = "-x", .want_ext = "",
         .want_domain = "y"},
        /* no delimiter: no extension */
        {.in = "bob+foo@x", .delim = "", .want_address = "bob+foo@x",
         .want_user = "bob+foo@x", .want_local = "bob+foo", .want_ext = "",
         .want_domain = "x"},
        {.in = "bob+foo@x", .delim = "-", .want_address = "bob+foo@x",
         .want_user = "bob+foo@x", .want_local = "bob+foo", .want_ext = "",
         .want_domain = "x"},
        /* the longest parts that fit */
        {.in = local255, .delim = "+", .want_address = local255,
         .want_user = local255, .want_local = NULL, .want_ext = "",
         .want_domain = "x"},
    };
    size_t i;
    char name[200];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct recipient r;
        struct status st;
        int rc;

        label(name, sizeof(name), "recipient_parse", cases[i].in);
        memset(&st, 0, sizeof(st));
        rc = recipient_parse(cases[i].in, cases[i].delim, &r, &st);
        if (rc != 0) {
            print_error("%s: rc %d (%s %s), want 0\n", name, rc, st.code,
                        st.text);
            failed++;
            continue;
        }
        EXPECT_STR(name, r.address, cases[i].want_address);
        EXPECT_STR(name, r.user, cases[i].want_user);
        if (cases[i].want_local)
            EXPECT_STR(name, r.local, cases[i].want_local);
        else
            EXPECT_INT(name, strlen(r.local), 255);
        EXPECT_STR(name, r.ext, cases[i].want_ext);
        EXPECT_STR(name, r.domain, cases[i].want_domain);
    }
    CHECKED();
}

static void test_parse_refused(void **state)
{
    static const struct {
        const char *in;
        const char *delim;
    } cases[] = {
        {.in = "", .delim = "+"},
        {.in = "<>", .delim = "+"},
        {.in = "/", .delim = "+"},
        {.in = "bob/x@y", .delim = "+"},
        {.in = "/etc@x", .delim = "+"},
        {.in = ".bob@x", .delim = "+"},
        {.in = ".", .delim = "+"},
        {.in = "..", .delim = "+"},
        {.in = "a..b@x", .delim = "+"},
        {.in = "..@x", .delim = "+"},
        {.in = "@x", .delim = "+"},
        {.in = "bob\x01@x", .delim = "+"},
        {.in = "bob\x7f@x", .delim = "+"},
        {.in = "bob\t@x", .delim = "+"},
        {.in = "bob\n@x", .delim = "+"},
        {.in = "bob\r@x", .delim = "+"},
        {.in = "bob@x\x01", .delim = "+"},
        {.in = "bob@", .delim = "+"},
        {.in = "bob@a/b", .delim = "+"},
        {.in = "bob@.x", .delim = "+"},
        {.in = "bob@..", .delim = "+"},
        {.in = "bob@a..b", .delim = "+"},
        {.in = "bob@x\n", .delim = "+"},
        /* control characters are refused in the extension as well */
        {.in = "bob+\n@x", .delim = "+"},
        {.in = "bob+a\x01@x", .delim = "+"},
        {.in = "bob+a\x7f@x", .delim = "+"},
        {.in = "bob+\x1b[2J@x", .delim = "+"},
        /* too long as a whole or in one part */
        {.in = long520, .delim = "+"},
        {.in = long519, .delim = "+"},
        {.in = local256, .delim = "+"},
        {.in = domain256, .delim = "+"},
    };
    size_t i;
    const char *p;
    char name[200];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct recipient r;
        struct status st;
        int rc;

        label(name, sizeof(name), "recipient_parse", cases[i].in);
        memset(&st, 0, sizeof(st));
        rc = recipient_parse(cases[i].in, cases[i].delim, &r, &st);
        EXPECT_INT(name, rc, -1);
        EXPECT_STR(name, st.code, "5.1.3");
        /* the text goes to the MTA: never a control character in it */
        for (p = st.text; *p; p++)
            if ((unsigned char)*p < ' ' || *p == 0x7f) {
                print_error("%s: control character in the text\n", name);
                failed++;
                break;
            }
    }
    CHECKED();
}

static void test_matches(void **state)
{
    static const struct {
        const char *rcpt;
        const char *value;
        int want;
    } cases[] = {
        {.rcpt = "bob@example.com", .value = "bob@example.com", .want = 1},
        {.rcpt = "bob@example.com", .value = "<Bob@Example.com>", .want = 1},
        {.rcpt = "Bob@Example.com", .value = "bob@example.com", .want = 1},
        {.rcpt = "bob@example.com", .value = "  <bob@example.com>  ",
         .want = 1},
        {.rcpt = "bob@example.com", .value = "\tbob@example.com\t",
         .want = 1},
        {.rcpt = "bob@example.com", .value = " bob@example.com", .want = 1},
        {.rcpt = "bob+ext@example.com", .value = "bob+ext@example.com",
         .want = 1},
        {.rcpt = "bob+ext@example.com", .value = "<BOB+EXT@example.com>",
         .want = 1},
        {.rcpt = "bob+ext@example.com", .value = "bob@example.com",
         .want = 1},
        {.rcpt = "bob@example.com", .value = "bob+ext@example.com",
         .want = 0},
        {.rcpt = "bob+ext@example.com", .value = "bob+other@example.com",
         .want = 0},
        {.rcpt = "bob@example.com", .value = "alice@example.com", .want = 0},
        {.rcpt = "bob@example.com", .value = "bob@example.org", .want = 0},
        {.rcpt = "bob@example.com", .value = "bob@example.com.evil",
         .want = 0},
        {.rcpt = "bob@example.com", .value = "xbob@example.com", .want = 0},
        {.rcpt = "bob@example.com", .value = "bob", .want = 0},
        {.rcpt = "bob@example.com", .value = "", .want = 0},
        {.rcpt = "bob@example.com", .value = "<>", .want = 0},
        {.rcpt = "bob", .value = "bob", .want = 1},
        {.rcpt = "bob", .value = "bob@example.com", .want = 0},
    };
    size_t i;
    char name[300];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct recipient r;
        struct status st;

        snprintf(name, sizeof(name), "rcpt %s matches \"%s\"", cases[i].rcpt,
                 cases[i].value);
        assert_int_equal(recipient_parse(cases[i].rcpt, "+", &r, &st), 0);
        EXPECT_INT(name, recipient_matches(&r, cases[i].value),
                   cases[i].want);
    }
    CHECKED();
}

static void test_matches_long(void **state)
{
    struct recipient r;
    struct status st;
    char value[700];

    (void)state;
    assert_int_equal(recipient_parse("bob@example.com", "+", &r, &st), 0);
    /* leading blanks are skipped before the length counts */
    memset(value, ' ', 600);
    memcpy(value + 600, "<bob@example.com>", 18);
    assert_int_equal(recipient_matches(&r, value), 1);
    /* a value too long to be an address never matches */
    memset(value, 'x', 650);
    value[650] = '\0';
    assert_int_equal(recipient_matches(&r, value), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_refused),
        cmocka_unit_test(test_matches),
        cmocka_unit_test(test_matches_long),
    };

    return cmocka_run_group_tests(tests, make_long, NULL);
}
