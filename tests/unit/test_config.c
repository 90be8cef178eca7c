/*
 * test_config.c - lda.conf: built-in defaults, config_set() for every
 * value type, "-o key=value" overrides and config_load() on real files
 * (comments, blanks, later key wins, errors naming file, line and key).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "expect.h"

#include "../../lda/config.h"

static char tmpdir[] = "/tmp/lda-test-config.XXXXXX";

static void test_defaults(void **state)
{
    struct config cfg;
    const char *c = "defaults";

    (void)state;
    memset(&cfg, 0x5a, sizeof(cfg));
    config_defaults(&cfg);
    EXPECT_STR(c, cfg.maildir, "~/Maildir/");
    EXPECT_STR(c, cfg.user, "");
    EXPECT_STR(c, cfg.group, "");
    EXPECT_INT(c, cfg.create_maildir, 1);
    EXPECT_INT(c, cfg.create_folders, 0);
    EXPECT_STR(c, cfg.recipient_delimiter, "+");
    EXPECT_U64(c, cfg.quota, 0);
    EXPECT_U64(c, cfg.quota_messages, 0);
    EXPECT_INT(c, cfg.quota_bounce, 0);
    EXPECT_INT(c, cfg.quota_warnings, 0);
    EXPECT_U64(c, cfg.message_size_limit, 0);
    EXPECT_INT(c, cfg.add_headers, 1);
    EXPECT_U64(c, cfg.delivery_timeout, 300);
    CHECKED();
}

/* field - the numeric setting a case looks at */
static uint64_t field(const struct config *cfg, const char *key)
{
    if (strcmp(key, "quota") == 0)
        return cfg->quota;
    if (strcmp(key, "quota_messages") == 0)
        return cfg->quota_messages;
    if (strcmp(key, "message_size_limit") == 0)
        return cfg->message_size_limit;
    if (strcmp(key, "delivery_timeout") == 0)
        return cfg->delivery_timeout;
    if (strcmp(key, "create_maildir") == 0)
        return (uint64_t)cfg->create_maildir;
    if (strcmp(key, "create_folders") == 0)
        return (uint64_t)cfg->create_folders;
    if (strcmp(key, "add_headers") == 0)
        return (uint64_t)cfg->add_headers;
    if (strcmp(key, "quota_full") == 0)
        return (uint64_t)cfg->quota_bounce;
    fail_msg("no field for '%s'", key);
    return 0;
}

/* set_field - put a sentinel into the setting a case looks at */
static void set_field(struct config *cfg, const char *key, uint64_t v)
{
    if (strcmp(key, "quota") == 0)
        cfg->quota = v;
    else if (strcmp(key, "quota_messages") == 0)
        cfg->quota_messages = v;
    else if (strcmp(key, "message_size_limit") == 0)
        cfg->message_size_limit = v;
    else if (strcmp(key, "delivery_timeout") == 0)
        cfg->delivery_timeout = v;
    else if (strcmp(key, "create_maildir") == 0)
        cfg->create_maildir = (int)v;
    else if (strcmp(key, "create_folders") == 0)
        cfg->create_folders = (int)v;
    else if (strcmp(key, "add_headers") == 0)
        cfg->add_headers = (int)v;
    else if (strcmp(key, "quota_full") == 0)
        cfg->quota_bounce = (int)v;
}

