/*
 * test_endpoint.c - lda-notifyd.conf and its secrets file: built-in
 * defaults, a configuration using every key, one refusal per mistake
 * (each a one-line message naming file, line and endpoint, never a
 * secret) and the event filters of endpoint_wants().
 *
 * It links the real registry and drivers: what each driver's check()
 * refuses reaches the caller with the file and endpoint named once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "expect.h"

#include "../../notify/endpoint.h"

static char tmpdir[] = "/tmp/lda-test-endpoint.XXXXXX";

/* base64 of the bytes 0..31 and of 100..123 */
#define KEY32 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define KEY24 "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7"
#define KEY23 "AAECAwQFBgcICQoLDA0ODxAREhMUFRY="
#define BEARER "Authorization: Bearer s3cret-t0ken"

/*
 * write_file - name in tmpdir with text, "%S" replaced by the path of
 * the secrets file and "%D" by tmpdir; its path in out
 */
static void write_file(char *out, size_t cap, const char *name,
                       const char *text, mode_t mode)
{
    FILE *fp;
    const char *p;

    snprintf(out, cap, "%s/%s", tmpdir, name);
    fp = fopen(out, "w");
    assert_non_null(fp);
    for (p = text; *p; p++) {
        if (p[0] == '%' && p[1] == 'S')
            fprintf(fp, "%s/secrets", tmpdir), p++;
        else if (p[0] == '%' && p[1] == 'D')
            fprintf(fp, "%s", tmpdir), p++;
        else
            fputc(*p, fp);
    }
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(chmod(out, mode), 0);
}

/* load - write the config (and secrets unless NULL), then load them */
static int load(struct notifyd_config *cfg, const char *conf,
                const char *secrets, mode_t smode, struct status *st)
{
    char cpath[256], spath[256];

    snprintf(spath, sizeof(spath), "%s/secrets", tmpdir);
    unlink(spath);
    if (secrets)
        write_file(spath, sizeof(spath), "secrets", secrets, smode);
    write_file(cpath, sizeof(cpath), "notifyd.conf", conf, 0644);
    memset(st, 0, sizeof(*st));
    return endpoint_load(cfg, cpath, st);
}

static void test_defaults(void **state)
{
    static const long want_retry[] = {0, 5, 300, 1800, 7200, 18000, 36000,
        50400, 72000, 86400};
    static const struct {
        const char *conf;
        const char *secrets;
        int want_concurrency;
    } cases[] = {
        {.conf = "secrets = %S\n[endpoint e]\nnotifier = exec\n"
         "command = /bin/true\n", .want_concurrency = 4},
        {.conf = "secrets = %S\n[endpoint u]\nnotifier = unix\n"
         "path = /run/x.sock\n", .want_concurrency = 1},
        {.conf = "secrets = %S\n[endpoint w]\nnotifier = webhook\n"
         "url = https://example.com/\n", .secrets = "w = whsec_" KEY32 "\n",
         .want_concurrency = 8},
    };
    struct notifyd_config cfg;
    struct status st;
    size_t i;
    int k, rc;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char c[64];

        snprintf(c, sizeof(c), "defaults case %zu", i);
        rc = load(&cfg, cases[i].conf, cases[i].secrets, 0600, &st);
        EXPECT_INT(c, rc, 0);
        if (rc < 0) {
            print_error("%s: %s\n", c, st.text);
            continue;
        }
        EXPECT_STR(c, cfg.outbox, "/var/spool/lda/outbox");
        EXPECT_INT(c, cfg.nretry, 10);
        for (k = 0; k < 10; k++)
            EXPECT_INT(c, cfg.retry[k], want_retry[k]);
        EXPECT_INT(c, cfg.jitter, 10);
        EXPECT_INT(c, cfg.nep, 1);
        EXPECT_INT(c, cfg.ep[0].timeout_ms, 15000);
        EXPECT_INT(c, cfg.ep[0].concurrency, cases[i].want_concurrency);
        EXPECT_INT(c, cfg.ep[0].events.n + cfg.ep[0].domains.n
                   + cfg.ep[0].users.n + cfg.ep[0].folders.n, 0);
        endpoint_free(&cfg);
        endpoint_free(&cfg);    /* harmless twice */
    }
    /* the default secrets path, unless this host has a real one */
    if (access("/etc/lda/lda-notifyd.secrets", F_OK) != 0) {
        rc = load(&cfg, "[endpoint e]\nnotifier = exec\ncommand = x\n", NULL,
                  0600, &st);
        EXPECT_INT("default secrets", rc, 0);
        if (rc == 0)
            EXPECT_STR("default secrets", cfg.secrets,
                       "/etc/lda/lda-notifyd.secrets");
        endpoint_free(&cfg);
    }
    CHECKED();
}

