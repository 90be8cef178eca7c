/*
 * test_sieve_send.c - redirect and vacation carried out: what a fake
 * sendmail (a shell script written here, recording its argv, stdin and
 * open descriptors) is given; a message forwarded once per address
 * when its delivery is retried; sendmail failing (exit 75, a signal, a
 * hang past the timeout, an early exit, no program); each of
 * vacation's rules; its memory of whom was answered (once per period,
 * again after it, per handle), recovered when corrupt or too large and
 * kept bounded, with the local backend in a scratch directory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "expect.h"
#include "scratch.h"

#include "../../sieve/send.h"
#include "../../util/clock.h"

/* The fake sendmail: FAKE_MODE says how it behaves. */
static const char fake_script[] =
    "#!/bin/sh\n"
    "d=\"$FAKE_DIR\"\n"
    "n=$(cat \"$d/count\" 2>/dev/null || echo 0)\n"
    "echo $((n + 1)) > \"$d/count\"\n"
    ": > \"$d/argv\"\n"
    "for a in \"$@\"; do printf '%s\\n' \"$a\" >> \"$d/argv\"; done\n"
    "if [ -e /proc/$$/fd/50 ]; then echo open > \"$d/fd50\"; "
    "else echo closed > \"$d/fd50\"; fi\n"
    "case \"$FAKE_MODE\" in\n"
    "early) echo 'not reading' >&2; exit 0 ;;\n"
    "esac\n"
    "cat > \"$d/stdin\"\n"
    "case \"$FAKE_MODE\" in\n"
    "exit75) echo 'postdrop: queue file write error' >&2\n"
    "        echo 'second line' >&2; exit 75 ;;\n"
    "signal) kill -TERM $$ ;;\n"
    "hang) sleep 30 ;;\n"
    "chatty) i=0; while [ $i -lt 3000 ]; do\n"
    "    echo \"line $i of noise from sendmail\"; i=$((i + 1)); done ;;\n"
    "esac\n"
    "exit 0\n";

struct fixture {
    char root[256];             /* scratch: the Maildir root */
    char fake[300];             /* the script */
    char fakedir[300];          /* what it records */
    struct backend *b;
};

static struct fixture fx;

/* The message lda stored, read through pread as the delivery gives it. */
struct msg {
    const char *text;
    size_t len;
};

static long msg_pread(void *arg, void *buf, size_t len, uint64_t off)
{
    const struct msg *m = arg;

    if (off >= m->len)
        return 0;
    if (len > m->len - off)
        len = m->len - (size_t)off;
    memcpy(buf, m->text + off, len);
    return (long)len;
}

/* slurp - a whole file as a string ("" when missing); static buffers */
static const char *slurp(const char *name)
{
    static char *bufs[2];
    static int turn;
    char path[400];
    FILE *f;
    long n;
    char **b = &bufs[turn ^= 1];

    snprintf(path, sizeof(path), "%s/%s", fx.fakedir, name);
    free(*b);
    *b = NULL;
    if ((f = fopen(path, "r")) == NULL)
        return "";
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *b = calloc(1, (size_t)n + 1);
    if (fread(*b, 1, (size_t)n, f) != (size_t)n)
        (*b)[0] = '\0';
    fclose(f);
    return *b;
}