/* Numbers, sizes, booleans, durations and quota_full in one table. */
static void test_set_numbers(void **state)
{
    static const struct {
        const char *key;
        const char *value;
        int want_rc;
        uint64_t want;
    } cases[] = {
        /* sizes: binary multiples, lower case accepted */
        {.key = "quota", .value = "0", .want_rc = 0, .want = 0},
        {.key = "quota", .value = "1000", .want_rc = 0, .want = 1000},
        {.key = "quota", .value = "1K", .want_rc = 0, .want = 1024},
        {.key = "quota", .value = "1k", .want_rc = 0, .want = 1024},
        {.key = "quota", .value = "10M", .want_rc = 0,
         .want = 10ULL << 20},
        {.key = "quota", .value = "10m", .want_rc = 0,
         .want = 10ULL << 20},
        {.key = "quota", .value = "2G", .want_rc = 0, .want = 2ULL << 30},
        {.key = "quota", .value = "3g", .want_rc = 0, .want = 3ULL << 30},
        {.key = "quota", .value = "1T", .want_rc = 0, .want = 1ULL << 40},
        {.key = "quota", .value = "5t", .want_rc = 0, .want = 5ULL << 40},
        {.key = "quota", .value = "16777215T", .want_rc = 0,
         .want = 16777215ULL << 40},
        {.key = "quota", .value = "18446744073709551615", .want_rc = 0,
         .want = UINT64_MAX},
        {.key = "message_size_limit", .value = "5M", .want_rc = 0,
         .want = 5ULL << 20},
        {.key = "quota", .value = "", .want_rc = -1},
        {.key = "quota", .value = "10X", .want_rc = -1},
        {.key = "quota", .value = "-1", .want_rc = -1},
        {.key = "quota", .value = "+1", .want_rc = -1},
        {.key = "quota", .value = "1KB", .want_rc = -1},
        {.key = "quota", .value = "1 K", .want_rc = -1},
        {.key = "quota", .value = "K", .want_rc = -1},
        {.key = "quota", .value = "1.5M", .want_rc = -1},
        {.key = "quota", .value = "99999999999999999999", .want_rc = -1},
        {.key = "quota", .value = "18446744073709551616", .want_rc = -1},
        {.key = "quota", .value = "16777216T", .want_rc = -1},
        {.key = "message_size_limit", .value = "1S", .want_rc = -1},
        /* counts: no unit */
        {.key = "quota_messages", .value = "10", .want_rc = 0, .want = 10},
        {.key = "quota_messages", .value = "0", .want_rc = 0, .want = 0},
        {.key = "quota_messages", .value = "10K", .want_rc = -1},
        {.key = "quota_messages", .value = "-3", .want_rc = -1},
        /* booleans */
        {.key = "create_folders", .value = "yes", .want_rc = 0, .want = 1},
        {.key = "create_folders", .value = "true", .want_rc = 0, .want = 1},
        {.key = "create_folders", .value = "1", .want_rc = 0, .want = 1},
        {.key = "create_maildir", .value = "no", .want_rc = 0, .want = 0},
        {.key = "create_maildir", .value = "false", .want_rc = 0,
         .want = 0},
        {.key = "add_headers", .value = "0", .want_rc = 0, .want = 0},
        {.key = "add_headers", .value = "on", .want_rc = -1},
        {.key = "add_headers", .value = "2", .want_rc = -1},
        {.key = "add_headers", .value = "", .want_rc = -1},
        {.key = "add_headers", .value = "yess", .want_rc = -1},
        /* durations: seconds by default, s/m/h/d, 1 s to 1 day */
        {.key = "delivery_timeout", .value = "300", .want_rc = 0,
         .want = 300},
        {.key = "delivery_timeout", .value = "300s", .want_rc = 0,
         .want = 300},
        {.key = "delivery_timeout", .value = "5m", .want_rc = 0,
         .want = 300},
        {.key = "delivery_timeout", .value = "5M", .want_rc = 0,
         .want = 300},
        {.key = "delivery_timeout", .value = "1h", .want_rc = 0,
         .want = 3600},
        {.key = "delivery_timeout", .value = "1d", .want_rc = 0,
         .want = 86400},
        {.key = "delivery_timeout", .value = "86400", .want_rc = 0,
         .want = 86400},
        {.key = "delivery_timeout", .value = "1", .want_rc = 0, .want = 1},
        {.key = "delivery_timeout", .value = "0", .want_rc = -1},
        {.key = "delivery_timeout", .value = "0s", .want_rc = -1},
        {.key = "delivery_timeout", .value = "86401", .want_rc = -1},
        {.key = "delivery_timeout", .value = "2d", .want_rc = -1},
        {.key = "delivery_timeout", .value = "25h", .want_rc = -1},
        {.key = "delivery_timeout", .value = "5x", .want_rc = -1},
        {.key = "delivery_timeout", .value = "", .want_rc = -1},
        {.key = "delivery_timeout", .value = "-5", .want_rc = -1},
        /* quota_full */
        {.key = "quota_full", .value = "defer", .want_rc = 0, .want = 0},
        {.key = "quota_full", .value = "bounce", .want_rc = 0, .want = 1},
        {.key = "quota_full", .value = "reject", .want_rc = -1},
        {.key = "quota_full", .value = "", .want_rc = -1},
    };
    size_t i;
    char label[160];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct config cfg;
        struct status st;
        int rc;

        snprintf(label, sizeof(label), "config_set(%s, \"%s\")",
                 cases[i].key, cases[i].value);
        config_defaults(&cfg);
        set_field(&cfg, cases[i].key, 7);   /* a refusal keeps it */
        memset(&st, 0, sizeof(st));
        rc = config_set(&cfg, cases[i].key, cases[i].value, "test", &st);
        EXPECT_INT(label, rc, cases[i].want_rc);
        if (rc == 0) {
            EXPECT_U64(label, field(&cfg, cases[i].key), cases[i].want);
            continue;
        }
        EXPECT_STR(label, st.code, "4.3.5");
        EXPECT_HAS(label, st.text, "test");
        EXPECT_HAS(label, st.text, cases[i].key);
        EXPECT_HAS(label, st.text, "bad value");
        EXPECT_U64(label, field(&cfg, cases[i].key), 7);
    }
    CHECKED();
}