/* target - the value of e's target key, in its driver's settings */
static const char *target(const struct endpoint *e)
{
    const struct conf_key *k = conf_find(e->ops->keys, e->ops->target_key);

    return k != NULL ? (const char *)e->settings + k->off : "";
}

static void test_all_keys(void **state)
{
    static const char conf[] =
        "# lda-notifyd.conf\n"
        "outbox = %D/outbox\n"
        "secrets = %S\n"
        "retry_schedule = 0, 1s 2m 3h 1d 30 5000ms\n"
        "retry_jitter = 25%\n"
        "\n"
        "[endpoint crm]\n"
        "url = https://crm.example.com/hook?a=b\n"
        "notifier = webhook\n"
        "timeout = 1500ms\n"
        "concurrency = 3\n"
        "header = X-Tenant: 42\n"
        "header = User-Agent: custom/1.0\n"
        "events = message.new, quota.warning\n"
        "domains = example.com,Example.ORG\n"
        "users = alice@example.com\n"
        "folders = INBOX Lists\n"
        "[endpoint run.1]\n"
        "notifier = exec\n"
        "command = /usr/local/bin/x --flag=1\n"
        "timeout = 2m\n"
        "  [ endpoint sock_2 ]  \n"
        "notifier = unix\n"
        "path = /run/app/events.sock\n"
        "concurrency = 256\n";
    static const char secrets[] =
        "# signing secrets, newest first\n"
        "crm = whsec_" KEY32 " whsec_" KEY24 "\n"
        "\n"
        "crm.header = " BEARER "\n";
    static const long want_retry[] = {0, 1, 120, 10800, 86400, 30, 5};
    struct notifyd_config cfg;
    struct status st;
    struct endpoint *e;
    const char *c = "all keys";
    char path[256];
    int k;

    (void)state;
    assert_int_equal(load(&cfg, conf, secrets, 0600, &st), 0);
    snprintf(path, sizeof(path), "%s/outbox", tmpdir);
    EXPECT_STR(c, cfg.outbox, path);
    snprintf(path, sizeof(path), "%s/secrets", tmpdir);
    EXPECT_STR(c, cfg.secrets, path);
    EXPECT_INT(c, cfg.nretry, 7);
    for (k = 0; k < 7; k++)
        EXPECT_INT(c, cfg.retry[k], want_retry[k]);
    EXPECT_INT(c, cfg.jitter, 25);
    assert_int_equal(cfg.nep, 3);

    e = &cfg.ep[0];
    EXPECT_STR(c, e->name, "crm");
    EXPECT_INT(c, e->ops == registry_find(notifiers, "webhook", 7), 1);
    EXPECT_STR(c, target(e), "https://crm.example.com/hook?a=b");
    EXPECT_INT(c, e->timeout_ms, 1500);
    EXPECT_INT(c, e->concurrency, 3);
    assert_int_equal(e->nheaders, 3);
    EXPECT_STR(c, e->headers[0], "X-Tenant: 42");
    EXPECT_STR(c, e->headers[1], "User-Agent: custom/1.0");
    EXPECT_STR(c, e->headers[2], BEARER);
    assert_int_equal(e->nsecrets, 2);
    EXPECT_INT(c, e->secret_len[0], 32);
    EXPECT_INT(c, e->secret_len[1], 24);
    for (k = 0; k < 32; k++)
        EXPECT_INT(c, e->secret[0][k], k);
    for (k = 0; k < 24; k++)
        EXPECT_INT(c, e->secret[1][k], 100 + k);
    assert_int_equal(e->events.n, 2);
    EXPECT_STR(c, e->events.v[0], "message.new");
    EXPECT_STR(c, e->events.v[1], "quota.warning");
    assert_int_equal(e->domains.n, 2);
    EXPECT_STR(c, e->domains.v[1], "Example.ORG");
    assert_int_equal(e->users.n, 1);
    EXPECT_STR(c, e->users.v[0], "alice@example.com");
    assert_int_equal(e->folders.n, 2);
    EXPECT_STR(c, e->folders.v[0], "INBOX");
    EXPECT_STR(c, e->folders.v[1], "Lists");

    e = &cfg.ep[1];
    EXPECT_STR(c, e->name, "run.1");
    EXPECT_INT(c, e->ops == registry_find(notifiers, "exec", 4), 1);
    EXPECT_STR(c, target(e), "/usr/local/bin/x --flag=1");
    EXPECT_INT(c, e->timeout_ms, 120000);
    EXPECT_INT(c, e->concurrency, 4);
    EXPECT_INT(c, e->nheaders + e->nsecrets, 0);

    e = &cfg.ep[2];
    EXPECT_STR(c, e->name, "sock_2");
    EXPECT_INT(c, e->ops == registry_find(notifiers, "unix", 4), 1);
    EXPECT_STR(c, target(e), "/run/app/events.sock");
    EXPECT_INT(c, e->timeout_ms, 15000);
    EXPECT_INT(c, e->concurrency, 256);
    endpoint_free(&cfg);
    EXPECT_INT(c, cfg.nep, 0);
    CHECKED();
}

