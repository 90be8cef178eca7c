/*
 * main.c - lda-sieve: check Sieve scripts, or try them on a message
 *
 *   lda-sieve check SCRIPT...
 *   lda-sieve test [options] SCRIPT MESSAGE
 *
 * "check" parses each script with its includes, as sievec does; "test"
 * runs the sequence (-s scripts, SCRIPT, -A scripts) over MESSAGE as a
 * delivery would, as Pigeonhole's sieve-test does, and prints what lda
 * would do, one action a line, without storing or sending anything.
 * The settings are lda.conf's (-c, -o), so a script behaves here as it
 * will in delivery.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lda/config.h"
#include "../lda/message.h"
#include "../util/status.h"
#include "sieve.h"

#define MAX_LIST 64
#define EX_SCRIPT 1             /* a script does not compile or failed */
#define EX_NOINPUT_ 66          /* sysexits EX_NOINPUT: the message */

static const char usage[] =
    "usage: lda-sieve check SCRIPT...\n"
    "       lda-sieve test [-c lda.conf] [-o key=value]... [-f SENDER]\n"
    "                 [-r RECIPIENT] [-a ORIG_RECIPIENT] [-m FOLDER]\n"
    "                 [-s BEFORE_SCRIPT]... [-A AFTER_SCRIPT]...\n"
    "                 [-D MAILBOX]... SCRIPT MESSAGE\n";

struct list {
    const char *v[MAX_LIST];
    int n;
};

struct options {
    const char *config, *from, *to, *orig_to, *folder;
    struct list overrides, before, after, mailboxes;
};

/* One option: a single value or a list it adds to. */
struct opt {
    int ch;
    size_t one;                 /* offset of a const char * */
    size_t many;                /* offset of a struct list, if one is 0 */
};

#define ONE(c, f) {c, offsetof(struct options, f), 0}
#define MANY(c, f) {c, 0, offsetof(struct options, f)}
static const struct opt opts[] = {
    ONE('c', config), ONE('f', from), ONE('r', to), ONE('a', orig_to),
    ONE('m', folder), MANY('o', overrides), MANY('s', before),
    MANY('A', after), MANY('D', mailboxes),
};

/* The message file, after any mbox "From " line. */
struct msgfile {
    int fd;
    uint64_t skip;
    const struct list *mailboxes;
};

/* parse_options - argv into o; -1 with a message on a bad option */
static int parse_options(int argc, char **argv, struct options *o)
{
    size_t i;
    int ch;

    while ((ch = getopt(argc, argv, "+c:o:f:r:a:m:s:A:D:")) != -1) {
        for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
            if (opts[i].ch == ch)
                break;
        if (i == sizeof(opts) / sizeof(opts[0]))
            return -1;
        if (opts[i].one) {
            *(const char **)((char *)o + opts[i].one) = optarg;
        } else {
            struct list *l = (struct list *)((char *)o + opts[i].many);

            if (l->n == MAX_LIST) {
                fprintf(stderr, "lda-sieve: too many -%c options\n", ch);
                return -1;
            }
            l->v[l->n++] = optarg;
        }
    }
    return 0;
}

/*
 * load_conf - lda.conf's Sieve settings: -c's file (or the built-in
 * values, as sieve_conf_defaults gives them) and the -o overrides, the
 * delimiter and the personal directory completed as delivery does
 */
