/*
 * fuzz_sieve_run.c - a hostile script run over a hostile message
 *
 * Input: script NUL message NUL sender NUL recipient.  A script that
 * parses is run over the message (read through pread, as lda reads the
 * tmp/ file back); the promise: sieve_execute returns 0, 1 or -1, and
 * on 0 or 1 the result holds at least one action, each of a known type
 * with what that type needs (a folder to store into, an address to
 * redirect to, a reason to reject with).
 */
#include "fuzz.h"

#include "../../sieve/sieve.h"

struct mem {
    const char *p;
    size_t len;
};

static long mem_pread(void *arg, void *buf, size_t len, uint64_t off)
{
    const struct mem *m = arg;

    if (off >= m->len)
        return 0;
    if (len > m->len - off)
        len = m->len - off;
    memcpy(buf, m->p + off, len);
    return (long)len;
}

static int folder_exists(void *arg, const char *folder)
{
    (void)arg;
    return strcmp(folder, "Junk") == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sieve_conf conf;
    struct sieve_script *s = NULL;
    struct sieve_error err;
    struct sieve_result res;
    struct sieve_env env;
    struct mem m;
    char *part[4];
    int rc, i;

    fuzz_split(data, size, part, 4);
    sieve_conf_defaults(&conf);
    conf.max_cpu_time = 2;
    snprintf(conf.spam_status_type, sizeof(conf.spam_status_type), "score");
    snprintf(conf.spam_status_header, sizeof(conf.spam_status_header),
             "X-Spam-Score");
    snprintf(conf.spam_max_value, sizeof(conf.spam_max_value), "15");
    memset(&err, 0, sizeof(err));
    if (sieve_parse_text(&conf, "fuzz", part[0], strlen(part[0]), &s, &err)
        < 0) {
        free(part[0]);
        return 0;
    }
    m.p = part[1];
    m.len = strlen(part[1]);
    memset(&env, 0, sizeof(env));
    env.from = part[2];
    env.to = *part[3] ? part[3] : "user+detail@example.com";
    env.user = "user";
    env.default_folder = "INBOX";
    env.now = 1700000000;
    env.size = m.len;
    env.pread = mem_pread;
    env.mailbox_exists = folder_exists;
    env.arg = &m;
    memset(&res, 0, sizeof(res));
    rc = sieve_execute(&conf, &s, 1, &env, &res, &err);
    if (rc < -1 || rc > 1)
        fuzz_fail("sieve_execute returned %d", rc);
    if (rc >= 0 && res.n < 1)
        fuzz_fail("no action in the result (rc %d)", rc);
    for (i = 0; rc >= 0 && i < res.n; i++) {
        const struct sieve_action *a = &res.act[i];

        if (a->type == SIEVE_KEEP && a->folder == NULL)
            fuzz_fail("action %d: a store without a folder", i);
        if (a->type == SIEVE_REDIRECT && a->address == NULL)
            fuzz_fail("action %d: a redirect without an address", i);
        if (a->type == SIEVE_VACATION && a->vacation == NULL)
            fuzz_fail("action %d: a vacation without its parameters", i);
        if (a->type > SIEVE_VACATION)
            fuzz_fail("action %d: unknown type %d", i, (int)a->type);
    }
    sieve_result_free(&res);
    sieve_script_free(s);
    free(part[0]);
    return 0;
}
