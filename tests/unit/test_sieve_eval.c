/*
 * test_sieve_eval.c - the evaluator: scripts run over a message give
 * the actions lda-sieve test prints (one a line: store, keep, redirect,
 * reject, ereject, vacation, discard), for one script and for a
 * sequence (sieve_before, the user's), with the rules between actions
 * (implicit keep, duplicates, conflicts, limits), imap4flags, include
 * and the runtime errors.  The expected results were settled with
 * Pigeonhole's sieve-test where it and the brief agree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "expect.h"
#include "scratch.h"

#include "../../sieve/sieve.h"

#define MAX_SCRIPTS 3

static const char default_msg[] =
    "Return-Path: <alice@example.org>\n"
    "Delivered-To: bob@example.com\n"
    "From: Alice <alice@example.org>\n"
    "To: bob@example.com\n"
    "Subject: hello world\n"
    "\n"
    "body\n";

static char incdir[256];

struct buf {
    const char *s;
    size_t len;
};

static long buf_pread(void *arg, void *out, size_t len, uint64_t off)
{
    const struct buf *b = arg;

    if (off >= b->len)
        return 0;
    if (len > b->len - off)
        len = b->len - (size_t)off;
    memcpy(out, b->s + off, len);
    return (long)len;
}

/* exists_foo - the delivery's folders, for mailboxexists: Foo and INBOX */
static int exists_foo(void *arg, const char *folder)
{
    (void)arg;
    return strcmp(folder, "Foo") == 0;
}

static void conf_init(struct sieve_conf *c)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->delimiter, sizeof(c->delimiter), "+");
    snprintf(c->personal_dir, sizeof(c->personal_dir), "%s", incdir);
    snprintf(c->global_dir, sizeof(c->global_dir), "%s", incdir);
    c->max_script_size = 1 << 20;
    c->max_actions = 32;
    c->max_redirects = 4;
    c->max_cpu_time = 30;
    c->vacation_min_period = 86400;
    c->vacation_max_period = 90 * 86400;
    c->vacation_default_period = 7 * 86400;
}