#define WEBHOOK "secrets = %S\n[endpoint crm]\nnotifier = webhook\n" \
    "url = https://example.com/\n"
#define EXEC "secrets = %S\n[endpoint run]\nnotifier = exec\ncommand = x\n"
#define GOOD_SECRET "crm = whsec_" KEY32 "\n"

/* Every mistake: -1, 4.3.5, the file, and the words that explain it. */
static void test_errors(void **state)
{
    static char many_headers[2048], many_values[1024], many_retries[256];
    static const struct {
        const char *conf;
        const char *secrets;
        mode_t mode;            /* of the secrets file; 0 = 0600 */
        int want_secrets_file;  /* the message names it, not the config */
        const char *want_err[4];
    } cases[] = {
        /* notifiers and their keys */
        {.conf = "secrets = %S\n[endpoint crm]\nnotifier = smtp\n",
         .want_err = {"line 3", "endpoint 'crm'", "unknown notifier 'smtp' "
                      "(webhook, exec, unix)"}},
        {.conf = "[endpoint crm]\ncommand = x\n",
         .want_err = {"line 1", "endpoint 'crm'", "no 'notifier'"}},
        {.conf = "secrets = %S\n[endpoint crm]\nnotifier = webhook\n",
         .secrets = GOOD_SECRET,
         .want_err = {"line 2", "endpoint 'crm'", "webhook needs 'url'"}},
        {.conf = "[endpoint run]\nnotifier = exec\ntimeout = 5s\n",
         .want_err = {"endpoint 'run'", "exec needs 'command'"}},
        {.conf = "[endpoint s]\nnotifier = unix\n",
         .want_err = {"endpoint 's'", "unix needs 'path'"}},
        {.conf = EXEC "url = https://example.com/\n",
         .want_err = {"line 5", "endpoint 'run'", "'url' is not a setting "
                      "of exec endpoints"}},
        {.conf = "[endpoint s]\nheader = A: b\nnotifier = unix\npath = /x\n",
         .want_err = {"line 2", "endpoint 's'", "'header' is not a setting "
                      "of unix"}},
        {.conf = WEBHOOK "path = /run/x.sock\n", .secrets = GOOD_SECRET,
         .want_err = {"line 5", "'path' is not a setting of webhook"}},
        {.conf = EXEC "[endpoint run]\nnotifier = exec\ncommand = y\n",
         .want_err = {"line 5", "endpoint 'run' defined twice"}},
        {.conf = EXEC "bogus = 1\n",
         .want_err = {"line 5", "endpoint 'run'", "unknown key 'bogus'"}},
        {.conf = EXEC "outbox = /tmp\n",
         .want_err = {"line 5", "'outbox' is a global setting"}},
        {.conf = "bogus = 1\n", .want_err = {"line 1", "unknown key 'bogus'"}},
        {.conf = EXEC "command\n",
         .want_err = {"line 5", "expected 'key = value'"}},
        {.conf = "[endpoint]\n", .want_err = {"line 1", "[endpoint NAME]"}},
        {.conf = "[server x]\n", .want_err = {"line 1", "[endpoint NAME]"}},
        {.conf = "[endpoint x\n", .want_err = {"line 1", "[endpoint NAME]"}},
        {.conf = "[endpoint a b]\n",
         .want_err = {"line 1", "bad endpoint name 'a b'"}},
        {.conf = "[endpoint a/b]\n",
         .want_err = {"line 1", "bad endpoint name 'a/b'"}},
        /* times */
        {.conf = EXEC "timeout = 5x\n",
         .want_err = {"line 5", "bad time for 'timeout'", "'5x'"}},
        {.conf = EXEC "timeout = 0\n", .want_err = {"line 5", "bad time"}},
        {.conf = EXEC "timeout = 0ms\n", .want_err = {"line 5", "bad time"}},
        {.conf = EXEC "timeout = 2h\n", .want_err = {"line 5", "bad time"}},
        {.conf = EXEC "timeout = -5s\n", .want_err = {"line 5", "bad time"}},
        {.conf = EXEC "timeout = 1.5s\n", .want_err = {"line 5", "bad time"}},
        {.conf = EXEC "timeout =\n", .want_err = {"line 5", "bad time"}},
        {.conf = EXEC "timeout = 99999999999999999999\n",
         .want_err = {"line 5", "bad time"}},
        {.conf = "retry_schedule = 0 500ms\n",
         .want_err = {"line 1", "retry_schedule", "bad time '500ms'"}},
        {.conf = "retry_schedule = 0 5s 31d\n",
         .want_err = {"line 1", "retry_schedule", "bad time '31d'"}},
        {.conf = "retry_schedule = 0 5q\n",
         .want_err = {"line 1", "bad time '5q'"}},
        {.conf = "retry_schedule =\n",
         .want_err = {"line 1", "retry_schedule is empty"}},
        {.conf = many_retries,
         .want_err = {"line 1", "more than 16 attempts"}},
        {.conf = "retry_jitter = 101%\n",
         .want_err = {"line 1", "bad value for 'retry_jitter'"}},
        {.conf = "retry_jitter = ten\n",
         .want_err = {"line 1", "bad value for 'retry_jitter'"}},
        {.conf = "outbox = relative/dir\n",
         .want_err = {"line 1", "bad value for 'outbox'"}},
        /* concurrency */
        {.conf = EXEC "concurrency = 0\n",
         .want_err = {"line 5", "bad value for 'concurrency'", "'0'"}},
        {.conf = EXEC "concurrency = 257\n",
         .want_err = {"line 5", "concurrency", "1 to 256"}},
        {.conf = EXEC "concurrency = four\n",
         .want_err = {"line 5", "concurrency"}},
        {.conf = EXEC "concurrency = -1\n",
         .want_err = {"line 5", "concurrency"}},
        {.conf = EXEC "concurrency = 4%\n",
         .want_err = {"line 5", "concurrency"}},
        /* filters and headers */
        {.conf = EXEC "events = message.new message.neww\n",
         .want_err = {"line 5", "unknown event 'message.neww'"}},
        {.conf = many_values, .want_err = {"line 5", "more than 16 users"}},
        {.conf = WEBHOOK "header = NoColon\n", .secrets = GOOD_SECRET,
         .want_err = {"line 5", "header needs 'Name: value'"}},
        {.conf = WEBHOOK "header = Bad Name: x\n", .secrets = GOOD_SECRET,
         .want_err = {"line 5", "bad header name"}},
        {.conf = WEBHOOK "header = Webhook-Signature: v1,x\n",
         .secrets = GOOD_SECRET,
         .want_err = {"line 5", "'webhook-signature' is set by the "
                      "notifier itself"}},
        {.conf = many_headers, .secrets = GOOD_SECRET,
         .want_err = {"line 13", "more than 8 headers"}},
        /* the secrets file */
        {.conf = WEBHOOK, .secrets = GOOD_SECRET, .mode = 0644,
         .want_secrets_file = 1,
         .want_err = {"readable by group or others", "mode 0644",
                      "chmod 600"}},
        {.conf = WEBHOOK, .secrets = GOOD_SECRET, .mode = 0640,
         .want_secrets_file = 1,
         .want_err = {"readable by group or others", "mode 0640",
                      "chmod 600"}},
        {.conf = WEBHOOK, .secrets = GOOD_SECRET, .mode = 0604,
         .want_secrets_file = 1, .want_err = {"mode 0604", "chmod 600"}},
        {.conf = WEBHOOK, .secrets = GOOD_SECRET, .mode = 0610,
         .want_secrets_file = 1,
         .want_err = {"accessible by group or others", "mode 0610"}},
        {.conf = EXEC, .secrets = "", .mode = 0660,
         .want_secrets_file = 1, .want_err = {"mode 0660", "chmod 600"}},
        {.conf = WEBHOOK, .secrets = GOOD_SECRET "nope = whsec_" KEY32 "\n",
         .want_secrets_file = 1,
         .want_err = {"line 2", "unknown endpoint 'nope'"}},
        {.conf = WEBHOOK, .secrets = GOOD_SECRET "nope.header = " BEARER "\n",
         .want_secrets_file = 1,
         .want_err = {"line 2", "unknown endpoint 'nope.header'"}},
        {.conf = WEBHOOK, .secrets = GOOD_SECRET "whsec_" KEY32 "\n",
         .want_secrets_file = 1, .want_err = {"line 2", "unknown endpoint"}},
        {.conf = WEBHOOK, .secrets = "# none\n",
         .want_err = {"endpoint 'crm'", "webhook needs a secret",
                      "crm = whsec_"}},
        {.conf = WEBHOOK,
         .want_err = {"endpoint 'crm'", "webhook needs a secret",
                      "no such file"}},
        {.conf = WEBHOOK, .secrets = "crm = whsec_!!!!" KEY24 "\n",
         .want_secrets_file = 1,
         .want_err = {"line 1", "endpoint 'crm'", "secret 1 is not 'whsec_'"}},
        {.conf = WEBHOOK, .secrets = "crm = whsec_" KEY23 "\n",
         .want_secrets_file = 1, .want_err = {"line 1", "secret 1 is not"}},
        {.conf = WEBHOOK, .secrets = "crm = " KEY32 "\n",
         .want_secrets_file = 1, .want_err = {"line 1", "secret 1 is not"}},
        {.conf = WEBHOOK, .secrets = "crm = whsec_" KEY32 " whsec_x\n",
         .want_secrets_file = 1, .want_err = {"line 1", "secret 2 is not"}},
        {.conf = WEBHOOK, .secrets = "crm =\n", .want_secrets_file = 1,
         .want_err = {"line 1", "no secret"}},
        {.conf = WEBHOOK, .secrets = "crm = whsec_" KEY32 " whsec_" KEY32
         " whsec_" KEY32 " whsec_" KEY32 " whsec_" KEY32 "\n",
         .want_secrets_file = 1, .want_err = {"line 1", "more than 4 secrets"}},
        {.conf = WEBHOOK, .secrets = GOOD_SECRET GOOD_SECRET,
         .want_secrets_file = 1, .want_err = {"line 2", "given twice"}},
        {.conf = WEBHOOK, .secrets = GOOD_SECRET "crm.header = NoColon\n",
         .want_secrets_file = 1,
         .want_err = {"line 2", "endpoint 'crm'", "header needs"}},
        {.conf = EXEC, .secrets = "run = whsec_" KEY32 "\n",
         .want_secrets_file = 1,
         .want_err = {"line 1", "endpoint 'run'", "exec endpoints take no "
                      "secrets"}},
        {.conf = EXEC, .secrets = "run.header = " BEARER "\n",
         .want_secrets_file = 1, .want_err = {"take no headers"}},
        {.conf = WEBHOOK, .secrets = "whsec_" KEY32,
         .want_secrets_file = 1, .want_err = {"line 1", "unknown endpoint"}},
        {.conf = WEBHOOK, .secrets = "crm whsec_" KEY24 "\n",
         .want_secrets_file = 1, .want_err = {"line 1", "expected"}},
        /* the drivers' own checks */
        {.conf = "[endpoint run]\nnotifier = exec\ncommand =\n",
         .want_err = {"endpoint 'run'", "'command' is empty"}},
        {.conf = "[endpoint s]\nnotifier = unix\npath = /run/"
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
         ".sock\n", .want_err = {"endpoint 's'", "'path' is longer"}},
        {.conf = "secrets = %S\n[endpoint crm]\nnotifier = webhook\n"
         "url = ftp://example.com/\n", .secrets = GOOD_SECRET,
         .want_err = {"endpoint 'crm'", "ftp://"}},
    };
    struct notifyd_config cfg;
    struct status st;
    char label[128], spath[256], want_file[300];
    const char *p;
    size_t i, j, o;
    int rc;

    (void)state;
    o = (size_t)snprintf(many_headers, sizeof(many_headers), "%s", WEBHOOK);
    for (j = 0; j < 9; j++)
        o += (size_t)snprintf(many_headers + o, sizeof(many_headers) - o,
                              "header = X-H%zu: v\n", j);
    o = (size_t)snprintf(many_values, sizeof(many_values), "%s users =",
                         EXEC);
    for (j = 0; j < 17; j++)
        o += (size_t)snprintf(many_values + o, sizeof(many_values) - o,
                              " u%zu@example.com", j);
    snprintf(many_values + o, sizeof(many_values) - o, "\n");
    o = (size_t)snprintf(many_retries, sizeof(many_retries),
                         "retry_schedule =");
    for (j = 0; j < 17; j++)
        o += (size_t)snprintf(many_retries + o, sizeof(many_retries) - o,
                              " %zus", j);
    snprintf(many_retries + o, sizeof(many_retries) - o, "\n");
    snprintf(spath, sizeof(spath), "%s/secrets", tmpdir);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(label, sizeof(label), "errors case %zu (%s)", i,
                 cases[i].want_err[cases[i].want_err[1] ? 1 : 0]);
        rc = load(&cfg, cases[i].conf, cases[i].secrets,
                  cases[i].mode ? cases[i].mode : 0600, &st);
        EXPECT_INT(label, rc, -1);
        if (rc == 0) {
            endpoint_free(&cfg);
            continue;
        }
        EXPECT_STR(label, st.code, "4.3.5");
        EXPECT_INT(label, cfg.nep, 0);
        EXPECT_INT(label, strchr(st.text, '\n') == NULL, 1);
        if (cases[i].want_secrets_file)
            snprintf(want_file, sizeof(want_file), "secrets '%s'", spath);
        else
            snprintf(want_file, sizeof(want_file), "config '%s/notifyd.conf'",
                     tmpdir);
        EXPECT_HAS(label, st.text, want_file);
        /* the endpoint named once, whoever wrote the message */
        p = strstr(st.text, "endpoint '");
        EXPECT_INT(label, p != NULL && strstr(p + 1, "endpoint '") != NULL,
                   0);
        for (j = 0; j < 4 && cases[i].want_err[j]; j++)
            EXPECT_HAS(label, st.text, cases[i].want_err[j]);
        /* no secret, whole or in part, in any message */
        EXPECT_INT(label, strstr(st.text, "AAECAwQF") == NULL, 1);
        EXPECT_INT(label, strstr(st.text, "ZGVmZ2hp") == NULL, 1);
        EXPECT_INT(label, strstr(st.text, "s3cret") == NULL, 1);
    }
    /* a configuration file that is not there */
    snprintf(spath, sizeof(spath), "%s/nosuch.conf", tmpdir);
    rc = endpoint_load(&cfg, spath, &st);
    EXPECT_INT("missing config", rc, -1);
    if (rc < 0)
        EXPECT_HAS("missing config", st.text, "No such file");
    /* a directory where the secrets file should be */
    snprintf(spath, sizeof(spath), "%s/secrets", tmpdir);
    unlink(spath);
    assert_int_equal(mkdir(spath, 0700), 0);
    write_file(want_file, sizeof(want_file), "notifyd.conf", EXEC, 0644);
    rc = endpoint_load(&cfg, want_file, &st);
    EXPECT_INT("secrets directory", rc, -1);
    if (rc < 0)
        EXPECT_HAS("secrets directory", st.text, "not a regular file");
    assert_int_equal(rmdir(spath), 0);
    CHECKED();
}

