/*
 * test_template.c - template_expand(): %u %n %d %% and a leading "~", the
 * expanded path and its base (the fixed directory that must exist), 4.3.5
 * for a bad template and 4.3.0 for a result that does not fit;
 * template_storage_root(): the storage_root setting's longest match,
 * 4.3.5 outside all of it, else the fixed part or the path's first two
 * directories.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "expect.h"

#include "../../lda/template.h"

static char long_home[1100];

static void test_expand(void **state)
{
    static const struct {
        const char *tpl;
        const char *rcpt;           /* default "Bob+Ext@Example.com" */
        const char *home;
        size_t cap;                 /* 0: the whole buffer */
        size_t bcap;
        int want_rc;
        const char *want_code;
        const char *want_out;
        const char *want_base;
        const char *want_err;
    } cases[] = {
        {.tpl = "/var/vmail/%d/%n/Maildir", .want_rc = 0,
         .want_out = "/var/vmail/example.com/bob/Maildir",
         .want_base = "/var/vmail"},
        {.tpl = "~/Maildir/", .home = "/home/bob", .want_rc = 0,
         .want_out = "/home/bob/Maildir/", .want_base = "/home/bob"},
        {.tpl = "~", .home = "/home/bob", .want_rc = 0,
         .want_out = "/home/bob", .want_base = "/home"},
        {.tpl = "/srv/mail/u%n", .want_rc = 0, .want_out = "/srv/mail/ubob",
         .want_base = "/srv/mail"},
        {.tpl = "/srv/%u/", .want_rc = 0, .want_out = "/srv/bob@example.com/",
         .want_base = "/srv"},
        {.tpl = "/%n", .want_rc = 0, .want_out = "/bob", .want_base = "/"},
        {.tpl = "/var/mail/bob", .want_rc = 0, .want_out = "/var/mail/bob",
         .want_base = "/var/mail"},
        {.tpl = "/var/mail/bob///", .want_rc = 0,
         .want_out = "/var/mail/bob///", .want_base = "/var/mail"},
        {.tpl = "/var/%d/%n%%x/", .want_rc = 0,
         .want_out = "/var/example.com/bob%x/", .want_base = "/var"},
        /* "%%" is a literal: it belongs to the fixed part */
        {.tpl = "/srv/100%%/%n", .want_rc = 0, .want_out = "/srv/100%/bob",
         .want_base = "/srv/100%"},
        {.tpl = "/home/%n/Maildir", .rcpt = "alice", .want_rc = 0,
         .want_out = "/home/alice/Maildir", .want_base = "/home"},
        /* "~user" is not expanded: the path is then relative */
        {.tpl = "~bob/Maildir", .home = "/home/bob", .want_rc = -1,
         .want_code = "4.3.5", .want_err = "absolute"},
        {.tpl = "/var/%x/%n", .want_rc = -1, .want_code = "4.3.5",
         .want_err = "%x"},
        {.tpl = "/var/vmail/%", .want_rc = -1, .want_code = "4.3.5",
         .want_err = "unknown"},
        {.tpl = "%n/Maildir", .want_rc = -1, .want_code = "4.3.5",
         .want_err = "absolute"},
        {.tpl = "Maildir/", .want_rc = -1, .want_code = "4.3.5",
         .want_err = "absolute"},
        {.tpl = "", .want_rc = -1, .want_code = "4.3.5",
         .want_err = "absolute"},
        {.tpl = "~/Maildir/", .home = NULL, .want_rc = -1,
         .want_code = "4.3.5", .want_err = "home"},
        {.tpl = "~/Maildir/", .home = "", .want_rc = -1,
         .want_code = "4.3.5", .want_err = "home"},
        {.tpl = "~/Maildir/", .home = "home/bob", .want_rc = -1,
         .want_code = "4.3.5", .want_err = "home"},
        /* what does not fit is 4.3.0 (a local problem, not the template) */
        {.tpl = "/var/vmail/%d/%n/Maildir", .cap = 16, .want_rc = -1,
         .want_code = "4.3.0", .want_err = "too long"},
        {.tpl = "/var/vmail/%d/%n/Maildir", .cap = 34, .want_rc = -1,
         .want_code = "4.3.0", .want_err = "too long"},
        {.tpl = "/var/vmail/%d/%n/Maildir", .cap = 35, .want_rc = 0,
         .want_out = "/var/vmail/example.com/bob/Maildir",
         .want_base = "/var/vmail"},
        {.tpl = "/var/vmail/%d/%n/Maildir", .bcap = 11, .want_rc = -1,
         .want_code = "4.3.0", .want_err = "too long"},
        {.tpl = "/var/vmail/%d/%n/Maildir", .bcap = 12, .want_rc = 0,
         .want_out = "/var/vmail/example.com/bob/Maildir",
         .want_base = "/var/vmail"},
        {.tpl = "~/Maildir/", .home = long_home, .want_rc = -1,
         .want_code = "4.3.0", .want_err = "too long"},
    };
    size_t i;
    char label[200];

    (void)state;
    memset(long_home, 'h', sizeof(long_home) - 1);
    long_home[0] = '/';
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct recipient r;
        struct status st;
        char out[1024], base[1024];
        const char *rcpt = cases[i].rcpt ? cases[i].rcpt
            : "Bob+Ext@Example.com";
        int rc;

        snprintf(label, sizeof(label), "template_expand(\"%s\", %s, home "
                 "%.20s, cap %zu, bcap %zu)", cases[i].tpl, rcpt,
                 cases[i].home ? cases[i].home : "(null)", cases[i].cap,
                 cases[i].bcap);
        assert_int_equal(recipient_parse(rcpt, "+", &r, &st), 0);
        memset(&st, 0, sizeof(st));
        memset(base, 0, sizeof(base));
        rc = template_expand(cases[i].tpl, &r, cases[i].home, out,
                             cases[i].cap ? cases[i].cap : sizeof(out),
                             base, cases[i].bcap ? cases[i].bcap
                             : sizeof(base), &st);
        EXPECT_INT(label, rc, cases[i].want_rc);
        if (cases[i].want_rc == 0 && rc == 0) {
            EXPECT_STR(label, out, cases[i].want_out);
            EXPECT_STR(label, base, cases[i].want_base);
        } else if (cases[i].want_rc < 0 && rc < 0) {
            EXPECT_STR(label, st.code, cases[i].want_code);
            EXPECT_HAS(label, st.text, cases[i].want_err);
        }
    }
    CHECKED();
}