/* append - one printf'd piece onto out */
static void append(char *out, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void append(char *out, size_t cap, const char *fmt, ...)
{
    size_t o = strlen(out);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(out + o, cap - o, fmt, ap);
    va_end(ap);
}

/* format - the result as lda-sieve test prints it, lines joined by \n */
static void format(const struct sieve_result *res, char *out, size_t cap)
{
    int i, j;

    out[0] = '\0';
    for (i = 0; i < res->n; i++) {
        const struct sieve_action *a = &res->act[i];
        const char *p;

        if (i > 0)
            append(out, cap, "\n");
        switch (a->type) {
        case SIEVE_KEEP:
            append(out, cap, "%s %s", a->implicit ? "keep" : "store",
                   a->folder);
            for (j = 0; j < a->nflags; j++)
                append(out, cap, "%s%s", j ? " " : " flags: ", a->flags[j]);
            break;
        case SIEVE_DISCARD:
            append(out, cap, "discard");
            break;
        case SIEVE_REDIRECT:
            append(out, cap, "redirect %s", a->address);
            break;
        case SIEVE_REJECT:
        case SIEVE_EREJECT:
            append(out, cap, "%s ",
                   a->type == SIEVE_REJECT ? "reject" : "ereject");
            for (p = a->reason; *p; p++)
                append(out, cap, *p == '\n' ? "\\n" : "%c", *p);
            break;
        case SIEVE_VACATION:
            append(out, cap, "vacation %s", a->vacation->to);
            break;
        }
    }
}

struct run_case {
    const char *name;
    const char *scripts[MAX_SCRIPTS];   /* before..., user; NULL ends */
    const char *msg;                    /* NULL: default_msg */
    const char *folder;                 /* NULL: INBOX */
    uint64_t max_actions, max_redirects;        /* 0: the defaults */
    int no_exists;                      /* mailbox_exists NULL */
    int want_rc;
    const char *want;                   /* actions, \n between */
    const char *want_err;               /* "script:line: text part" */
};

/* run - parse the scripts, run them, compare; the result is freed */
static void run(const struct run_case *c)
{
    struct sieve_script *s[MAX_SCRIPTS] = { NULL };
    struct sieve_conf conf;
    struct sieve_env env;
    struct sieve_error err;
    struct sieve_result res;
    struct buf msg;
    char got[2048], name[64], where[1100];
    int i, n = 0, rc;

    conf_init(&conf);
    if (c->max_actions)
        conf.max_actions = c->max_actions;
    if (c->max_redirects)
        conf.max_redirects = c->max_redirects;
    for (i = 0; i < MAX_SCRIPTS && c->scripts[i]; i++) {
        snprintf(name, sizeof(name), "s%d", i);
        memset(&err, 0, sizeof(err));
        if (sieve_parse_text(&conf, name, c->scripts[i],
                             strlen(c->scripts[i]), &s[i], &err) != 0) {
            print_error("%s: script %d: %s:%d:%d: %s\n", c->name, i,
                        err.file, err.line, err.col, err.text);
            failed++;
            goto out;
        }
        n++;
    }
    msg.s = c->msg ? c->msg : default_msg;
    msg.len = strlen(msg.s);
    memset(&env, 0, sizeof(env));
    env.from = "alice@example.org";
    env.to = "bob+work@example.com";
    env.orig_to = "bob@example.com";
    env.user = "bob";
    env.default_folder = c->folder ? c->folder : "INBOX";
    env.now = 1700000000;
    env.size = msg.len;
    env.pread = buf_pread;
    env.mailbox_exists = c->no_exists ? NULL : exists_foo;
    env.arg = &msg;
    rc = sieve_execute(&conf, s, n, &env, &res, &err);
    format(&res, got, sizeof(got));
    EXPECT_INT(c->name, rc, c->want_rc);
    EXPECT_STR(c->name, got, c->want);
    if (c->want_err) {
        snprintf(where, sizeof(where), "%s:%d: %s", err.file, err.line,
                 err.text);
        EXPECT_HAS(c->name, where, c->want_err);
    } else if (rc != 0) {
        print_error("%s: error %s:%d:%d: %s\n", c->name, err.file, err.line,
                    err.col, err.text);
    }
    sieve_result_free(&res);
out:
    for (i = 0; i < MAX_SCRIPTS; i++)
        sieve_script_free(s[i]);
}

#define R(...) { __VA_ARGS__ }

static void test_core(void **state)
{
    static const struct run_case cases[] = {
        {.name = "empty", .scripts = R(""), .want = "keep INBOX"},
        {.name = "keep", .scripts = R("keep;"), .want = "store INBOX"},
        {.name = "keep twice", .scripts = R("keep; keep;"),
         .want = "store INBOX"},
        {.name = "discard", .scripts = R("discard;"), .want = "discard"},
        {.name = "keep discard", .scripts = R("keep; discard;"),
         .want = "store INBOX"},
        {.name = "discard keep", .scripts = R("discard; keep;"),
         .want = "store INBOX"},
        {.name = "default folder", .scripts = R(""), .folder = "Work",
         .want = "keep Work"},
        {.name = "keep into default folder", .scripts = R(
             "require \"fileinto\"; keep; fileinto \"Work\";"),
         .folder = "Work", .want = "store Work"},
        {.name = "fileinto", .scripts = R(
             "require \"fileinto\"; fileinto \"A\";"), .want = "store A"},
        {.name = "fileinto copy", .scripts = R(
             "require [\"fileinto\", \"copy\"]; fileinto :copy \"A\";"),
         .want = "store A\nkeep INBOX"},
        {.name = "fileinto merged", .scripts = R(
             "require \"fileinto\";\n"
             "fileinto \"A\"; fileinto \"B\"; fileinto \"A\";"),
         .want = "store A\nstore B"},
        {.name = "fileinto INBOX and keep", .scripts = R(
             "require \"fileinto\"; keep; fileinto \"INBOX\";"),
         .want = "store INBOX"},
        {.name = "fileinto inbox any case", .scripts = R(
             "require \"fileinto\"; fileinto \"inbox\"; keep;"),
         .want = "store INBOX"},
        {.name = "fileinto copy INBOX and implicit keep", .scripts = R(
             "require [\"fileinto\", \"copy\"];\n"
             "fileinto :copy \"INBOX\";"),
         .want = "store INBOX"},
        {.name = "fileinto then keep", .scripts = R(
             "require \"fileinto\"; fileinto \"A\"; keep;"),
         .want = "store A\nstore INBOX"},
        {.name = "redirect", .scripts = R("redirect \"a@b.c\";"),
         .want = "redirect a@b.c"},
        {.name = "redirect merged", .scripts = R(
             "redirect \"a@b.c\"; redirect \"a@B.C\";"),
         .want = "redirect a@b.c"},
        {.name = "redirect local part", .scripts = R(
             "redirect \"a@b.c\"; redirect \"A@b.c\";"),
         .want = "redirect a@b.c\nredirect A@b.c"},
        {.name = "redirect copy", .scripts = R(
             "require \"copy\"; redirect :copy \"a@b.c\";"),
         .want = "redirect a@b.c\nkeep INBOX"},
        {.name = "redirect then copy", .scripts = R(
             "require \"copy\";\n"
             "redirect \"a@b.c\"; redirect :copy \"a@b.c\";"),
         .want = "redirect a@b.c"},
        {.name = "redirect address forms", .scripts = R(
             "require \"copy\";\n"
             "redirect :copy \"<a@b.c>\"; redirect :copy \"Bob <d@e.f>\";\n"
             "redirect :copy \" g@h.i \";\n"),
         .want = "redirect a@b.c\nredirect d@e.f\nredirect g@h.i\nkeep INBOX"},
        /* a constant list is a compile error (test_sieve_parse); one made
         * at run time is a runtime error */
        {.name = "redirect two addresses", .scripts = R(
             "require \"variables\"; set \"a\" \"a@b.c, d@e.f\";\n"
             "redirect \"${a}\";"),
         .want_rc = 1, .want = "keep INBOX",
         .want_err = "s0:2: specified redirect address 'a@b.c, d@e.f' is"},
        {.name = "redirect invalid", .scripts = R(
             "require \"variables\"; set \"a\" \"nobody\";\n"
             "redirect \"${a}\";"),
         .want_rc = 1, .want = "keep INBOX",
         .want_err = "s0:2: specified redirect address 'nobody' is"},
        {.name = "reject", .scripts = R(
             "require \"reject\"; reject \"go away\";"),
         .want = "reject go away"},
        {.name = "reject text", .scripts = R(
             "require \"reject\";\nreject text:\nline 1\n..line 2\n.\n;"),
         .want = "reject line 1\\n.line 2\\n"},
        {.name = "ereject", .scripts = R(
             "require \"ereject\"; ereject \"no\";"),
         .want = "ereject no"},
        {.name = "reject discard", .scripts = R(
             "require \"reject\"; reject \"x\"; discard;"),
         .want = "reject x"},
        {.name = "stop", .scripts = R(
             "require \"fileinto\"; keep; stop; fileinto \"A\";"),
         .want = "store INBOX"},
        {.name = "return at top", .scripts = R(
             "require [\"fileinto\", \"copy\", \"include\"];\n"
             "fileinto :copy \"A\"; return; fileinto \"B\";"),
         .want = "store A\nkeep INBOX"},
        {.name = "vacation", .scripts = R(
             "require \"vacation\"; vacation \"away\";"),
         .want = "vacation alice@example.org\nkeep INBOX"},
        {.name = "vacation discard", .scripts = R(
             "require \"vacation\"; discard; vacation \"away\";"),
         .want = "vacation alice@example.org"},
        {.name = "fileinto any name", .scripts = R(
             "require [\"fileinto\", \"copy\"];\n"
             "fileinto :copy \"a\tb\";\n"
             "fileinto :copy \"a/b.c\";\n"
             "fileinto :copy \"\xc3\xa9t\xc3\xa9\";"),
         .want = "store a\tb\nstore a/b.c\nstore \xc3\xa9t\xc3\xa9\n"
         "keep INBOX"},
        {.name = "fileinto not utf-8", .scripts = R(
             "require [\"fileinto\", \"variables\", \"encoded-character\"];\n"
             "set \"f\" \"${hex:ff}\";\nfileinto \"a${f}b\";"),
         .want_rc = 1, .want = "keep INBOX",
         .want_err = "s0:3: fileinto command: invalid folder name"},
        {.name = "mailboxexists", .scripts = R(
             "require [\"mailbox\", \"fileinto\"];\n"
             "if mailboxexists \"INBOX\" { fileinto \"a\"; }\n"
             "if mailboxexists [\"Foo\", \"inbox\"] { fileinto \"b\"; }\n"
             "if mailboxexists [\"Foo\", \"Bar\"] { fileinto \"c\"; }\n"),
         .want = "store a\nstore b"},
        {.name = "mailboxexists unknown", .no_exists = 1, .scripts = R(
             "require [\"mailbox\", \"fileinto\"];\n"
             "if mailboxexists \"INBOX\" { fileinto \"a\"; }\n"
             "if mailboxexists \"Foo\" { fileinto \"b\"; }\n"),
         .want = "store a"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run(&cases[i]);
    CHECKED();
}

static void test_control(void **state)
{
    static const struct run_case cases[] = {
        {.name = "if true", .scripts = R(
             "require \"fileinto\"; if true { fileinto \"A\"; }"),
         .want = "store A"},
        {.name = "if false", .scripts = R(
             "require \"fileinto\"; if false { fileinto \"A\"; }"),
         .want = "keep INBOX"},
        {.name = "elsif", .scripts = R(
             "require \"fileinto\";\n"
             "if false { fileinto \"A\"; }\n"
             "elsif true { fileinto \"B\"; }\n"
             "else { fileinto \"C\"; }"),
         .want = "store B"},
        {.name = "else", .scripts = R(
             "require \"fileinto\";\n"
             "if false { fileinto \"A\"; }\n"
             "elsif false { fileinto \"B\"; }\n"
             "else { fileinto \"C\"; }"),
         .want = "store C"},
        {.name = "chain after a nested false if", .scripts = R(
             "require \"fileinto\";\n"
             "if true { if false { fileinto \"X\"; } }\n"
             "elsif true { fileinto \"Y\"; }\n"
             "else { fileinto \"Z\"; }"),
         .want = "keep INBOX"},
        {.name = "nested in else", .scripts = R(
             "require \"fileinto\";\n"
             "if false { fileinto \"X\"; }\n"
             "else { if false { fileinto \"Y\"; } else { fileinto \"Z\"; } }\n"
             "if true { fileinto \"W\"; }"),
         .want = "store Z\nstore W"},
        {.name = "two chains", .scripts = R(
             "require \"fileinto\";\n"
             "if true { fileinto \"A\"; }\n"
             "if false { fileinto \"B\"; } else { fileinto \"C\"; }"),
         .want = "store A\nstore C"},
        {.name = "allof anyof not", .scripts = R(
             "require \"fileinto\";\n"
             "if allof(true, not false) { fileinto \"A\"; }\n"
             "if allof(true, false) { fileinto \"B\"; }\n"
             "if anyof(false, true) { fileinto \"C\"; }\n"
             "if anyof(false, false) { fileinto \"D\"; }\n"
             "if not anyof(false, not true) { fileinto \"E\"; }"),
         .want = "store A\nstore C\nstore E"},
        {.name = "stop in a block", .scripts = R(
             "require [\"fileinto\", \"copy\"];\n"
             "if true { fileinto :copy \"A\"; stop; fileinto \"B\"; }\n"
             "fileinto \"C\";"),
         .want = "store A\nkeep INBOX"},
        {.name = "header test", .scripts = R(
             "require \"fileinto\";\n"
             "if header :contains \"subject\" \"WORLD\" { fileinto \"H\"; }\n"
             "if address :domain \"from\" \"example.org\"\n"
             "{ fileinto \"D\"; }\n"
             "if exists \"x-nothing\" { fileinto \"X\"; }\n"
             "if size :under 10 { fileinto \"S\"; }"),
         .want = "store H\nstore D"},
        {.name = "anyof stops at true", .scripts = R(
             "require [\"fileinto\", \"variables\"];\n"
             "if anyof(header :matches \"subject\" \"hello *\",\n"
             "         header :matches \"subject\" \"*\") {\n"
             "  fileinto \"${1}\"; }"),
         .want = "store world"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run(&cases[i]);
    CHECKED();
}

#define FL "require [\"imap4flags\", \"fileinto\", \"copy\", \"variables\", " \
    "\"relational\", \"comparator-i;ascii-numeric\"];\n"

static void test_flags(void **state)
{
    static const struct run_case cases[] = {
        {.name = "addflag implicit keep", .scripts = R(
             FL "addflag \"\\\\Seen\";"),
         .want = "keep INBOX flags: \\Seen"},
        {.name = "fileinto takes the variable", .scripts = R(
             FL "addflag \"\\\\Seen\"; fileinto \"A\";"),
         .want = "store A flags: \\Seen"},
        {.name = "implicit keep takes the last value", .scripts = R(
             FL "addflag \"\\\\Seen\"; fileinto :copy \"A\";\n"
             "removeflag \"\\\\Seen\"; addflag \"\\\\Flagged\";"),
         .want = "store A flags: \\Seen\nkeep INBOX flags: \\Flagged"},
        {.name = "explicit store absorbs the implicit keep", .scripts = R(
             FL "addflag \"\\\\Seen\"; fileinto :copy \"INBOX\";\n"
             "removeflag \"\\\\Seen\"; addflag \"\\\\Flagged\";"),
         .want = "store INBOX flags: \\Seen"},
        {.name = "later flags win", .scripts = R(
             FL "fileinto \"A\"; fileinto \"B\";\n"
             "fileinto :flags \"\\\\Seen\" \"A\";"),
         .want = "store A flags: \\Seen\nstore B"},
        {.name = "later no flags win", .scripts = R(
             FL "fileinto :flags \"\\\\Seen\" \"A\"; fileinto \"A\";"),
         .want = "store A"},
        {.name = ":flags overrides", .scripts = R(
             FL "addflag \"X\"; keep :flags [\"Y\", \"Z y\"];"),
         .want = "store INBOX flags: Y Z"},
        {.name = "a set, without case", .scripts = R(
             FL "addflag [\"A B\", \"a\"]; removeflag \"b\";"),
         .want = "keep INBOX flags: A"},
        {.name = "blanks", .scripts = R(
             FL "addflag \"  A   b \"; addflag \"\";"),
         .want = "keep INBOX flags: A b"},
        {.name = "invalid left out", .scripts = R(
             FL "addflag [\"\\\\Foo\", \"a(b\", \"\\\\seen\", \"\\\\SEEN\",\n"
             "\"$Junk\", \"\\\\Recent\", \"a]b\", \"ok\"];"),
         .want = "keep INBOX flags: \\seen $Junk ok"},
        {.name = "setflag replaces", .scripts = R(
             FL "setflag \"X\"; setflag \"Y Z\";"),
         .want = "keep INBOX flags: Y Z"},
        {.name = "hasflag words", .scripts = R(
             FL "addflag \"A B\";\n"
             "if hasflag :is \"b a\" { fileinto \"yes\"; }"),
         .want = "store yes flags: A B"},
        {.name = "hasflag false", .scripts = R(
             FL "addflag \"A B\";\n"
             "if hasflag \"C\" { fileinto \"yes\"; }"),
         .want = "keep INBOX flags: A B"},
        {.name = "hasflag count", .scripts = R(
             FL "addflag [\"A B\", \"c\"];\n"
             "if hasflag :count \"eq\" :comparator \"i;ascii-numeric\" \"3\"\n"
             "{ fileinto \"three\"; }"),
         .want = "store three flags: A B c"},
        {.name = "hasflag matches", .scripts = R(
             FL "addflag [\"A B\", \"c\"];\n"
             "if hasflag :matches \"*\" { fileinto \"${0}\"; }"),
         .want = "store A flags: A B c"},
        {.name = "named variable", .scripts = R(
             FL "setflag \"v\" \"X Y\"; addflag \"v\" \"z x\";\n"
             "removeflag \"v\" \"y\";\n"
             "if hasflag \"v\" \"Z\" { fileinto \"${v}\"; }"),
         .want = "store X z"},
        {.name = "keep with a variable's flags", .scripts = R(
             FL "setflag \"v\" \"X Y\"; keep :flags \"${v}\";"),
         .want = "store INBOX flags: X Y"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run(&cases[i]);
    CHECKED();
}

#define RJ "require [\"reject\", \"fileinto\", \"vacation\", \"copy\", " \
    "\"imap4flags\"];\n"

static void test_errors(void **state)
{
    static const struct run_case cases[] = {
        {.name = "keep reject", .scripts = R(RJ "keep;\nreject \"x\";"),
         .want_rc = 1, .want = "keep INBOX",
         .want_err = "s0:3: reject/ereject action conflicts"},
        {.name = "reject keep", .scripts = R(RJ "reject \"x\";\nkeep;"),
         .want_rc = 1, .want = "keep INBOX",
         .want_err = "s0:2: reject/ereject action conflicts"},
        {.name = "reject fileinto copy", .scripts = R(
             RJ "reject \"x\";\nfileinto :copy \"F\";"),
         .want_rc = 1, .want = "keep INBOX",
         .want_err = "s0:2: reject/ereject action conflicts with other "
         "action: the store action (s0: line 3)"},
        {.name = "reject redirect", .scripts = R(
             RJ "reject \"x\";\nredirect \"a@b.c\";"),
         .want_rc = 1, .want = "keep INBOX",
         .want_err = "s0:2: reject/ereject action conflicts with other "
         "action: the redirect action"},
        {.name = "reject reject", .scripts = R(
             RJ "reject \"x\";\nreject \"y\";"),
         .want_rc = 1, .want = "keep INBOX",
         .want_err = "s0:3: duplicate reject/ereject action not allowed"},
        {.name = "vacation reject", .scripts = R(
             RJ "vacation \"r\";\nreject \"x\";"),
         .want_rc = 1, .want = "keep INBOX",
         .want_err = "s0:3: reject/ereject action conflicts"},
        {.name = "reject vacation", .scripts = R(
             RJ "reject \"x\";\nvacation \"r\";"),
         .want_rc = 1, .want = "keep INBOX",
         .want_err = "s0:3: vacation action conflicts"},
        {.name = "vacation twice", .scripts = R(
             RJ "vacation \"r\";\nvacation \"s\";"),
         .want_rc = 1, .want = "keep INBOX",
         .want_err = "s0:3: duplicate vacation action"},
        {.name = "error drops flags", .scripts = R(
             RJ "addflag \"X\";\nfileinto \"A\";\nreject \"x\";"),
         .want_rc = 1, .want = "keep INBOX",
         .want_err = "s0:4: reject/ereject"},
        {.name = "max actions", .max_actions = 3, .scripts = R(
             RJ "fileinto \"A\"; fileinto \"B\"; fileinto \"C\";\n"
             "fileinto \"D\";"),
         .want_rc = 1, .want = "keep INBOX",
         .want_err = "s0:3: total number of actions exceeds policy limit "
         "(4 > 3)"},
        {.name = "max actions after merging", .max_actions = 3,
         .scripts = R(RJ "fileinto \"A\"; fileinto \"B\"; fileinto \"C\";\n"
                      "fileinto \"A\"; fileinto \"B\";"),
         .want = "store A\nstore B\nstore C"},
        {.name = "max redirects", .max_redirects = 2, .scripts = R(
             "redirect \"a@b.c\";\nredirect \"b@b.c\";\n"
             "redirect \"a@b.c\";\nredirect \"c@b.c\";"),
         .want_rc = 1, .want = "keep INBOX",
         .want_err = "s0:4: number of redirect actions exceeds policy limit "
         "(3 > 2)"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run(&cases[i]);
    CHECKED();
}

#define VA "require [\"variables\", \"include\"];\n"

static void test_sequence(void **state)
{
    static const struct run_case cases[] = {
        {.name = "stop in before", .scripts = R(
             "stop;", "require \"fileinto\"; fileinto \"User\";"),
         .want = "store User"},
        {.name = "fileinto in before ends it", .scripts = R(
             "require \"fileinto\"; fileinto \"Before\";",
             "require \"fileinto\"; fileinto \"User\";"),
         .want = "store Before"},
        {.name = "fileinto INBOX in before ends it", .scripts = R(
             "require \"fileinto\"; fileinto \"INBOX\";",
             "require \"fileinto\"; fileinto \"User\";"),
         .want = "store INBOX"},
        {.name = "keep in before goes on", .scripts = R(
             "keep;", "require \"fileinto\"; fileinto \"User\";"),
         .want = "store INBOX\nstore User"},
        {.name = "copy in before goes on", .scripts = R(
             "require [\"fileinto\", \"copy\"]; fileinto :copy \"B\";",
             "require \"fileinto\"; fileinto \"User\";"),
         .want = "store B\nstore User"},
        {.name = "discard in before ends it", .scripts = R(
             "discard;", "require \"fileinto\"; fileinto \"User\";"),
         .want = "discard"},
        {.name = "redirect in before ends it", .scripts = R(
             "redirect \"a@b.c\";", "require \"fileinto\"; fileinto \"U\";"),
         .want = "redirect a@b.c"},
        {.name = "three scripts", .scripts = R(
             "require [\"fileinto\", \"copy\"]; fileinto :copy \"B\";",
             "", "require \"fileinto\"; fileinto \"After\";"),
         .want = "store B\nstore After"},
        {.name = "keep flags in before", .scripts = R(
             "require \"imap4flags\"; keep :flags \"\\\\Seen\";", ""),
         .want = "store INBOX flags: \\Seen"},
        {.name = "flags go on to the next script", .scripts = R(
             "require \"imap4flags\"; addflag \"A\";",
             "require [\"imap4flags\", \"fileinto\"];\n"
             "if hasflag \"A\" { fileinto \"had\"; }"),
         .want = "store had flags: A"},
        {.name = "error in the user's script", .scripts = R(
             "require [\"fileinto\", \"copy\"]; fileinto :copy \"B\";",
             "require [\"fileinto\", \"reject\"];\n"
             "fileinto \"U\";\nredirect \"a@b.c\";\nreject \"x\";"),
         .want_rc = 1, .want = "store B\nkeep INBOX",
         .want_err = "s1:4: reject/ereject action conflicts with other "
         "action: the store action (s1: line 2)"},
        {.name = "no conflict between scripts", .scripts = R(
             "require [\"fileinto\", \"copy\"]; fileinto :copy \"B\";",
             "require \"reject\"; reject \"x\";"),
         .want = "store B\nreject x"},
        {.name = "error in before: the user's does not run", .scripts = R(
             "require [\"fileinto\", \"copy\", \"reject\"];\n"
             "fileinto :copy \"B1\";\nreject \"x\";",
             "require \"fileinto\"; fileinto \"U\";"),
         .want_rc = 1, .want = "keep INBOX",
         .want_err = "s0:3: reject/ereject"},
        {.name = "error keeps the earlier flags", .scripts = R(
             "require \"imap4flags\"; addflag \"A\";",
             "require [\"imap4flags\", \"reject\"];\n"
             "addflag \"B\";\nkeep;\nreject \"x\";"),
         .want_rc = 1, .want = "keep INBOX flags: A",
         .want_err = "s1:4: reject/ereject"},
        {.name = "globals not shared between scripts", .scripts = R(
             VA "global \"x\"; set \"x\" \"1\";",
             VA "require \"fileinto\"; global \"x\";\n"
             "if string \"${x}\" \"1\" { fileinto \"Shared\"; }\n"
             "else { fileinto \"NotShared\"; }"),
         .want = "store NotShared"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run(&cases[i]);
    CHECKED();
}

static void put_file(const char *name, const char *text)
{
    char p[512];
    FILE *f;

    snprintf(p, sizeof(p), "%s/%s.sieve", incdir, name);
    f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void test_include(void **state)
{
    static const struct run_case cases[] = {
        {.name = "include and return", .scripts = R(
             "require [\"include\", \"fileinto\"];\n"
             "include :personal \"ret\";\nfileinto \"Main\";"),
         .want = "store I\nstore Main"},
        {.name = "stop in an include stops all", .scripts = R(
             "require [\"include\", \"fileinto\"];\n"
             "include :personal \"stop\";\nfileinto \"Main\";"),
         .want = "store S\nkeep INBOX"},
        {.name = "stop in an include of a before script", .scripts = R(
             "require [\"include\", \"fileinto\"];\n"
             "include :personal \"stop\";\nfileinto \"After\";",
             "require \"fileinto\"; fileinto \"User\";"),
         .want = "store S\nstore User"},
        {.name = "optional missing", .scripts = R(
             "require [\"include\", \"fileinto\"];\n"
             "include :personal :optional \"missing\";\nfileinto \"M\";"),
         .want = "store M"},
        {.name = "globals shared with includes", .scripts = R(
             VA "require \"fileinto\";\n"
             "set \"y\" \"local\";\n"
             "include :personal \"setx\";\n"
             "global \"x\";\n"
             "if string \"${x}\" \"1\" { fileinto \"Shared\"; }\n"
             "if string \"${y}\" \"local\" { fileinto \"Own\"; }\n"),
         .want = "store Shared\nstore Own"},
        {.name = "variables not shared with includes", .scripts = R(
             VA "require \"fileinto\";\n"
             "set \"x\" \"1\";\n"
             "include :personal \"usex\";\n"),
         .want = "store x=\nkeep INBOX"},
        {.name = "global set before include", .scripts = R(
             VA "global \"x\"; set \"x\" \"1\";\n"
             "include :personal \"usegx\";\n"),
         .want = "store gx=1\nkeep INBOX"},
        {.name = "once", .scripts = R(
             VA "require \"fileinto\"; global \"n\";\n"
             "include :personal :once \"count\";\n"
             "include :personal :once \"count\";\n"
             "include :personal \"count\";\n"
             "fileinto \"n=${n}\";"),
         .want = "store n=xx"},
        {.name = "flags shared with includes", .scripts = R(
             "require [\"include\", \"imap4flags\", \"fileinto\"];\n"
             "addflag \"Main\";\ninclude :personal \"flag\";\n"
             "fileinto \"A\";"),
         .want = "store A flags: Main Inc"},
        {.name = "error in an include", .scripts = R(
             "require [\"include\", \"fileinto\"];\n"
             "fileinto \"A\";\ninclude :personal \"rej\";\n"),
         .want_rc = 1, .want = "keep INBOX",
         .want_err = "rej.sieve:2: reject/ereject"},
    };
    size_t i;

    (void)state;
    put_file("ret", "require [\"fileinto\", \"copy\", \"include\"];\n"
             "fileinto :copy \"I\";\nreturn;\nfileinto \"J\";\n");
    put_file("stop", "require [\"fileinto\", \"copy\"];\n"
             "fileinto :copy \"S\";\nstop;\n");
    put_file("setx", VA "global \"x\";\nset \"x\" \"1\";\nset \"y\" \"2\";\n");
    put_file("usex", VA "require [\"fileinto\", \"copy\"];\n"
             "fileinto :copy \"x=${x}\";\n");
    put_file("usegx", VA "require [\"fileinto\", \"copy\"];\n"
             "global \"x\";\nfileinto :copy \"gx=${x}\";\n");
    put_file("count", VA "global \"n\";\nset \"n\" \"${n}x\";\n");
    put_file("flag", "require \"imap4flags\";\naddflag \"Inc\";\n");
    put_file("rej", "require \"reject\";\nreject \"no\";\n");
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run(&cases[i]);
    CHECKED();
}

/* vacation - the one vacation action of script, or fail */
static void vacation(const char *name, const char *script,
                     const struct sieve_conf *conf, uint64_t want_period,
                     const char *want_subject, const char *want_from,
                     const char *want_handle, int want_mime,
                     const char *want_addresses, const char *want_reason)
{
    struct sieve_script *s = NULL;
    struct sieve_env env;
    struct sieve_error err;
    struct sieve_result res;
    struct buf msg = { default_msg, sizeof(default_msg) - 1 };
    const struct sieve_vacation *v = NULL;
    char addrs[256] = "";
    int i;

    memset(&env, 0, sizeof(env));
    env.from = "";
    env.to = "bob@example.com";
    env.default_folder = "INBOX";
    env.size = msg.len;
    env.pread = buf_pread;
    env.arg = &msg;
    if (sieve_parse_text(conf, "v", script, strlen(script), &s, &err) != 0) {
        print_error("%s: %s:%d: %s\n", name, err.file, err.line, err.text);
        failed++;
        return;
    }
    EXPECT_INT(name, sieve_execute(conf, &s, 1, &env, &res, &err), 0);
    for (i = 0; i < res.n; i++)
        if (res.act[i].type == SIEVE_VACATION)
            v = res.act[i].vacation;
    if (v == NULL) {
        print_error("%s: no vacation action\n", name);
        failed++;
    } else {
        EXPECT_U64(name, v->period, want_period);
        EXPECT_STR(name, v->subject ? v->subject : "(null)", want_subject);
        EXPECT_STR(name, v->from ? v->from : "(null)", want_from);
        EXPECT_STR(name, v->handle ? v->handle : "(null)", want_handle);
        EXPECT_INT(name, v->mime, want_mime);
        for (i = 0; i < v->naddresses; i++)
            append(addrs, sizeof(addrs), "%s%s", i ? "," : "",
                   v->addresses[i]);
        EXPECT_STR(name, addrs, want_addresses);
        EXPECT_STR(name, v->reason, want_reason);
        EXPECT_STR(name, v->to, "");
    }
    sieve_result_free(&res);
    sieve_script_free(s);
}

#define VAC "require [\"vacation\", \"vacation-seconds\", \"variables\"];\n"

static void test_vacation(void **state)
{
    struct sieve_conf c;

    (void)state;
    conf_init(&c);
    vacation("defaults", VAC "vacation \"away\";", &c, 7 * 86400,
             "(null)", "(null)", "(null)", 0, "", "away");
    vacation("all", VAC "set \"s\" \"Gone\";\n"
             "vacation :days 3 :subject \"${s}\" :from \"me@x.y\"\n"
             ":addresses [\"a@b.c\", \"d@e.f\"] :handle \"h\" :mime\n"
             "\"Content-Type: text/plain\r\n\r\nhi\";", &c, 3 * 86400,
             "Gone", "me@x.y", "h", 1, "a@b.c,d@e.f",
             "Content-Type: text/plain\r\n\r\nhi");
    vacation("days 0", VAC "vacation :days 0 \"r\";", &c, 86400,
             "(null)", "(null)", "(null)", 0, "", "r");
    vacation("days over max", VAC "vacation :days 1000 \"r\";", &c,
             90 * 86400, "(null)", "(null)", "(null)", 0, "", "r");
    vacation("seconds", VAC "vacation :seconds 5 \"r\";", &c, 86400,
             "(null)", "(null)", "(null)", 0, "", "r");
    c.vacation_min_period = 0;
    c.vacation_max_period = 0;
    vacation("seconds no min", VAC "vacation :seconds 5 \"r\";", &c, 5,
             "(null)", "(null)", "(null)", 0, "", "r");
    vacation("days no max", VAC "vacation :days 1000 \"r\";", &c,
             1000 * 86400ULL, "(null)", "(null)", "(null)", 0, "", "r");
    CHECKED();
}

/* test_flags_cap - a flag set stops growing at 4096 bytes */
static void test_flags_cap(void **state)
{
    struct sieve_conf c;
    struct sieve_script *s = NULL;
    struct sieve_env env;
    struct sieve_error err;
    struct sieve_result res;
    struct buf msg = { default_msg, sizeof(default_msg) - 1 };
    size_t o, i, total = 0;
    char *text;
    int k;

    (void)state;
    conf_init(&c);
    text = malloc(200000);
    assert_non_null(text);
    o = (size_t)sprintf(text, "require \"imap4flags\";\naddflag \"");
    for (i = 0; i < 20000; i++)
        o += (size_t)sprintf(text + o, "f%zu ", i);
    strcpy(text + o, "\";\naddflag \"\\\\Seen\";\n");
    memset(&env, 0, sizeof(env));
    env.from = "a@b.c";
    env.size = msg.len;
    env.pread = buf_pread;
    env.arg = &msg;
    assert_int_equal(sieve_parse_text(&c, "cap", text, strlen(text), &s,
                                      &err), 0);
    assert_int_equal(sieve_execute(&c, &s, 1, &env, &res, &err), 0);
    assert_int_equal(res.n, 1);
    for (k = 0; k < res.act[0].nflags; k++)
        total += strlen(res.act[0].flags[k]) + 1;
    EXPECT_INT("cap", total <= 4096, 1);
    EXPECT_INT("cap", total > 4000, 1);
    EXPECT_STR("cap", res.act[0].flags[0], "f0");
    sieve_result_free(&res);
    sieve_script_free(s);
    free(text);
    CHECKED();
}

/* test_result_fields - script, line, create and implicit of actions */
static void test_result_fields(void **state)
{
    static const char text[] =
        "require [\"fileinto\", \"mailbox\", \"copy\"];\n"
        "fileinto :create :copy \"New\";\n"
        "redirect :copy \"a@b.c\";\n";
    struct sieve_conf c;
    struct sieve_script *s = NULL;
    struct sieve_env env;
    struct sieve_error err;
    struct sieve_result res;
    struct buf msg = { default_msg, sizeof(default_msg) - 1 };

    (void)state;
    conf_init(&c);
    memset(&env, 0, sizeof(env));
    env.from = "a@b.c";
    env.size = msg.len;
    env.pread = buf_pread;
    env.arg = &msg;
    assert_int_equal(sieve_parse_text(&c, "f.sieve", text, strlen(text), &s,
                                      &err), 0);
    assert_int_equal(sieve_execute(&c, &s, 1, &env, &res, &err), 0);
    assert_int_equal(res.n, 3);
    EXPECT_INT("fileinto", res.act[0].type, SIEVE_KEEP);
    EXPECT_STR("fileinto", res.act[0].folder, "New");
    EXPECT_INT("fileinto", res.act[0].create, 1);
    EXPECT_INT("fileinto", res.act[0].implicit, 0);
    EXPECT_STR("fileinto", res.act[0].script, "f.sieve");
    EXPECT_INT("fileinto", res.act[0].line, 2);
    EXPECT_INT("redirect", res.act[1].type, SIEVE_REDIRECT);
    EXPECT_INT("redirect", res.act[1].line, 3);
    EXPECT_INT("keep", res.act[2].type, SIEVE_KEEP);
    EXPECT_INT("keep", res.act[2].implicit, 1);
    EXPECT_INT("keep", res.act[2].create, 0);
    EXPECT_STR("keep", res.act[2].folder, "INBOX");
    EXPECT_STR("keep", res.act[2].script, "f.sieve");
    sieve_result_free(&res);
    /* discard: where the discard command was */
    sieve_script_free(s);
    s = NULL;
    assert_int_equal(sieve_parse_text(&c, "d.sieve", "# c\n\ndiscard;\n", 14,
                                      &s, &err), 0);
    assert_int_equal(sieve_execute(&c, &s, 1, &env, &res, &err), 0);
    assert_int_equal(res.n, 1);
    EXPECT_INT("discard", res.act[0].type, SIEVE_DISCARD);
    EXPECT_STR("discard", res.act[0].script, "d.sieve");
    EXPECT_INT("discard", res.act[0].line, 3);
    sieve_result_free(&res);
    /* no script at all: the implicit keep */
    assert_int_equal(sieve_execute(&c, NULL, 0, &env, &res, &err), 0);
    assert_int_equal(res.n, 1);
    EXPECT_INT("none", res.act[0].implicit, 1);
    sieve_result_free(&res);
    sieve_script_free(s);
    CHECKED();
}

/*
 * test_cpu_limit - a script that takes longer than max_cpu_time stops
 * with a runtime error and keeps: 40,000 :matches over a long subject
 * are several seconds of CPU, the limit one
 */
static void test_cpu_limit(void **state)
{
    static const char test[] =
        "if header :matches \"subject\" \"*a*a*a*a*a*a*a*a*a*a*b\" "
        "{ fileinto \"X\"; }\n";
    size_t ntests = 40000, sublen = 8000, len, o, i;
    struct sieve_conf c;
    struct sieve_script *s = NULL;
    struct sieve_env env;
    struct sieve_error err;
    struct sieve_result res;
    struct buf msg;
    char *text, *m;

    (void)state;
    conf_init(&c);
    c.max_script_size = 0;
    c.max_cpu_time = 1;
    len = strlen("require \"fileinto\";\n") + ntests * strlen(test) + 1;
    text = malloc(len);
    m = malloc(sublen + 64);
    assert_non_null(text);
    assert_non_null(m);
    strcpy(text, "require \"fileinto\";\n");
    o = strlen(text);
    for (i = 0; i < ntests; i++, o += strlen(test))
        memcpy(text + o, test, strlen(test));
    text[o] = '\0';
    strcpy(m, "Subject: ");
    memset(m + 9, 'a', sublen);
    strcpy(m + 9 + sublen, "\n\nbody\n");
    msg.s = m;
    msg.len = strlen(m);
    memset(&env, 0, sizeof(env));
    env.from = "a@b.c";
    env.size = msg.len;
    env.pread = buf_pread;
    env.arg = &msg;
    assert_int_equal(sieve_parse_text(&c, "cpu", text, strlen(text), &s,
                                      &err), 0);
    EXPECT_INT("cpu", sieve_execute(&c, &s, 1, &env, &res, &err), 1);
    EXPECT_STR("cpu", err.text, "execution exceeded CPU time limit");
    EXPECT_INT("cpu", res.n, 1);
    EXPECT_INT("cpu", res.n > 0 && res.act[0].implicit, 1);
    sieve_result_free(&res);
    sieve_script_free(s);
    free(text);
    free(m);
    CHECKED();
}

static int setup(void **state)
{
    const char *tmp = getenv("TMPDIR");

    (void)state;
    snprintf(incdir, sizeof(incdir), "%s/sieve-eval.XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    return mkdtemp(incdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return rm_rf(incdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_core),
        cmocka_unit_test(test_control),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_sequence),
        cmocka_unit_test(test_include),
        cmocka_unit_test(test_vacation),
        cmocka_unit_test(test_result_fields),
        cmocka_unit_test(test_flags_cap),
        cmocka_unit_test(test_cpu_limit),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