/* Filters: each set one must hold; NULL or "" never passes one. */
static void test_wants(void **state)
{
    static const char conf[] =
        "secrets = %S\n"
        "[endpoint any]\nnotifier = exec\ncommand = x\n"
        "[endpoint some]\nnotifier = exec\ncommand = x\n"
        "events = message.new,quota.exceeded\n"
        "domains = example.com Example.NET\n"
        "users = Alice@example.com, bob@example.net\n"
        "folders = INBOX, Lists\n"
        "[endpoint quota]\nnotifier = exec\ncommand = x\n"
        "events = quota.warning\n";
    static const struct {
        int ep;
        const char *type, *domain, *user, *folder;
        int want;
    } cases[] = {
        {0, "message.new", "example.com", "alice@example.com", "INBOX", 1},
        {0, NULL, NULL, NULL, NULL, 1},
        {0, "", "", "", "", 1},
        {1, "message.new", "example.com", "alice@example.com", "INBOX", 1},
        {1, "quota.exceeded", "EXAMPLE.com", "ALICE@EXAMPLE.COM", "Lists", 1},
        {1, "message.new", "example.net", "bob@example.net", "Lists", 1},
        {1, "quota.warning", "example.com", "alice@example.com", "INBOX", 0},
        {1, "Message.New", "example.com", "alice@example.com", "INBOX", 0},
        {1, "message.new", "example.org", "alice@example.com", "INBOX", 0},
        {1, "message.new", "example.com", "carol@example.com", "INBOX", 0},
        {1, "message.new", "example.com", "alice@example.com", "inbox", 0},
        {1, "message.new", "example.com", "alice@example.com", "Trash", 0},
        {1, NULL, "example.com", "alice@example.com", "INBOX", 0},
        {1, "message.new", NULL, "alice@example.com", "INBOX", 0},
        {1, "message.new", "example.com", "", "INBOX", 0},
        {1, "message.new", "example.com", "alice@example.com", NULL, 0},
        {1, "message.new", "example.com", "alice@example.com", "", 0},
        {2, "quota.warning", NULL, NULL, NULL, 1},
        {2, "message.new", "example.com", "alice@example.com", "INBOX", 0},
    };
    struct notifyd_config cfg;
    struct status st;
    char label[160];
    size_t i;

    (void)state;
    assert_int_equal(load(&cfg, conf, NULL, 0600, &st), 0);
    assert_int_equal(cfg.nep, 3);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(label, sizeof(label), "wants case %zu (%s)", i,
                 cfg.ep[cases[i].ep].name);
        EXPECT_INT(label, endpoint_wants(&cfg.ep[cases[i].ep], cases[i].type,
                                         cases[i].domain, cases[i].user,
                                         cases[i].folder), cases[i].want);
    }
    endpoint_free(&cfg);
    CHECKED();
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    char path[256];

    (void)state;
    snprintf(path, sizeof(path), "%s/notifyd.conf", tmpdir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/secrets", tmpdir);
    unlink(path);
    return rmdir(tmpdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_all_keys),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_wants),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
