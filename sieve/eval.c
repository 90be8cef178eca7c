/*
 * eval.c - running a sequence of Sieve scripts over one message
 *
 * sieve_execute runs the scripts in order (sieve_before, the user's,
 * sieve_after), the next only while the implicit keep is in effect, as
 * Pigeonhole does.  Each command or test is one function, found by its
 * id in a table; this file holds the walk, the control commands and the
 * logical tests, actions.c the result, flags.c imap4flags, include.c
 * include.  A runtime error drops the failing script's actions and ends
 * the sequence: the earlier scripts' actions and the implicit keep
 * stand (RFC 5228 2.10.6: an error must not lose the message).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actions.h"

/* the CPU clock is read once every this many commands and tests */
#define SV_CPU_EVERY 256

static int cmd_require(struct sv_run *r, const struct sv_node *n);
static int cmd_if(struct sv_run *r, const struct sv_node *n);
static int cmd_elsif(struct sv_run *r, const struct sv_node *n);
static int cmd_else(struct sv_run *r, const struct sv_node *n);
static int cmd_stop(struct sv_run *r, const struct sv_node *n);
static int test_allof(struct sv_run *r, const struct sv_node *n);
static int test_anyof(struct sv_run *r, const struct sv_node *n);
static int test_not(struct sv_run *r, const struct sv_node *n);
static int test_true(struct sv_run *r, const struct sv_node *n);
static int test_false(struct sv_run *r, const struct sv_node *n);

/* One function per command and test: 0 / -1 for a command, 1 / 0 / -1
 * for a test. */
static const sv_test_fn dispatch[SV_ID_MAX] = {
    [SV_REQUIRE] = cmd_require,
    [SV_IF] = cmd_if,
    [SV_ELSIF] = cmd_elsif,
    [SV_ELSE] = cmd_else,
    [SV_STOP] = cmd_stop,
    [SV_KEEP] = sv_cmd_keep,
    [SV_DISCARD] = sv_cmd_discard,
    [SV_REDIRECT] = sv_cmd_redirect,
    [SV_FILEINTO] = sv_cmd_fileinto,
    [SV_REJECT] = sv_cmd_reject,
    [SV_EREJECT] = sv_cmd_reject,
    [SV_SETFLAG] = sv_cmd_setflag,
    [SV_ADDFLAG] = sv_cmd_addflag,
    [SV_REMOVEFLAG] = sv_cmd_removeflag,
    [SV_SET] = sv_cmd_set,
    [SV_VACATION] = sv_cmd_vacation,
    [SV_INCLUDE] = sv_cmd_include,
    [SV_RETURN] = sv_cmd_return,
    [SV_GLOBAL] = sv_cmd_global,
    [SV_ADDRESS] = sv_test_address,
    [SV_ALLOF] = test_allof,
    [SV_ANYOF] = test_anyof,
    [SV_ENVELOPE] = sv_test_envelope,
    [SV_EXISTS] = sv_test_exists,
    [SV_FALSE] = test_false,
    [SV_TRUE] = test_true,
    [SV_HEADER] = sv_test_header,
    [SV_NOT] = test_not,
    [SV_SIZE] = sv_test_size,
    [SV_BODY] = sv_test_body,
    [SV_DATE] = sv_test_date,
    [SV_CURRENTDATE] = sv_test_currentdate,
    [SV_SPAMTEST] = sv_test_spamtest,
    [SV_VIRUSTEST] = sv_test_virustest,
    [SV_HASFLAG] = sv_test_hasflag,
    [SV_MAILBOXEXISTS] = sv_test_mailboxexists,
    [SV_STRING] = sv_test_string,
};

const struct sieve_env *sv_env(const struct sv_run *r)
{
    return r->env;
}

const struct sieve_conf *sv_conf(const struct sv_run *r)
{
    return r->conf;
}

