/*
 * test_backend.c - backend_locate(): a maildir setting split into
 * driver, server, path template and URL arguments; 4.3.5 for URLs
 * without a server or an absolute path, and for what does not fit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "expect.h"

#include "../../store/backend.h"

static char long_setting[5000];
static char long_query[700];

static void test_locate(void **state)
{
    static const struct {
        const char *setting;
        int want_rc;
        const char *want_driver;
        const char *want_server;
        const char *want_path;
        const char *want_query;
        const char *want_err;
    } cases[] = {
        {.setting = "/var/vmail/%d/%n/Maildir", .want_driver = "local",
         .want_server = "", .want_path = "/var/vmail/%d/%n/Maildir",
         .want_query = ""},
        {.setting = "~/Maildir/", .want_driver = "local", .want_server = "",
         .want_path = "~/Maildir/", .want_query = ""},
        /* a local path may hold '?': it is not a URL */
        {.setting = "/srv/a?b", .want_driver = "local", .want_server = "",
         .want_path = "/srv/a?b", .want_query = ""},
        {.setting = "nfs://filer/export/%d/%n/Maildir?version=4&nfsport=2049",
         .want_driver = "nfs", .want_server = "nfs://filer",
         .want_path = "/export/%d/%n/Maildir",
         .want_query = "version=4&nfsport=2049"},
        {.setting = "nfs://127.0.0.1/export", .want_driver = "nfs",
         .want_server = "nfs://127.0.0.1", .want_path = "/export",
         .want_query = ""},
        {.setting = "nfs://h/x?", .want_driver = "nfs",
         .want_server = "nfs://h", .want_path = "/x", .want_query = ""},
        /* only the first '?' starts the arguments */
        {.setting = "nfs://h/%n?uid=5?x", .want_driver = "nfs",
         .want_server = "nfs://h", .want_path = "/%n",
         .want_query = "uid=5?x"},
        {.setting = "nfs://", .want_rc = -1, .want_err = "server/path"},
        {.setting = "nfs://filer", .want_rc = -1, .want_err = "server/path"},
        {.setting = "nfs:///export/%n", .want_rc = -1,
         .want_err = "server/path"},
        {.setting = "nfs://filer?version=4", .want_rc = -1,
         .want_err = "server/path"},
        {.setting = long_setting, .want_rc = -1, .want_err = "too long"},
        {.setting = long_query, .want_rc = -1, .want_err = "too long"},
    };
    size_t i;
    char label[200];

    (void)state;
    memset(long_setting, 'x', sizeof(long_setting) - 1);
    long_setting[0] = '/';
    snprintf(long_query, sizeof(long_query), "nfs://h/p?");
    memset(long_query + 10, 'q', sizeof(long_query) - 11);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct location loc;
        struct status st;
        int rc;

        snprintf(label, sizeof(label), "backend_locate(\"%.60s\")",
                 cases[i].setting);
        memset(&st, 0, sizeof(st));
        rc = backend_locate(cases[i].setting, &loc, &st);
        EXPECT_INT(label, rc, cases[i].want_rc);
        if (cases[i].want_rc == 0 && rc == 0) {
            EXPECT_STR(label, loc.ops->name, cases[i].want_driver);
            EXPECT_STR(label, loc.server, cases[i].want_server);
            EXPECT_STR(label, loc.path, cases[i].want_path);
            EXPECT_STR(label, loc.query, cases[i].want_query);
        } else if (cases[i].want_rc < 0 && rc < 0) {
            EXPECT_STR(label, st.code, "4.3.5");
            EXPECT_HAS(label, st.text, cases[i].want_err);
        }
    }
    CHECKED();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_locate),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