static int load_conf(const struct options *o, struct sieve_conf *conf)
{
    static struct config cfg;
    const char *home = getenv("HOME");
    const char *dir;
    struct status st;
    int i;

    if (o->config) {
        if (config_read(&cfg, o->config, o->overrides.v, o->overrides.n,
                        &st) < 0)
            goto fail;
    } else {
        config_defaults(&cfg);
        for (i = 0; i < o->overrides.n; i++)
            if (config_override(&cfg, o->overrides.v[i], &st) < 0)
                goto fail;
    }
    *conf = cfg.sieve.conf;
    snprintf(conf->delimiter, sizeof(conf->delimiter), "%s",
             cfg.recipient_delimiter);
    dir = cfg.sieve.personal_dir;
    if (strncmp(dir, "~/", 2) == 0 && home)
        i = snprintf(conf->personal_dir, sizeof(conf->personal_dir), "%s%s",
                     home, dir + 1);
    else
        i = snprintf(conf->personal_dir, sizeof(conf->personal_dir), "%s",
                     dir);
    if (i < 0 || i >= (int)sizeof(conf->personal_dir))
        status_set(&st, "4.3.5", "sieve_dir '%s': too long", dir);
    else
        return 0;
fail:
    fprintf(stderr, "lda-sieve: %s\n", st.text);
    return -1;
}

/* print_error - "FILE:LINE:COL: error: TEXT", as a compiler prints */
static void print_error(const struct sieve_error *err, const char *path)
{
    const char *file = err->file[0] ? err->file : path;

    if (err->line > 0)
        fprintf(stderr, "%s:%d:%d: error: %s\n", file, err->line, err->col,
                err->text);
    else
        fprintf(stderr, "%s: error: %s\n", file, err->text);
}

/* load - parse one script, the error printed; 0 or -1 */
static int load(const struct sieve_conf *conf, const char *path,
                struct sieve_script **out)
{
    struct sieve_error err;

    memset(&err, 0, sizeof(err));
    if (sieve_load(conf, path, out, &err) == 0)
        return 0;
    print_error(&err, path);
    return -1;
}

/* print_text - s on one line: line ends as \n, other controls as ? */
static void print_text(const char *s)
{
    for (; *s; s++) {
        if (s[0] == '\r' && s[1] == '\n')
            continue;
        if (*s == '\n')
            fputs("\\n", stdout);
        else
            putchar((unsigned char)*s < ' ' || *s == 0x7f ? '?' : *s);
    }
}

static void print_store(const struct sieve_action *a)
{
    int i;

    printf("%s %s", a->implicit ? "keep" : "store", a->folder);
    if (a->nflags > 0)
        fputs(" flags:", stdout);
    for (i = 0; i < a->nflags; i++)
        printf(" %s", a->flags[i]);
    putchar('\n');
}

static void print_reject(const struct sieve_action *a)
{
    fputs(a->type == SIEVE_EREJECT ? "ereject " : "reject ", stdout);
    print_text(a->reason ? a->reason : "");
    putchar('\n');
}

/* print_action - one action in lda-sieve's report format */
static void print_action(const struct sieve_action *a,
                         const struct sieve_env *env)
{
    switch (a->type) {
    case SIEVE_KEEP: print_store(a); break;
    case SIEVE_DISCARD: puts("discard"); break;
    case SIEVE_REDIRECT: printf("redirect %s\n", a->address); break;
    case SIEVE_REJECT:
    case SIEVE_EREJECT: print_reject(a); break;
    case SIEVE_VACATION:
        printf("vacation %s\n", a->vacation && a->vacation->to
               ? a->vacation->to : env->from);
        break;
    }
}

/* read_at - the message for the scripts, from after any "From " line */
static long read_at(void *arg, void *buf, size_t len, uint64_t off)
{
    const struct msgfile *m = arg;
    ssize_t n;

    do
        n = pread(m->fd, buf, len, (off_t)(m->skip + off));
    while (n < 0 && errno == EINTR);
    return (long)n;
}

/* exists - mailboxexists: INBOX and the -D folders */
static int exists(void *arg, const char *folder)
{
    const struct msgfile *m = arg;
    int i;

    if (strcasecmp(folder, "INBOX") == 0)
        return 1;
    for (i = 0; i < m->mailboxes->n; i++)
        if (strcmp(folder, m->mailboxes->v[i]) == 0)
            return 1;
    return 0;
}

/*
 * open_message - the message file into m and env (its size, and the
 * sender of a leading mbox "From " line when -f is not given, as lda
 * does); -1 with a message when it cannot be read
 */