static void test_storage_root(void **state)
{
    static const struct {
        const char *roots;
        const char *tpl;
        const char *path;
        const char *base;
        int want_rc;
        const char *want_root;
        const char *want_code;
    } cases[] = {
        /* a template with a variable: its fixed part */
        {"", "/var/vmail/%d/%n", "/var/vmail/example.com/bob",
         "/var/vmail", 0, "/var/vmail", NULL},
        {"", "/srv/100%%/%n", "/srv/100%/bob", "/srv/100%", 0,
         "/srv/100%", NULL},
        /* no variable: two directories, or one when that is too near */
        {"", "~/Maildir/", "/var/vmail/example.com/bob/Maildir/",
         "/var/vmail/example.com/bob", 0, "/var/vmail", NULL},
        {"", "~/Maildir", "/var/vmail/bob/Maildir", "/var/vmail/bob", 0,
         "/var/vmail", NULL},
        {"", "~/Maildir/", "/home/bob/Maildir/", "/home/bob", 0, "/home",
         NULL},
        {"", "~", "/home/bob", "/home", 0, "/home", NULL},
        {"", "/srv/100%%/x/y", "/srv/100%/x/y", "/srv/100%/x", 0,
         "/srv/100%", NULL},
        {"", "/Maildir", "/Maildir", "/", 0, "/", NULL},
        {"", "//a//b///", "//a//b///", "/", 0, "/", NULL},
        /* the setting: the longest directory that holds the path */
        {"/var/vmail", "~/Maildir", "/var/vmail/example.com/bob/Maildir",
         "", 0, "/var/vmail", NULL},
        {"/var, /var/vmail/", "~/Maildir", "/var/vmail/e/bob/Maildir", "",
         0, "/var/vmail", NULL},
        {"/var/vmail/ /var", "~", "/var/vmail/e/bob", "", 0, "/var/vmail",
         NULL},
        {"/", "~", "/x/bob", "", 0, "/", NULL},
        /* a prefix that is not a directory of the path does not hold it */
        {"/var/vm", "~", "/var/vmail/e/bob", "", -1, NULL, "4.3.5"},
        {"/var/vmail/e/bob", "~", "/var/vmail/e/bob", "", -1, NULL,
         "4.3.5"},
        {"relative", "~", "/var/vmail/e/bob", "", -1, NULL, "4.3.5"},
        {" , ", "/a/%n", "/a/bob", "/a", 0, "/a", NULL},
    };
    size_t i;
    char label[300];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct status st;
        char out[1024];
        int rc;

        snprintf(label, sizeof(label), "template_storage_root(\"%s\", "
                 "\"%s\", \"%s\")", cases[i].roots, cases[i].tpl,
                 cases[i].path);
        memset(&st, 0, sizeof(st));
        rc = template_storage_root(cases[i].roots, cases[i].tpl,
                                   cases[i].path, cases[i].base, out,
                                   sizeof(out), &st);
        EXPECT_INT(label, rc, cases[i].want_rc);
        if (cases[i].want_rc == 0 && rc == 0)
            EXPECT_STR(label, out, cases[i].want_root);
        else if (cases[i].want_rc < 0 && rc < 0)
            EXPECT_STR(label, st.code, cases[i].want_code);
    }
    CHECKED();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expand),
        cmocka_unit_test(test_storage_root),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