/* memory_file - the vacation memory as a string ("" when missing) */
static const char *memory_file(void)
{
    static char buf[1 << 20];
    char path[400];
    FILE *f;
    size_t n;

    snprintf(path, sizeof(path), "%s/lda-vacation", fx.root);
    if ((f = fopen(path, "r")) == NULL)
        return "";
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* put_memory - write the memory file as given */
static void put_memory(const char *text, size_t len)
{
    char path[400];
    FILE *f;

    snprintf(path, sizeof(path), "%s/lda-vacation", fx.root);
    f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
}

static void reset_fake(const char *mode)
{
    char path[400];
    static const char *const names[] = {"argv", "stdin", "fd50", "count",
                                        NULL};
    int i;

    for (i = 0; names[i]; i++) {
        snprintf(path, sizeof(path), "%s/%s", fx.fakedir, names[i]);
        unlink(path);
    }
    snprintf(path, sizeof(path), "%s/lda-redirect", fx.root);
    unlink(path);
    setenv("FAKE_MODE", mode ? mode : "", 1);
}

static void reset_memory(void)
{
    char path[400];

    snprintf(path, sizeof(path), "%s/lda-vacation", fx.root);
    unlink(path);
}

/* send_for - the sieve_send of a delivery of m from sender */
static struct sieve_send send_for(const struct msg *m, const char *sender)
{
    struct sieve_send s = {
        .sendmail = fx.fake,
        .envelope_from = sender,
        .recipient = "user@example.org",
        .orig_recipient = NULL,
        .sender = sender,
        .pread = msg_pread,
        .size = m->len,
        .arg = (void *)m,
        .b = fx.b,
        .dir = fx.root,
        .now = 1700000000,
        .timeout = 10,
    };
    return s;
}

static int setup(void **state)
{
    const char *tmp = getenv("TMPDIR");
    struct backend_conf conf = {.timeout = 5, .host = "test"};
    struct location loc;
    struct status st;
    FILE *f;

    (void)state;
    snprintf(fx.root, sizeof(fx.root), "%s/sieve-send.XXXXXX",
             tmp && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(fx.root) == NULL)
        return -1;
    snprintf(fx.fake, sizeof(fx.fake), "%s/fake-sendmail", fx.root);
    snprintf(fx.fakedir, sizeof(fx.fakedir), "%s/fake", fx.root);
    if (mkdir(fx.fakedir, 0700) < 0 || (f = fopen(fx.fake, "w")) == NULL)
        return -1;
    fputs(fake_script, f);
    fclose(f);
    chmod(fx.fake, 0700);
    setenv("FAKE_DIR", fx.fakedir, 1);
    if (backend_locate(fx.root, &loc, &st) < 0
        || backend_open(&loc, fx.root, &conf, &fx.b, &st) < 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    backend_close(fx.b);
    return rm_rf(fx.root);
}

#define MSG(t) {.text = (t), .len = sizeof(t) - 1}

static const char plain_msg[] =
    "Return-Path: <alice@example.com>\n"
    "Delivered-To: user@example.org\n"
    "From: Alice <alice@example.com>\n"
    "To: user@example.org\n"
    "Subject: hello\n"
    "Message-ID: <m1@example.com>\n"
    "\n"
    "body\n.\nend\n";

static void test_redirect(void **state)
{
    static const char no_id[] =
        "Return-Path: <>\n"
        "Delivered-To: user@example.org\n"
        "Subject: x\n"
        "\n"
        "b\n";
    static const char no_rp[] = "Subject: y\n\nb\n";
    static const struct {
        const char *name;
        const char *msg;
        size_t len;
        const char *sender, *envelope_from, *addr;
        int want_rc;
        const char *want_argv;
        const char *want_stdin;     /* exactly, when set */
        const char *want_has;       /* else contained */
        const char *want_lacks;
        const char *want_err;
    } cases[] = {
        {.name = "plain", .msg = plain_msg, .len = sizeof(plain_msg) - 1,
         .sender = "alice@example.com",
         .envelope_from = "alice@example.com", .addr = "bob@example.net",
         .want_argv = "-i\n-f\nalice@example.com\n--\nbob@example.net\n",
         .want_stdin = "X-Sieve: lda\n"
         "X-Sieve-Redirected-From: user@example.org\n"
         "Delivered-To: user@example.org\n"
         "From: Alice <alice@example.com>\n"
         "To: user@example.org\n"
         "Subject: hello\n"
         "Message-ID: <m1@example.com>\n"
         "\n"
         "body\n.\nend\n"},
        /* sieve_redirect_envelope_from = <> */
        {.name = "from <>", .msg = plain_msg, .len = sizeof(plain_msg) - 1,
         .sender = "alice@example.com", .envelope_from = "",
         .addr = "bob@example.net",
         .want_argv = "-i\n-f\n<>\n--\nbob@example.net\n",
         .want_has = "Delivered-To: user@example.org\n"},
        /* a bounce stays a bounce (RFC 5228 4.2), whatever is set; a
         * message without a Message-ID gets one */
        {.name = "null sender", .msg = no_id, .len = sizeof(no_id) - 1,
         .sender = "", .envelope_from = "user@example.org",
         .addr = "-x@example.net",
         .want_argv = "-i\n-f\n<>\n--\n-x@example.net\n",
         .want_has = "X-Sieve-Redirected-From: user@example.org\n"
         "Message-ID: <", .want_lacks = "Return-Path"},
        {.name = "no return-path", .msg = no_rp, .len = sizeof(no_rp) - 1,
         .sender = "a@b.c", .envelope_from = "a@b.c", .addr = "c@d.e",
         .want_has = "\nSubject: y\n\nb\n"},
        {.name = "two addresses", .msg = no_rp, .len = sizeof(no_rp) - 1,
         .sender = "a@b.c", .envelope_from = "a@b.c",
         .addr = "c@d.e, f@g.h", .want_rc = -1,
         .want_err = "not one address"},
        {.name = "newline", .msg = no_rp, .len = sizeof(no_rp) - 1,
         .sender = "a@b.c", .envelope_from = "a@b.c",
         .addr = "c@d.e\nBcc: x@y.z", .want_rc = -1,
         .want_err = "not one address"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct msg m = {.text = cases[i].msg, .len = cases[i].len};
        struct sieve_send s = send_for(&m, cases[i].sender);
        struct status st = {{0}, {0}};
        int rc;

        s.envelope_from = cases[i].envelope_from;
        reset_fake("");
        rc = sieve_redirect(&s, cases[i].addr, &st);
        EXPECT_INT(cases[i].name, rc, cases[i].want_rc);
        if (cases[i].want_rc < 0) {
            EXPECT_STR(cases[i].name, st.code, "4.3.0");
            EXPECT_HAS(cases[i].name, st.text, cases[i].want_err);
            EXPECT_STR(cases[i].name, slurp("count"), "");
            continue;
        }
        if (cases[i].want_argv)
            EXPECT_STR(cases[i].name, slurp("argv"), cases[i].want_argv);
        if (cases[i].want_stdin)
            EXPECT_STR(cases[i].name, slurp("stdin"), cases[i].want_stdin);
        if (cases[i].want_has)
            EXPECT_HAS(cases[i].name, slurp("stdin"), cases[i].want_has);
        if (cases[i].want_lacks && strstr(slurp("stdin"),
                                          cases[i].want_lacks)) {
            print_error("%s: stdin has %s\n", cases[i].name,
                        cases[i].want_lacks);
            failed++;
        }
        /* only its three descriptors reach sendmail */
        EXPECT_STR(cases[i].name, slurp("fd50"), "closed\n");
    }
    CHECKED();
}

static void test_redirect_once(void **state)
{
    /* one sequence over the same message (Message-ID <m1@example.com>) */
    static const struct {
        const char *name;
        const char *addr;
        long long at;
        const char *mode;
        int want_rc;
        const char *want_count;     /* sendmail runs so far */
    } steps[] = {
        {.name = "first", .addr = "bob@example.net", .want_count = "1\n"},
        /* the delivery retried: not forwarded twice */
        {.name = "retried", .addr = "bob@example.net", .at = 600,
         .want_count = "1\n"},
        {.name = "case", .addr = "BOB@example.net", .at = 600,
         .want_count = "1\n"},
        {.name = "other address", .addr = "carol@example.net", .at = 600,
         .want_count = "2\n"},
        /* a failed forward is not remembered */
        {.name = "failing", .addr = "dave@example.net", .at = 600,
         .mode = "exit75", .want_rc = -1, .want_count = "3\n"},
        {.name = "after failure", .addr = "dave@example.net", .at = 600,
         .want_count = "4\n"},
        {.name = "12 hours later", .addr = "bob@example.net",
         .at = 12 * 3600 + 1, .want_count = "5\n"},
    };
    size_t i;

    (void)state;
    reset_fake("");
    for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        struct msg m = MSG(plain_msg);
        struct sieve_send s = send_for(&m, "alice@example.com");
        struct status st = {{0}, {0}};

        s.now += steps[i].at;
        setenv("FAKE_MODE", steps[i].mode ? steps[i].mode : "", 1);
        EXPECT_INT(steps[i].name, sieve_redirect(&s, steps[i].addr, &st),
                   steps[i].want_rc);
        EXPECT_STR(steps[i].name, slurp("count"), steps[i].want_count);
    }
    CHECKED();
}

/* big - a message of n bytes, larger than a pipe's buffer */
static char *big(size_t n)
{
    char *t = malloc(n + 1);
    size_t i;

    memcpy(t, "Subject: big\n\n", 14);
    for (i = 14; i < n; i++)
        t[i] = i % 64 == 63 ? '\n' : 'x';
    t[n] = '\0';
    return t;
}

static void test_sendmail_fails(void **state)
{
    static const struct {
        const char *mode;
        const char *program;    /* NULL: the fake */
        unsigned timeout;
        int big;
        int want_rc;
        const char *want_text;
        long long want_max_ms;
        int ign_chld;
        const char *want_code;  /* NULL: 4.3.0 */
    } cases[] = {
        {.mode = "", .want_rc = 0},
        {.mode = "", .big = 1, .want_rc = 0},
        /* a sendmail that prints much while lda writes much */
        {.mode = "chatty", .big = 1, .want_rc = 0},
        {.mode = "exit75", .want_rc = -1,
         .want_text = "redirect to <bob@example.net> failed: sendmail exit "
         "75: postdrop: queue file write error"},
        {.mode = "signal", .want_rc = -1,
         .want_text = "sendmail killed by signal 15"},
        {.mode = "hang", .timeout = 1, .want_rc = -1,
         .want_text = "sendmail timed out after 1 s", .want_max_ms = 5000},
        {.mode = "hang", .timeout = 1, .big = 1, .want_rc = -1,
         .want_text = "sendmail timed out after 1 s", .want_max_ms = 5000},
        /* exit 0 without taking the message is no success */
        {.mode = "early", .big = 1, .want_rc = -1,
         .want_text = "exited before reading the message: not reading"},
        {.mode = "", .program = "/nonexistent/sendmail", .want_rc = -1,
         .want_text = "run '/nonexistent/sendmail': No such file"},
        {.mode = "", .program = "sendmail", .want_rc = -1,
         .want_code = "4.3.5",
         .want_text = "sendmail_path 'sendmail' is not an absolute path"},
        /* a front end that ignores SIGCHLD still sees the exit status */
        {.mode = "exit75", .ign_chld = 1, .want_rc = -1,
         .want_text = "sendmail exit 75"},
    };
    struct sigaction before, after, chld_before, chld_after;
    size_t i;

    (void)state;
    /* a descriptor lda holds open must not reach sendmail */
    assert_int_equal(dup2(2, 50), 50);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *text = cases[i].big ? big(300000) : NULL;
        struct msg m = {.text = text ? text : plain_msg,
                        .len = text ? 300000 : sizeof(plain_msg) - 1};
        struct sieve_send s = send_for(&m, "alice@example.com");
        struct status st = {{0}, {0}};
        char label[100];
        long long t0;
        int rc;

        snprintf(label, sizeof(label), "%s%s%s", cases[i].mode,
                 cases[i].big ? " big" : "",
                 cases[i].program ? cases[i].program : "");
        if (cases[i].program)
            s.sendmail = cases[i].program;
        if (cases[i].timeout)
            s.timeout = cases[i].timeout;
        reset_fake(cases[i].mode);
        if (cases[i].ign_chld)
            signal(SIGCHLD, SIG_IGN);
        sigaction(SIGPIPE, NULL, &before);
        sigaction(SIGCHLD, NULL, &chld_before);
        t0 = clock_ms();
        rc = sieve_redirect(&s, "bob@example.net", &st);
        sigaction(SIGPIPE, NULL, &after);
        sigaction(SIGCHLD, NULL, &chld_after);
        signal(SIGCHLD, SIG_DFL);
        EXPECT_INT(label, rc, cases[i].want_rc);
        if (cases[i].want_rc == 0 && cases[i].big)
            EXPECT_INT(label, strlen(slurp("stdin")), 300000 - 0
                       + strlen("X-Sieve: lda\nX-Sieve-Redirected-From: "
                                "user@example.org\n")
                       + (strstr(slurp("stdin"), "Message-ID:") ?
                          strcspn(strstr(slurp("stdin"), "Message-ID:"),
                                  "\n") + 1 : 0));
        if (cases[i].want_rc < 0) {
            EXPECT_STR(label, st.code, cases[i].want_code ?
                       cases[i].want_code : "4.3.0");
            EXPECT_HAS(label, st.text, cases[i].want_text);
        }
        if (cases[i].want_max_ms && clock_ms() - t0 > cases[i].want_max_ms)
            print_error("%s: took %lld ms\n", label, clock_ms() - t0),
                failed++;
        /* SIGPIPE and SIGCHLD are as they were */
        EXPECT_INT(label, after.sa_handler == before.sa_handler, 1);
        EXPECT_INT(label, chld_after.sa_handler == chld_before.sa_handler, 1);
        if (!cases[i].program)
            EXPECT_STR(label, slurp("fd50"), "closed\n");
        free(text);
    }
    close(50);
    CHECKED();
}

/* A vacation as a script would ask for it. */
static struct sieve_vacation vac(const char *reason)
{
    struct sieve_vacation v = {
        .period = 7 * 86400,
        .reason = (char *)reason,
        .to = NULL,
    };
    return v;
}

static void test_vacation_rules(void **state)
{
    static char *mine[] = {(char *)"me@alias.example", NULL};
    static const struct {
        const char *name;
        const char *sender;
        const char *orig;
        const char *headers;    /* after Return-Path, Delivered-To */
        int addresses;          /* :addresses "me@alias.example" */
        int want_rc;
        const char *want_text;
    } cases[] = {
        {.name = "answered", .sender = "alice@example.com",
         .headers = "From: alice@example.com\nTo: user@example.org\n",
         .want_rc = 0},
        {.name = "cc, case", .sender = "alice@example.com",
         .headers = "To: x@y.z\nCc: Someone <USER@Example.ORG>\n",
         .want_rc = 0},
        {.name = "resent-to", .sender = "alice@example.com",
         .headers = "To: x@y.z\nResent-To: user@example.org\n",
         .want_rc = 0},
        {.name = "resent-bcc", .sender = "alice@example.com",
         .headers = "Resent-Bcc: user@example.org\n", .want_rc = 0},
        {.name = "group", .sender = "alice@example.com",
         .headers = "To: friends: a@b.c, user@example.org;\n",
         .want_rc = 0},
        {.name = "orig", .sender = "alice@example.com",
         .orig = "old@example.org",
         .headers = "To: old@example.org\n", .want_rc = 0},
        {.name = ":addresses", .sender = "alice@example.com",
         .headers = "To: me@alias.example\n", .addresses = 1,
         .want_rc = 0},
        {.name = "auto-submitted no", .sender = "alice@example.com",
         .headers = "Auto-Submitted: no\nTo: user@example.org\n",
         .want_rc = 0},
        {.name = "precedence first-class", .sender = "alice@example.com",
         .headers = "Precedence: first-class\nTo: user@example.org\n",
         .want_rc = 0},
        {.name = "null sender", .sender = "",
         .headers = "To: user@example.org\n", .want_rc = 1,
         .want_text = "not sent: sender is <>"},
        {.name = "bad sender", .sender = "a@b.c\nBcc: x@y.z",
         .headers = "To: user@example.org\n", .want_rc = 1,
         .want_text = "not sent: sender is no plain address"},
        {.name = "mailer-daemon", .sender = "MAILER-DAEMON@example.com",
         .headers = "To: user@example.org\n", .want_rc = 1,
         .want_text = "system address"},
        {.name = "listserv", .sender = "listserv@example.com",
         .headers = "To: user@example.org\n", .want_rc = 1,
         .want_text = "system address"},
        {.name = "majordomo", .sender = "Majordomo@example.com",
         .headers = "To: user@example.org\n", .want_rc = 1,
         .want_text = "system address"},
        {.name = "owner-", .sender = "owner-list@example.com",
         .headers = "To: user@example.org\n", .want_rc = 1,
         .want_text = "system address"},
        {.name = "-request", .sender = "list-request@example.com",
         .headers = "To: user@example.org\n", .want_rc = 1,
         .want_text = "system address"},
        {.name = "own address", .sender = "User@Example.org",
         .headers = "To: user@example.org\n", .want_rc = 1,
         .want_text = "the user's own address"},
        {.name = "own :addresses", .sender = "me@alias.example",
         .headers = "To: user@example.org\n", .addresses = 1,
         .want_rc = 1, .want_text = "own address (:addresses)"},
        {.name = "list-id", .sender = "alice@example.com",
         .headers = "List-Id: <l.example.com>\nTo: user@example.org\n",
         .want_rc = 1, .want_text = "not sent: sender is a mailing list "
         "(List-Id)"},
        {.name = "list-post", .sender = "alice@example.com",
         .headers = "list-post: <mailto:l@example.com>\n"
         "To: user@example.org\n",
         .want_rc = 1, .want_text = "mailing list (List-Post)"},
        {.name = "list-unsubscribe", .sender = "alice@example.com",
         .headers = "To: user@example.org\nList-Unsubscribe: <x>\n",
         .want_rc = 1, .want_text = "mailing list (List-Unsubscribe)"},
        {.name = "auto-replied", .sender = "alice@example.com",
         .headers = "Auto-Submitted: auto-replied (vacation)\n"
         "To: user@example.org\n",
         .want_rc = 1, .want_text = "auto-submitted (auto-replied)"},
        {.name = "auto-generated", .sender = "alice@example.com",
         .headers = "Auto-Submitted: Auto-Generated\n"
         "To: user@example.org\n",
         .want_rc = 1, .want_text = "auto-submitted"},
        {.name = "precedence bulk", .sender = "alice@example.com",
         .headers = "Precedence: bulk\nTo: user@example.org\n",
         .want_rc = 1, .want_text = "Precedence: bulk"},
        {.name = "precedence list", .sender = "alice@example.com",
         .headers = "Precedence: List\nTo: user@example.org\n",
         .want_rc = 1, .want_text = "Precedence: List"},
        {.name = "precedence junk", .sender = "alice@example.com",
         .headers = "Precedence: junk\nTo: user@example.org\n",
         .want_rc = 1, .want_text = "Precedence: junk"},
        {.name = "x-auto-response-suppress", .sender = "alice@example.com",
         .headers = "X-Auto-Response-Suppress: DR, OOF\n"
         "To: user@example.org\n",
         .want_rc = 1, .want_text = "X-Auto-Response-Suppress: OOF"},
        /* a copy by Bcc (no header names the user), an alias, a list */
        {.name = "bcc", .sender = "alice@example.com",
         .headers = "To: someone@example.net\n", .want_rc = 1,
         .want_text = "no address of the user's in To, Cc"},
        {.name = "no to", .sender = "alice@example.com",
         .headers = "Subject: x\n", .want_rc = 1,
         .want_text = "no address of the user's"},
        /* the user's address in From only is no reason */
        {.name = "from only", .sender = "alice@example.com",
         .headers = "From: user@example.org\nTo: x@y.z\n", .want_rc = 1,
         .want_text = "no address of the user's"},
        {.name = "detail", .sender = "alice@example.com",
         .headers = "To: user+x@example.org\n", .want_rc = 1,
         .want_text = "no address of the user's"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[2000];
        struct msg m;
        struct sieve_send s;
        struct sieve_vacation v = vac("I am away.");
        struct status st = {{0}, {0}};
        int rc;

        snprintf(text, sizeof(text), "Return-Path: <%s>\n"
                 "Delivered-To: user@example.org\n%s\nbody\n",
                 cases[i].sender, cases[i].headers);
        m.text = text;
        m.len = strlen(text);
        s = send_for(&m, cases[i].sender);
        s.orig_recipient = cases[i].orig;
        if (cases[i].addresses) {
            v.addresses = mine;
            v.naddresses = 1;
        }
        reset_fake("");
        reset_memory();
        rc = sieve_vacation(&s, &v, &st);
        EXPECT_INT(cases[i].name, rc, cases[i].want_rc);
        if (cases[i].want_rc == 1) {
            EXPECT_HAS(cases[i].name, st.text, cases[i].want_text);
            EXPECT_STR(cases[i].name, slurp("count"), "");
        } else if (cases[i].want_rc == 0) {
            EXPECT_STR(cases[i].name, slurp("count"), "1\n");
        }
    }
    CHECKED();
}

static char long_reason[1200];

static void test_vacation_reply(void **state)
{
    static const char utf8_subject[] =
        "Return-Path: <alice@example.com>\n"
        "Delivered-To: user@example.org\n"
        "From: =?utf-8?q?Al=C3=AFce?= <alice@example.com>\n"
        "To: Us <user@example.org>\n"
        "Subject: =?iso-8859-1?q?caf=E9?=\n"
        "References: <r0@example.com>\n"
        "Message-ID: <m2@example.com>\n"
        "\n"
        "body\n";
    static const char no_subject[] =
        "Return-Path: <alice@example.com>\n"
        "From: alice@example.com\n"
        "To: user@example.org\n"
        "\n"
        "body\n";
    static char *mine[] = {(char *)"me@alias.example", NULL};
    static const struct {
        const char *name;
        const char *msg;
        const char *subject, *from, *reason;
        int mime, addresses;
        const char *want[12];
        const char *lacks;
    } cases[] = {
        {.name = "plain", .msg = plain_msg, .reason = "I am away.",
         .want = {"X-Sieve: lda\nMessage-ID: <", "\nDate: ",
                  "\nFrom: user@example.org\n"
                  "To: Alice <alice@example.com>\n"
                  "Subject: Auto: hello\n"
                  "In-Reply-To: <m1@example.com>\n"
                  "References: <m1@example.com>\n"
                  "Auto-Submitted: auto-replied (vacation)\n"
                  "Precedence: bulk\n"
                  "X-Auto-Response-Suppress: All\n"
                  "MIME-Version: 1.0\n"
                  "Content-Type: text/plain; charset=utf-8\n"
                  "Content-Transfer-Encoding: 8bit\n"
                  "\n"
                  "I am away.\n"}},
        /* the decoded subject, re-encoded; a name in UTF-8 encoded */
        {.name = "utf-8", .msg = utf8_subject, .reason = "Loin\r\nd'ici",
         .want = {"\nTo: =?utf-8?B?QWzDr2Nl?= <alice@example.com>\n",
                  "\nSubject: =?utf-8?B?QXV0bzogY2Fmw6k=?=\n",
                  "\nIn-Reply-To: <m2@example.com>\n"
                  "References: <r0@example.com> <m2@example.com>\n",
                  "\n\nLoin\nd'ici\n"}},
        {.name = "no subject", .msg = no_subject, .reason = "x",
         .want = {"\nSubject: Automated reply\n", "\nTo: alice@example.com\n"},
         .lacks = "In-Reply-To"},
        {.name = ":subject :from", .msg = plain_msg, .reason = "x",
         .subject = "Gone\nBcc: evil@example.com",
         .from = "\"Us, Inc\" <boss@example.org>",
         .want = {"\nSubject: Gone Bcc: evil@example.com\n",
                  "\nFrom: \"Us, Inc\" <boss@example.org>\n"}},
        {.name = ":subject utf-8", .msg = plain_msg, .reason = "x",
         .subject = "En cong\xc3\xa9",
         .want = {"\nSubject: =?utf-8?B?RW4gY29uZ8Op?=\n"}},
        {.name = ":mime", .msg = plain_msg, .mime = 1,
         .reason = "Content-Type: text/plain; charset=us-ascii\n\nAway.",
         .want = {"\nMIME-Version: 1.0\n"
                  "Content-Type: text/plain; charset=us-ascii\n\nAway.\n"},
         .lacks = "charset=utf-8"},
        /* a line over 998 bytes: quoted-printable, lines cut at 76 */
        {.name = "long line", .msg = plain_msg, .reason = long_reason,
         .want = {"\nContent-Transfer-Encoding: quoted-printable\n\n"
                  "=3D", "yyyy=\nyyyy", "yy\nend=C3=A9\n"}},
        /* a long subject folded before a blank */
        {.name = "long subject", .msg = plain_msg, .reason = "x",
         .subject = "one two three four five six seven eight nine ten "
         "eleven twelve thirteen fourteen fifteen",
         .want = {"\nSubject: one two three four five six seven eight "
                  "nine ten eleven twelve\n thirteen fourteen fifteen\n"}},
        /* From: is the address that was found in the message */
        {.name = "from :addresses", .msg =
         "Return-Path: <alice@example.com>\nFrom: alice@example.com\n"
         "To: ME@alias.example\n\nb\n", .reason = "x", .addresses = 1,
         .want = {"\nFrom: me@alias.example\n"}},
    };
    size_t i, j;

    (void)state;
    long_reason[0] = '=';
    memset(long_reason + 1, 'y', 1100);
    strcpy(long_reason + 1101, "\nend\xc3\xa9");
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct msg m = {.text = cases[i].msg, .len = strlen(cases[i].msg)};
        struct sieve_send s = send_for(&m, "alice@example.com");
        struct sieve_vacation v = vac(cases[i].reason);
        struct status st = {{0}, {0}};
        int rc;

        v.subject = (char *)cases[i].subject;
        v.from = (char *)cases[i].from;
        v.mime = cases[i].mime;
        if (cases[i].addresses) {
            v.addresses = mine;
            v.naddresses = 1;
        }
        reset_fake("");
        reset_memory();
        rc = sieve_vacation(&s, &v, &st);
        EXPECT_INT(cases[i].name, rc, 0);
        EXPECT_STR(cases[i].name, slurp("argv"),
                   "-i\n-f\n<>\n--\nalice@example.com\n");
        for (j = 0; cases[i].want[j]; j++)
            EXPECT_HAS(cases[i].name, slurp("stdin"), cases[i].want[j]);
        if (cases[i].lacks && strstr(slurp("stdin"), cases[i].lacks)) {
            print_error("%s: reply has %s\n", cases[i].name, cases[i].lacks);
            failed++;
        }
        /* a mail header line ends at LF, none is over 998 */
        EXPECT_INT(cases[i].name, strchr(slurp("stdin"), '\r') == NULL, 1);
    }
    CHECKED();
}

/* lines - how many lines the memory file has */
static int lines(void)
{
    const char *p = memory_file();
    int n = 0;

    for (; *p; p++)
        n += *p == '\n';
    return n;
}

static void test_vacation_memory(void **state)
{
    /* one sequence: each step's deliveries see the steps before */
    static const struct {
        const char *name;
        const char *sender;
        const char *handle;     /* NULL: derived */
        const char *reason;
        long long at;           /* seconds after the first */
        uint64_t period;
        const char *mode;       /* of the fake sendmail */
        int want_rc;
        int want_lines;
    } steps[] = {
        {.name = "first", .sender = "alice@example.com", .reason = "away",
         .want_rc = 0, .want_lines = 1},
        {.name = "again", .sender = "alice@example.com", .reason = "away",
         .at = 3600, .want_rc = 1, .want_lines = 1},
        {.name = "case", .sender = "ALICE@example.COM", .reason = "away",
         .at = 3600, .want_rc = 1, .want_lines = 1},
        {.name = "other sender", .sender = "bob@example.com",
         .reason = "away", .at = 3600, .want_rc = 0, .want_lines = 2},
        {.name = "other reason", .sender = "alice@example.com",
         .reason = "back soon", .at = 3600, .want_rc = 0, .want_lines = 3},
        {.name = "handle", .sender = "alice@example.com", .handle = "h1",
         .reason = "one", .at = 3600, .want_rc = 0, .want_lines = 4},
        {.name = "same handle", .sender = "alice@example.com",
         .handle = "h1", .reason = "two", .at = 3600, .want_rc = 1,
         .want_lines = 4},
        /* sendmail failing: -1 and nothing remembered */
        {.name = "failed send", .sender = "carol@example.com",
         .reason = "away", .at = 3600, .mode = "exit75", .want_rc = -1,
         .want_lines = 4},
        {.name = "after failure", .sender = "carol@example.com",
         .reason = "away", .at = 3600, .want_rc = 0, .want_lines = 5},
        /* a period of 0 answers every time and remembers nothing */
        {.name = "period 0", .sender = "dave@example.com", .reason = "z",
         .at = 3600, .want_rc = 0, .want_lines = 5},
        {.name = "period 0 again", .sender = "dave@example.com",
         .reason = "z", .at = 3601, .want_rc = 0, .want_lines = 5},
        /* past the 7 days: answered again; expired lines dropped */
        {.name = "expired", .sender = "alice@example.com", .reason = "away",
         .at = 7 * 86400 + 1, .want_rc = 0, .want_lines = 5},
        {.name = "expired handle", .sender = "alice@example.com",
         .handle = "h1", .reason = "x", .at = 7 * 86400 + 3601,
         .want_rc = 0, .want_lines = 2},
    };
    size_t i;

    (void)state;
    reset_memory();
    for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        struct msg m = MSG(plain_msg);
        struct sieve_send s = send_for(&m, steps[i].sender);
        struct sieve_vacation v = vac(steps[i].reason);
        struct status st = {{0}, {0}};
        int rc;

        s.now += steps[i].at;
        v.handle = (char *)steps[i].handle;
        if (strncmp(steps[i].name, "period 0", 8) == 0)
            v.period = 0;
        reset_fake(steps[i].mode);
        rc = sieve_vacation(&s, &v, &st);
        EXPECT_INT(steps[i].name, rc, steps[i].want_rc);
        EXPECT_INT(steps[i].name, lines(), steps[i].want_lines);
        if (rc == 1)
            EXPECT_HAS(steps[i].name, st.text, "answered within the period");
        if (rc < 0)
            EXPECT_HAS(steps[i].name, st.text, "sendmail exit 75");
    }
    CHECKED();
}