static int open_message(const char *path, struct msgfile *m,
                        struct sieve_env *env, char *sender, size_t cap)
{
    char buf[1024];
    struct stat sb;
    long n;

    if ((m->fd = open(path, O_RDONLY)) < 0 || fstat(m->fd, &sb) < 0) {
        fprintf(stderr, "lda-sieve: open '%s': %s\n", path, strerror(errno));
        return -1;
    }
    m->skip = 0;
    if ((n = read_at(m, buf, sizeof(buf), 0)) < 0) {
        fprintf(stderr, "lda-sieve: read '%s': %s\n", path, strerror(errno));
        return -1;
    }
    m->skip = message_from_line(buf, (size_t)n, sender, cap);
    if (m->skip == (uint64_t)n && memchr(buf, '\n', (size_t)n) == NULL)
        m->skip = (uint64_t)sb.st_size;   /* a "From " line and nothing */
    env->size = (uint64_t)sb.st_size - m->skip;
    env->pread = read_at;
    env->mailbox_exists = exists;
    env->arg = m;
    return 0;
}

/* test - lda-sieve test: run the scripts over the message, print */
static int test(const struct options *o, const char *script, const char *msg)
{
    static struct sieve_script *s[2 * MAX_LIST + 1];
    struct sieve_conf conf;
    struct sieve_env env;
    struct sieve_result res;
    struct sieve_error err;
    struct msgfile m;
    char sender[320] = "";
    int n = 0, i, bad = 0, rc;

    if (load_conf(o, &conf) < 0)
        return EX_USAGE_;
    for (i = 0; i < o->before.n; i++)
        bad |= load(&conf, o->before.v[i], &s[n++]);
    bad |= load(&conf, script, &s[n++]);
    for (i = 0; i < o->after.n; i++)
        bad |= load(&conf, o->after.v[i], &s[n++]);
    if (bad)
        return EX_SCRIPT;
    memset(&env, 0, sizeof(env));
    m.mailboxes = &o->mailboxes;
    if (open_message(msg, &m, &env, sender, sizeof(sender)) < 0)
        return EX_NOINPUT_;
    env.from = o->from ? o->from : sender;
    if (strcmp(env.from, "<>") == 0)
        env.from = "";
    env.to = o->to ? o->to : "";
    env.orig_to = o->orig_to;
    env.user = getenv("USER") ? getenv("USER") : "";
    env.default_folder = o->folder ? o->folder : "INBOX";
    env.now = time(NULL);
    memset(&res, 0, sizeof(res));
    memset(&err, 0, sizeof(err));
    rc = sieve_execute(&conf, s, n, &env, &res, &err);
    if (rc != 0)
        print_error(&err, script);
    for (i = 0; i < res.n; i++)
        print_action(&res.act[i], &env);
    sieve_result_free(&res);
    for (i = 0; i < n; i++)
        sieve_script_free(s[i]);
    close(m.fd);
    return rc == 0 ? 0 : EX_SCRIPT;
}

/* check - lda-sieve check: parse every script, report every error */
static int check(const struct options *o, char **paths, int n)
{
    struct sieve_conf conf;
    struct sieve_script *s;
    int i, bad = 0;

    if (load_conf(o, &conf) < 0)
        return EX_USAGE_;
    for (i = 0; i < n; i++)
        if (load(&conf, paths[i], &s) < 0)
            bad = 1;
        else
            sieve_script_free(s);
    return bad ? EX_SCRIPT : 0;
}

int main(int argc, char **argv)
{
    static struct options o;
    const char *cmd = argc > 1 ? argv[1] : "";

    optind = 2;
    if (argc < 2 || parse_options(argc, argv, &o) < 0) {
        fputs(usage, stderr);
        return EX_USAGE_;
    }
    if (strcmp(cmd, "check") == 0 && optind < argc)
        return check(&o, argv + optind, argc - optind);
    if (strcmp(cmd, "test") == 0 && argc - optind == 2)
        return test(&o, argv[optind], argv[optind + 1]);
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    fputs(usage, stderr);
    return EX_USAGE_;
}