static void test_set_percents(void **state)
{
    static const struct {
        const char *value;
        int want_rc;
        int want_n;
        int want[CONFIG_MAX_WARNINGS];
    } cases[] = {
        {.value = "80,95", .want_rc = 0, .want_n = 2, .want = {80, 95}},
        {.value = "80%, 95%", .want_rc = 0, .want_n = 2, .want = {80, 95}},
        {.value = "80 95", .want_rc = 0, .want_n = 2, .want = {80, 95}},
        {.value = "80,,95", .want_rc = 0, .want_n = 2, .want = {80, 95}},
        {.value = "100", .want_rc = 0, .want_n = 1, .want = {100}},
        {.value = "1%", .want_rc = 0, .want_n = 1, .want = {1}},
        {.value = "", .want_rc = 0, .want_n = 0},
        {.value = "1,2,3,4,5,6,7,8", .want_rc = 0, .want_n = 8,
         .want = {1, 2, 3, 4, 5, 6, 7, 8}},
        {.value = "1,2,3,4,5,6,7,8,9", .want_rc = -1},
        {.value = "0", .want_rc = -1},
        {.value = "101", .want_rc = -1},
        {.value = "x", .want_rc = -1},
        {.value = "80,x", .want_rc = -1},
        {.value = "-5", .want_rc = -1},
        {.value = "%", .want_rc = -1},
        {.value = "50%%", .want_rc = -1},
        {.value = "8O", .want_rc = -1},
    };
    size_t i;
    int j;
    char label[160];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct config cfg;
        struct status st;
        int rc;

        snprintf(label, sizeof(label), "quota_warning = \"%s\"",
                 cases[i].value);
        config_defaults(&cfg);
        rc = config_set(&cfg, "quota_warning", cases[i].value, "test", &st);
        EXPECT_INT(label, rc, cases[i].want_rc);
        if (rc < 0) {
            EXPECT_STR(label, st.code, "4.3.5");
            EXPECT_HAS(label, st.text, "quota_warning");
            continue;
        }
        EXPECT_INT(label, cfg.quota_warnings, cases[i].want_n);
        for (j = 0; j < cases[i].want_n; j++)
            EXPECT_INT(label, cfg.quota_warning[j], cases[i].want[j]);
    }
    CHECKED();
}