/* tmp_files - how many of the memory's temporary files are left */
static int tmp_files(void)
{
    DIR *d = opendir(fx.root);
    struct dirent *de;
    int n = 0;

    if (d == NULL)
        return -1;
    while ((de = readdir(d)) != NULL)
        n += strncmp(de->d_name, "lda-vacation.", 13) == 0;
    closedir(d);
    return n;
}

static void test_vacation_memory_recovered(void **state)
{
    static const char garbage[] =
        "not a line\n"
        "1800000000 zz\n"
        "1800000000 0123456789abcdef0123456789abcdef0\n"
        "\x01\x02\xff\n"
        "99999999999999999999999 0123456789abcdef0123456789abcdef\n"
        "1800000000 0123456789abcdef0123456789abcdef\n"
        "1800000000 fedcba9876543210fedcba9876543210";  /* torn */
    struct msg m = MSG(plain_msg);
    struct sieve_send s = send_for(&m, "alice@example.com");
    struct sieve_vacation v = vac("away");
    struct status st = {{0}, {0}};
    char *huge, *full, line[64];
    size_t i, n;

    (void)state;
    /* corrupt: the valid line is kept, the rest dropped */
    reset_fake("");
    put_memory(garbage, sizeof(garbage) - 1);
    EXPECT_INT("corrupt", sieve_vacation(&s, &v, &st), 0);
    EXPECT_INT("corrupt", lines(), 2);
    EXPECT_HAS("corrupt", memory_file(),
               "1800000000 0123456789abcdef0123456789abcdef\n");
    EXPECT_INT("corrupt again", sieve_vacation(&s, &v, &st), 1);

    /* too large: 3 MiB of noise, replaced by a small file */
    n = 3 << 20;
    huge = malloc(n);
    for (i = 0; i < n; i++)
        huge[i] = i % 50 == 49 ? '\n' : 'q';
    put_memory(huge, n);
    free(huge);
    EXPECT_INT("oversized", sieve_vacation(&s, &v, &st), 0);
    EXPECT_INT("oversized", lines(), 1);

    /* bounded: 10,000 unexpired lines and one more answer keep 10,000,
     * the oldest (first) dropped, the new one last */
    full = malloc(10000 * 64);
    for (i = 0, n = 0; i < 10000; i++) {
        int k = snprintf(line, sizeof(line), "%lld %032zx\n",
                         1800000000LL + (long long)i, i + 1);

        memcpy(full + n, line, (size_t)k);
        n += (size_t)k;
    }
    put_memory(full, n);
    free(full);
    s.sender = "zed@example.com";
    EXPECT_INT("bounded", sieve_vacation(&s, &v, &st), 0);
    EXPECT_INT("bounded", lines(), 10000);
    EXPECT_INT("bounded first gone", strstr(memory_file(),
               "1800000000 00000000000000000000000000000001\n") == NULL, 1);
    EXPECT_HAS("bounded", memory_file(),
               "1800000001 00000000000000000000000000000002\n");
    EXPECT_HAS("bounded", memory_file(), "1800009999 "
               "00000000000000000000000000002710\n1700604800 ");
    EXPECT_INT("temporary files", tmp_files(), 0);
    CHECKED();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_redirect),
        cmocka_unit_test(test_redirect_once),
        cmocka_unit_test(test_sendmail_fails),
        cmocka_unit_test(test_vacation_rules),
        cmocka_unit_test(test_vacation_reply),
        cmocka_unit_test(test_vacation_memory),
        cmocka_unit_test(test_vacation_memory_recovered),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