int sv_error(struct sv_run *r, const struct sv_node *n, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->err->text, sizeof(r->err->text), fmt, ap);
    va_end(ap);
    snprintf(r->err->file, sizeof(r->err->file), "%s",
             r->script ? r->script->name : "");
    r->err->line = n ? n->line : 0;
    r->err->col = n ? n->col : 0;
    return -1;
}

int sv_oom(struct sv_run *r, const struct sv_node *n)
{
    r->acts->oom = 1;
    return sv_error(r, n, "out of memory");
}

int sv_list_count(const struct sv_arg *a)
{
    if (a == NULL)
        return 0;
    if (a->type == SV_STR)
        return a->v ? 1 : 0;
    return a->type == SV_LIST ? a->n : 0;
}

/* step - count a command or test; every so often, the CPU time limit */
static int step(struct sv_run *r, const struct sv_node *n)
{
    struct timespec now;
    double used;

    if (++r->steps % SV_CPU_EVERY != 0 || r->conf->max_cpu_time == 0)
        return 0;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now) != 0)
        return 0;
    used = (double)(now.tv_sec - r->cpu_start.tv_sec)
        + (double)(now.tv_nsec - r->cpu_start.tv_nsec) / 1e9;
    if (used > (double)r->conf->max_cpu_time)
        return sv_error(r, n, "execution exceeded CPU time limit");
    return 0;
}

/* call - the function of n's id */
static int call(struct sv_run *r, const struct sv_node *n)
{
    sv_test_fn fn = NULL;

    if (n->def && n->def->id < SV_ID_MAX)
        fn = dispatch[n->def->id];
    if (fn == NULL)
        return sv_error(r, n, "unknown command '%s'", n->name);
    if (step(r, n) < 0)
        return -1;
    return fn(r, n);
}

int sv_run_block(struct sv_run *r, const struct sv_node *first)
{
    const struct sv_node *n;

    for (n = first; n; n = n->next) {
        if (call(r, n) < 0)
            return -1;
        if (r->acts->halt != SV_GO)
            break;
    }
    return 0;
}

int sv_run_test(struct sv_run *r, const struct sv_node *n)
{
    int rc;

    if (n == NULL)
        return sv_error(r, NULL, "missing test");
    rc = call(r, n);
    return rc < 0 ? -1 : rc > 0;
}

/* cmd_require - the parser enabled the extensions: nothing to run */
static int cmd_require(struct sv_run *r, const struct sv_node *n)
{
    (void)r;
    (void)n;
    return 0;
}

/* branch - test n's condition; run its block when it holds */
static int branch(struct sv_run *r, const struct sv_node *n)
{
    int t = sv_run_test(r, n->ntests > 0 ? n->tests[0] : NULL);

    if (t < 0)
        return -1;
    r->acts->taken = t;
    if (t == 0)
        return 0;
    t = sv_run_block(r, n->block);
    /* the block's own if chains reused taken: this chain is done */
    r->acts->taken = 1;
    return t;
}

static int cmd_if(struct sv_run *r, const struct sv_node *n)
{
    return branch(r, n);
}

static int cmd_elsif(struct sv_run *r, const struct sv_node *n)
{
    return r->acts->taken ? 0 : branch(r, n);
}

static int cmd_else(struct sv_run *r, const struct sv_node *n)
{
    int rc;

    if (r->acts->taken)
        return 0;
    rc = sv_run_block(r, n->block);
    r->acts->taken = 1;
    return rc;
}

static int cmd_stop(struct sv_run *r, const struct sv_node *n)
{
    (void)n;
    r->acts->halt = SV_HALT_STOP;
    return 0;
}

/* test_allof - true when every test is; stops at the first false */
static int test_allof(struct sv_run *r, const struct sv_node *n)
{
    int i, t;

    for (i = 0; i < n->ntests; i++) {
        t = sv_run_test(r, n->tests[i]);
        if (t <= 0)
            return t;
    }
    return 1;
}