static void test_set_strings(void **state)
{
    static char long_maildir[1100], max_maildir[1024];
    static const struct {
        const char *key;
        const char *value;
        int want_rc;
        const char *want_err;
    } cases[] = {
        {.key = "maildir", .value = "/var/vmail/%d/%n/", .want_rc = 0},
        {.key = "maildir", .value = max_maildir, .want_rc = 0},
        {.key = "maildir", .value = long_maildir, .want_rc = -1,
         .want_err = "bad value"},
        {.key = "user", .value = "vmail", .want_rc = 0},
        {.key = "user", .value = "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
         "uuuuuuuuuuuuuuuuuuuuuuuuu", .want_rc = -1, .want_err = "bad value"},
        {.key = "group", .value = "mail", .want_rc = 0},
        {.key = "recipient_delimiter", .value = "+-", .want_rc = 0},
        {.key = "recipient_delimiter", .value = "", .want_rc = 0},
        {.key = "recipient_delimiter", .value = "0123456789abcdef",
         .want_rc = -1, .want_err = "bad value"},
        {.key = "nosuch", .value = "1", .want_rc = -1,
         .want_err = "unknown key"},
        {.key = "", .value = "1", .want_rc = -1, .want_err = "unknown key"},
        {.key = "Quota", .value = "1", .want_rc = -1,
         .want_err = "unknown key"},
    };
    size_t i;
    char label[160];

    (void)state;
    memset(long_maildir, 'm', sizeof(long_maildir) - 1);
    long_maildir[0] = '/';
    memset(max_maildir, 'm', sizeof(max_maildir) - 1);
    max_maildir[0] = '/';
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct config cfg;
        struct status st;
        const char *got;
        int rc;

        snprintf(label, sizeof(label), "config_set(%s, \"%.40s\")",
                 cases[i].key, cases[i].value);
        config_defaults(&cfg);
        rc = config_set(&cfg, cases[i].key, cases[i].value, "where", &st);
        EXPECT_INT(label, rc, cases[i].want_rc);
        if (rc < 0) {
            EXPECT_STR(label, st.code, "4.3.5");
            EXPECT_HAS(label, st.text, cases[i].want_err);
            EXPECT_HAS(label, st.text, "where");
            if (*cases[i].key)
                EXPECT_HAS(label, st.text, cases[i].key);
            continue;
        }
        got = strcmp(cases[i].key, "maildir") == 0 ? cfg.maildir
            : strcmp(cases[i].key, "user") == 0 ? cfg.user
            : strcmp(cases[i].key, "group") == 0 ? cfg.group
            : cfg.recipient_delimiter;
        EXPECT_STR(label, got, cases[i].value);
    }
    CHECKED();
}

static void test_override(void **state)
{
    static const struct {
        const char *kv;
        int want_rc;
        uint64_t want_quota;
        const char *want_maildir;
        const char *want_err;
    } cases[] = {
        {.kv = "quota=10M", .want_rc = 0, .want_quota = 10ULL << 20},
        {.kv = " quota = 1K ", .want_rc = 0, .want_quota = 1024},
        {.kv = "maildir=/srv/a=b/%n", .want_rc = 0,
         .want_maildir = "/srv/a=b/%n"},
        {.kv = "novalue", .want_rc = -1, .want_err = "expected key=value"},
        {.kv = "=x", .want_rc = -1, .want_err = "expected key=value"},
        {.kv = " = x", .want_rc = -1, .want_err = "expected key=value"},
        {.kv = "", .want_rc = -1, .want_err = "expected key=value"},
        {.kv = "quota=", .want_rc = -1, .want_err = "bad value"},
        {.kv = "nosuch=1", .want_rc = -1, .want_err = "unknown key"},
    };
    size_t i;
    char label[160];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct config cfg;
        struct status st;
        int rc;

        snprintf(label, sizeof(label), "config_override(\"%s\")",
                 cases[i].kv);
        config_defaults(&cfg);
        rc = config_override(&cfg, cases[i].kv, &st);
        EXPECT_INT(label, rc, cases[i].want_rc);
        if (rc < 0) {
            EXPECT_STR(label, st.code, "4.3.5");
            EXPECT_HAS(label, st.text, cases[i].want_err);
            EXPECT_HAS(label, st.text, "-o");
            continue;
        }
        EXPECT_U64(label, cfg.quota, cases[i].want_quota);
        EXPECT_STR(label, cfg.maildir, cases[i].want_maildir
                   ? cases[i].want_maildir : "~/Maildir/");
    }
    CHECKED();
}