/* test_anyof - true when one test is; stops at the first true */
static int test_anyof(struct sv_run *r, const struct sv_node *n)
{
    int i, t;

    for (i = 0; i < n->ntests; i++) {
        t = sv_run_test(r, n->tests[i]);
        if (t != 0)
            return t;
    }
    return 0;
}

static int test_not(struct sv_run *r, const struct sv_node *n)
{
    int t = sv_run_test(r, n->ntests > 0 ? n->tests[0] : NULL);

    return t < 0 ? -1 : !t;
}

static int test_true(struct sv_run *r, const struct sv_node *n)
{
    (void)r;
    (void)n;
    return 1;
}

static int test_false(struct sv_run *r, const struct sv_node *n)
{
    (void)r;
    (void)n;
    return 0;
}

/* run_script - one script of the sequence, with its own variables and
 * globals and a fresh implicit keep; the internal flags variable goes on
 * from the script before, as in Pigeonhole */
static int run_script(struct sv_run *r, const struct sieve_script *s)
{
    struct sv_actions *a = r->acts;
    int rc;

    a->base = a->n;
    a->keep = 1;
    a->halt = SV_GO;
    a->taken = 0;
    a->depth = 0;
    sv_globals_reset(a);
    r->script = s;
    r->vars = sv_vars_new();
    if (r->vars == NULL)
        return sv_oom(r, NULL);
    rc = sv_run_block(r, s->first);
    sv_vars_free(r->vars);
    r->vars = NULL;
    return rc;
}

/* drop - the actions of the failing script, from base on */
static void drop(struct sv_actions *a)
{
    while (a->n > a->base)
        sv_act_clear(&a->act[--a->n]);
}

int sieve_execute(const struct sieve_conf *conf,
                  struct sieve_script *const *scripts, int n,
                  const struct sieve_env *env, struct sieve_result *res,
                  struct sieve_error *err)
{
    struct sv_actions a;
    struct sv_run r;
    const struct sieve_script *last = NULL;
    char *flags = NULL;
    int i, rc = 0, ret = 0;

    memset(res, 0, sizeof(*res));
    memset(err, 0, sizeof(*err));
    memset(&a, 0, sizeof(a));
    memset(&r, 0, sizeof(r));
    r.conf = conf;
    r.env = env;
    r.err = err;
    r.acts = &a;
    a.keep = 1;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &r.cpu_start) != 0)
        memset(&r.cpu_start, 0, sizeof(r.cpu_start));
    r.msg = sv_msg_open(env->pread, env->arg, env->size);
    if (r.msg == NULL)
        rc = sv_oom(&r, NULL);
    for (i = 0; rc == 0 && i < n && a.keep; i++) {
        if (scripts[i] == NULL)
            continue;
        last = scripts[i];
        free(flags);
        flags = NULL;
        if (a.flags && (flags = strdup(a.flags)) == NULL) {
            rc = sv_oom(&r, NULL);
            break;
        }
        rc = run_script(&r, scripts[i]);
    }
    if (rc < 0 && !a.oom) {
        /* the failing script's actions go, flags it set included; the
         * implicit keep comes back */
        drop(&a);
        a.keep = 1;
        free(a.flags);
        a.flags = flags;
        flags = NULL;
        ret = 1;
    }
    free(flags);
    if (!a.oom)
        sv_act_finish(&r, last);        /* fails only out of memory */
    if (a.oom) {
        snprintf(err->text, sizeof(err->text), "out of memory");
        ret = -1;
    } else {
        res->act = a.act;
        res->n = a.n;
        a.act = NULL;
        a.n = 0;
    }
    sv_act_free(&a);
    sv_vars_free(r.vars);
    sv_msg_free(r.msg);
    for (i = 0; i < 4; i++)
        free(r.slot[i]);
    return ret;
}

void sieve_result_free(struct sieve_result *res)
{
    int i;

    if (res == NULL)
        return;
    for (i = 0; i < res->n; i++)
        sv_act_clear(&res->act[i]);
    free(res->act);
    res->act = NULL;
    res->n = 0;
}