/* write_conf - a file in tmpdir with these contents; its path in out */
static void write_conf(char *out, size_t cap, const char *text, size_t len)
{
    static int n;
    FILE *fp;

    snprintf(out, cap, "%s/lda%d.conf", tmpdir, n++);
    fp = fopen(out, "w");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static void test_load(void **state)
{
    static char long_line[3000], max_line[2048], long_last[2200];
    static const struct {
        const char *text;
        int want_rc;
        uint64_t want_quota;
        const char *want_maildir;
        int want_create_folders;
        const char *want_err[3];    /* besides the file name */
    } cases[] = {
        {.text = "# comment\n\n   \nquota = 10M\n  maildir=/srv/%u  \n"
         "\t# indented comment\ncreate_folders\t=\tyes\n", .want_rc = 0,
         .want_quota = 10ULL << 20, .want_maildir = "/srv/%u",
         .want_create_folders = 1},
        {.text = "quota = 1K\nquota = 2K\n", .want_rc = 0,
         .want_quota = 2048},
        {.text = "quota = 3K", .want_rc = 0, .want_quota = 3072},
        {.text = "quota = 1K\r\n", .want_rc = 0, .want_quota = 1024},
        {.text = "", .want_rc = 0},
        {.text = "#\n#\n", .want_rc = 0},
        {.text = max_line, .want_rc = 0},
        {.text = "# x\nquota = 1K\nbogus = 1\n", .want_rc = -1,
         .want_err = {"line 3", "bogus", "unknown key"}},
        {.text = "quota = 1KB\n", .want_rc = -1,
         .want_err = {"line 1", "quota", "1KB"}},
        {.text = "\nquota 10\n", .want_rc = -1,
         .want_err = {"line 2", "key = value"}},
        {.text = "= 10\n", .want_rc = -1,
         .want_err = {"line 1", "key = value"}},
        {.text = long_line, .want_rc = -1,
         .want_err = {"line 2", "too long"}},
        {.text = long_last, .want_rc = -1,
         .want_err = {"line 1", "too long"}},
    };
    size_t i, j;
    char path[256], label[300];

    (void)state;
    /* a 2046-byte comment plus its newline is the longest line read */
    memset(max_line, 'x', sizeof(max_line) - 2);
    max_line[0] = '#';
    max_line[sizeof(max_line) - 2] = '\n';
    /* line 2 is far over; line 1 is fine */
    memset(long_line, 'y', sizeof(long_line) - 2);
    memcpy(long_line, "quota = 1K\n# ", 13);
    long_line[sizeof(long_line) - 2] = '\n';
    /* an over-long last line without a newline */
    memset(long_last, 'z', sizeof(long_last) - 1);
    memcpy(long_last, "maildir = /", 11);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct config cfg;
        struct status st;
        int rc;

        write_conf(path, sizeof(path), cases[i].text,
                   strlen(cases[i].text));
        snprintf(label, sizeof(label), "config_load case %zu (%.40s)", i,
                 cases[i].text);
        config_defaults(&cfg);
        memset(&st, 0, sizeof(st));
        rc = config_load(&cfg, path, 1, &st);
        EXPECT_INT(label, rc, cases[i].want_rc);
        if (rc < 0) {
            EXPECT_STR(label, st.code, "4.3.5");
            EXPECT_HAS(label, st.text, path);
            for (j = 0; j < 3 && cases[i].want_err[j]; j++)
                EXPECT_HAS(label, st.text, cases[i].want_err[j]);
        } else {
            EXPECT_U64(label, cfg.quota, cases[i].want_quota);
            EXPECT_STR(label, cfg.maildir, cases[i].want_maildir
                       ? cases[i].want_maildir : "~/Maildir/");
            EXPECT_INT(label, cfg.create_folders,
                       cases[i].want_create_folders);
        }
        assert_int_equal(unlink(path), 0);
    }
    CHECKED();
}

static void test_load_missing(void **state)
{
    static const struct {
        const char *name;
        int must_exist;
        int want_rc;
    } cases[] = {
        {.name = "missing.conf", .must_exist = 0, .want_rc = 0},
        {.name = "missing.conf", .must_exist = 1, .want_rc = -1},
        {.name = "", .must_exist = 0, .want_rc = -1},   /* a directory */
    };
    size_t i;
    char path[256], label[300];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct config cfg, before;
        struct status st;
        int rc;

        snprintf(path, sizeof(path), "%s/%s", tmpdir, cases[i].name);
        snprintf(label, sizeof(label), "config_load(%s, must_exist=%d)",
                 path, cases[i].must_exist);
        config_defaults(&cfg);
        before = cfg;
        rc = config_load(&cfg, path, cases[i].must_exist, &st);
        EXPECT_INT(label, rc, cases[i].want_rc);
        if (rc < 0) {
            EXPECT_STR(label, st.code, "4.3.5");
            EXPECT_HAS(label, st.text, path);
        } else {
            assert_memory_equal(&cfg, &before, sizeof(cfg));
        }
    }
    CHECKED();
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    return rmdir(tmpdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_set_numbers),
        cmocka_unit_test(test_set_percents),
        cmocka_unit_test(test_set_strings),
        cmocka_unit_test(test_override),
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_load_missing),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
