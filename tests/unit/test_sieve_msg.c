/*
 * test_sieve_msg.c - the message as Sieve tests read it, through a
 * pread callback over memory: header fields indexed across block
 * boundaries, values unfolded, trimmed and RFC 2047 decoded, CRLF
 * messages, broken headers, the caps on fields and value length, read
 * errors; then the header, exists, size, address and envelope tests
 * (address parts, subaddress with the delimiter, groups, values that
 * are no address list), results settled against Pigeonhole.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "expect.h"

#include "../../sieve/eval.h"

/* sv_tag - fallback until validation's module is linked (see
 * test_sieve_match.c) */
__attribute__((weak)) const struct sv_arg *sv_tag(const struct sv_node *n,
                                                  const char *name)
{
    int i;

    for (i = 0; i < n->ntags; i++)
        if (strcmp(n->tags[i].name, name) == 0)
            return n->tags[i].value ? n->tags[i].value : n->tags[i].tag;
    return NULL;
}

/* The message in memory, and how its reads went. */
struct mem {
    const char *s;
    size_t len;
    int reads;
    size_t max_read;            /* the largest read asked */
    uint64_t fail_at;           /* a read at or past it fails; 0: none */
};

/* mem_pread - the pread callback over a struct mem */
static long mem_pread(void *arg, void *buf, size_t len, uint64_t off)
{
    struct mem *m = arg;

    m->reads++;
    if (len > m->max_read)
        m->max_read = len;
    if (m->fail_at != 0 && off + len > m->fail_at) {
        errno = EIO;
        return -1;
    }
    if (off >= m->len)
        return 0;
    if (len > m->len - off)
        len = m->len - off;
    /* short reads, as a pipe or NFS may give */
    if (len > 3000)
        len = 3000;
    memcpy(buf, m->s + off, len);
    return (long)len;
}

/* Values collected by a header walk. */
struct got {
    char v[8][256];
    int n;
    int stop_after;             /* 0: never stop */
};

/* collect - a header value into a struct got */
static int collect(void *arg, const char *value, size_t len)
{
    struct got *g = arg;

    if (strlen(value) != len)
        fail_msg("length %zu of \"%s\" is wrong", len, value);
    if (g->n < 8)
        snprintf(g->v[g->n], sizeof(g->v[0]), "%s", value);
    g->n++;
    return g->stop_after != 0 && g->n >= g->stop_after;
}

/* headers - the values of name in msg, joined by "|" into out */
static int headers(const char *msg, const char *name, int decode,
                   char *out, size_t cap)
{
    struct mem mem = {.s = msg, .len = strlen(msg)};
    struct sv_msg *m = sv_msg_open(mem_pread, &mem, mem.len);
    struct got g = {.n = 0};
    size_t o = 0;
    int rc, i;

    assert_non_null(m);
    rc = sv_msg_header_each(m, name, decode, collect, &g);
    out[0] = '\0';
    for (i = 0; i < g.n && i < 8; i++)
        o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? "|" : "",
                              g.v[i]);
    sv_msg_free(m);
    return rc < 0 ? -1 : g.n;
}

static void test_values(void **state)
{
    static const struct {
        const char *msg, *name;
        int decode;
        const char *want;
        int want_n;
    } cases[] = {
        {"Subject: hi\n\nbody\n", "subject", 0, "hi", 1},
        {"Subject: hi\n\nbody\n", "SUBJECT", 0, "hi", 1},
        {"Subject: hi\n\nSubject: body\n", "subject", 0, "hi", 1},
        {"Subject:   padded  \t\n\n", "subject", 0, "padded", 1},
        {"Subject:\n\n", "subject", 0, "", 1},
        {"Subject: a\n b\n\tc\n\n", "subject", 0, "a b c", 1},
        {"Subject: x\n\tyz  \n\n", "subject", 1, "x yz", 1},
        {"Subject: =?utf-8?q?h=C3=A9llo?=\n  world\n\n", "subject", 1,
         "h\xc3\xa9llo  world", 1},
        {"Subject: =?utf-8?q?h=C3=A9llo?=\n\n", "subject", 0,
         "=?utf-8?q?h=C3=A9llo?=", 1},
        {"Subject: =?iso-8859-1?q?gr=FC=DF?=\n\n", "subject", 1,
         "gr\xc3\xbc\xc3\x9f", 1},
        {"Received: 1\nX: y\nReceived: 2\n  more\nreceived: 3\n\n",
         "received", 0, "1|2  more|3", 3},
        {"Subject : spaced\n\n", "subject", 0, "spaced", 1},
        {"Subject: crlf\r\n folded\r\n\r\nBody: no\r\n", "subject", 0,
         "crlf folded", 1},
        {"Subject: crlf\r\n\r\nBody: no\r\n", "body", 0, "", 0},
        {"Subject: no body", "subject", 0, "no body", 1},
        {"Subject: no body\n", "subject", 0, "no body", 1},
        {"", "subject", 0, "", 0},
        /* broken: a line without colon, a leading continuation */
        {" cont\nFrom nobody Mon\nSubject: ok\n\n", "subject", 0, "ok", 1},
        {" cont\nSubject: ok\n\n", "cont", 0, "", 0},
        {"NoColon\nSubject: ok\n\n", "nocolon", 0, "", 0},
        {"Subject: a:b: c\n\n", "subject", 0, "a:b: c", 1},
        {"X-A: 1\nX-AB: 2\n\n", "x-a", 0, "1", 1},
        {"Subject: 8bit \xc3\xa9\n\n", "subject", 1, "8bit \xc3\xa9", 1},
        /* blanks as Dovecot leaves them: a tab opening a continuation
         * line is a space, other tabs stay, decoded or not */
        {"X: a\tb\n\n", "x", 1, "a\tb", 1},
        {"X: one\n\ttwo\n\n", "x", 1, "one two", 1},
        {"X: one\n\ttwo\n\n", "x", 0, "one two", 1},
        {"X: one\n\t\ttwo\n\n", "x", 1, "one \ttwo", 1},
        {"X: one\n \ttwo\n\n", "x", 1, "one \ttwo", 1},
        {"X: one \n\ttwo\n\n", "x", 1, "one  two", 1},
        {"X: x\t\ty\n\n", "x", 1, "x\t\ty", 1},
        {"X: =?utf-8?q?a?=\n\t=?utf-8?q?b?=\n\n", "x", 1, "ab", 1},
        {"X: =?utf-8?b?SGVsbG8gV29ybGQ=?= =?utf-8?q?_again?=\n\n", "x", 1,
         "Hello World again", 1},
        /* a charset iconv does not know: the bytes */
        {"X: =?bogus?q?abc?= and =?utf-8?q?broken\n\n", "x", 1,
         "abc and =?utf-8?q?broken", 1},
        {"X: =?x-unknown?q?=E9t=C3=A9?=\n\n", "x", 1,
         "\xef\xbf\xbdt\xc3\xa9", 1},
    };
    char out[600], c[64];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(c, sizeof(c), "case %zu", i);
        EXPECT_INT(c, headers(cases[i].msg, cases[i].name, cases[i].decode,
                              out, sizeof(out)), cases[i].want_n);
        EXPECT_STR(c, out, cases[i].want);
    }
    CHECKED();
}

/* A message built in a buffer. */
struct big {
    char *s;
    size_t len, cap;
};

/* add - append text to b */
static void add(struct big *b, const char *s)
{
    size_t n = strlen(s);

    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        assert_non_null(b->s);
    }
    memcpy(b->s + b->len, s, n + 1);
    b->len += n;
}

static void test_blocks_and_caps(void **state)
{
    struct big b = {0};
    struct mem mem;
    struct sv_msg *m;
    struct got g = {.n = 0};
    char line[128];
    int i;

    (void)state;
    /* fields across many blocks, found in order; the body offset */
    for (i = 0; i < 3000; i++) {
        snprintf(line, sizeof(line), "Received: from host%d by mx\n", i);
        add(&b, line);
    }
    add(&b, "Subject: last\n\nSubject: body\n");
    mem = (struct mem){.s = b.s, .len = b.len};
    m = sv_msg_open(mem_pread, &mem, mem.len);
    assert_non_null(m);
    assert_int_equal(sv_msg_header_each(m, "subject", 0, collect, &g), 0);
    EXPECT_INT("last", g.n, 1);
    EXPECT_STR("last", g.v[0], "last");
    EXPECT_U64("body", sv_msg_body_offset(m), b.len - strlen("Subject: body\n"));
    g.n = 0;
    g.stop_after = 2;
    assert_int_equal(sv_msg_header_each(m, "received", 0, collect, &g), 0);
    EXPECT_INT("stopped", g.n, 2);
    EXPECT_STR("first", g.v[0], "from host0 by mx");
    /* blocks, never the whole message at once */
    if (mem.max_read > 65536)
        fail_msg("read %zu bytes at once", mem.max_read);
    sv_msg_free(m);

    /* more than 4096 fields: the later ones are not seen */
    b.len = 0;
    for (i = 0; i < 5000; i++)
        add(&b, "X: 1\n");
    add(&b, "Subject: hidden\n\n");
    mem = (struct mem){.s = b.s, .len = b.len};
    m = sv_msg_open(mem_pread, &mem, mem.len);
    g = (struct got){.n = 0};
    assert_int_equal(sv_msg_header_each(m, "x", 0, collect, &g), 0);
    EXPECT_INT("cap", g.n, 4096);
    g.n = 0;
    assert_int_equal(sv_msg_header_each(m, "subject", 0, collect, &g), 0);
    EXPECT_INT("hidden", g.n, 0);
    EXPECT_U64("body still found", sv_msg_body_offset(m), b.len);
    sv_msg_free(m);

    free(b.s);
    CHECKED();
}

/* value_len - the length of the last value seen */
static int value_len(void *arg, const char *value, size_t len)
{
    (void)value;
    *(size_t *)arg = len;
    return 0;
}

static void test_long_value_and_errors(void **state)
{
    struct big b = {0};
    struct mem mem;
    struct sv_msg *m;
    size_t len = 0;
    char *v;

    (void)state;
    v = malloc(100001);
    assert_non_null(v);
    memset(v, 'v', 100000);
    v[100000] = '\0';
    add(&b, "Subject: ");
    add(&b, v);
    add(&b, "\n\n");
    free(v);
    mem = (struct mem){.s = b.s, .len = b.len};
    m = sv_msg_open(mem_pread, &mem, mem.len);
    assert_int_equal(sv_msg_header_each(m, "subject", 0, value_len, &len),
                     0);
    EXPECT_U64("cut", len, 65535);     /* 64 KiB read, a blank trimmed */
    assert_int_equal(sv_msg_header_each(m, "subject", 1, value_len, &len),
                     0);
    EXPECT_U64("cut, decoded", len, 65535);
    sv_msg_free(m);

    /* a read that fails: -1 with errno */
    mem = (struct mem){.s = b.s, .len = b.len, .fail_at = 5000};
    m = sv_msg_open(mem_pread, &mem, mem.len);
    errno = 0;
    EXPECT_INT("index fails", sv_msg_header_each(m, "subject", 0, value_len,
                                                 &len), -1);
    EXPECT_INT("errno", errno, EIO);
    sv_msg_free(m);
    mem = (struct mem){.s = "Subject: x\n\nbody", .len = 16, .fail_at = 12};
    m = sv_msg_open(mem_pread, &mem, 16);
    EXPECT_INT("value fails", sv_msg_header_each(m, "subject", 0, value_len,
                                                 &len), -1);
    sv_msg_free(m);
    free(b.s);
    CHECKED();
}

/* --- the tests, over a run --- */

static struct sieve_script script = {.ext = SV_EXT_VARIABLES};
static struct sieve_conf conf = {.delimiter = "+"};
static struct sieve_error err;
static struct sieve_env env;
static struct mem mem;
static struct sv_run run = {.conf = &conf, .script = &script, .err = &err,
                            .env = &env};

static const char msg[] =
    "Return-Path: <sender@example.org>\n"
    "From: \"Joe\" <joe+tag@Example.COM>\n"
    "To: a@b.c, (comment) Bob <bob+x@Y.org>, grp: c@d.e, \"f g\"@h.i;\n"
    "Cc: undisclosed-recipients:;\n"
    "Bcc: root\n"
    "Sender: <root>\n"
    "Reply-To: ,\n"
    "X-Empty:\n"
    "X-Original-To: \"joe\"@x.org, \"j..o\"@y.org\n"
    "Errors-To: a@b. c junk\n"
    "Apparently-To: a b@c.d\n"
    "X-Admin: a . b @c.d, x @y.z\n"
    "Resent-To: =?utf-8?q?J=C3=B6rg?= <jorg@x.de>\n"
    "Subject: =?utf-8?q?h=C3=A9llo?=\n"
    "  world\n"
    "X-Num: 42abc\n"
    "X-Num: xyz\n"
    "\n"
    "body\n";

/* run_start - a fresh run over msg */
static void run_start(const char *from, const char *to)
{
    sv_msg_free(run.msg);
    run.msg = NULL;
    sv_vars_free(run.vars);
    run.vars = NULL;
    mem = (struct mem){.s = msg, .len = sizeof(msg) - 1};
    env = (struct sieve_env){.from = from, .to = to, .size = mem.len,
                             .pread = mem_pread, .arg = &mem};
    memset(&err, 0, sizeof(err));
}

/* run_end - free what the run opened */
static void run_end(void)
{
    int i;

    sv_msg_free(run.msg);
    run.msg = NULL;
    sv_vars_free(run.vars);
    run.vars = NULL;
    for (i = 0; i < 4; i++) {
        free(run.slot[i]);
        run.slot[i] = NULL;
        run.slot_cap[i] = 0;
    }
}

/* A test node with its two string lists. */
struct tnode {
    struct sv_node n;
    struct sv_str s[2][6];
    struct sv_arg a[2];
};

/* fill - a list argument from "|"-separated strings ("" is one "") */
static void fill(struct sv_arg *a, struct sv_str *s, const char *spec)
{
    static char bufs[8][256];
    static int turn;
    char *b = bufs[turn++ % 8], *p;
    int n = 0;

    snprintf(b, sizeof(bufs[0]), "%s", spec);
    for (p = b; n < 6; n++) {
        char *bar = strchr(p, '|');

        if (bar != NULL)
            *bar = '\0';
        s[n].s = p;
        s[n].len = strlen(p);
        s[n].has_var = strstr(p, "${") != NULL;
        if (bar == NULL) {
            n++;
            break;
        }
        p = bar + 1;
    }
    *a = (struct sv_arg){.type = SV_LIST, .v = s, .n = n};
}

/* tnode - a test node: first list, keys, and the node's settings */
static struct sv_node *tnode(struct tnode *t, const char *list,
                             const char *keys, enum sv_match match,
                             enum sv_cmp cmp, enum sv_part part)
{
    memset(t, 0, sizeof(*t));
    t->n.name = (char *)"test";
    fill(&t->a[0], t->s[0], list);
    fill(&t->a[1], t->s[1], keys);
    t->n.pos[0] = &t->a[0];
    t->n.pos[1] = &t->a[1];
    t->n.npos = 2;
    t->n.match = match;
    t->n.cmp = cmp;
    t->n.part = part;
    t->n.rel = SV_EQ;
    return &t->n;
}

static void test_header_test(void **state)
{
    static const struct {
        const char *names, *keys;
        enum sv_match match;
        enum sv_cmp cmp;
        int want;
    } cases[] = {
        {"subject", "h\xc3\xa9llo  world", SV_IS, SV_CASEMAP, 1},
        {"subject", "H\xc3\xa9LLO  WORLD", SV_IS, SV_CASEMAP, 1},
        {"subject", "H\xc3\xa9LLO  WORLD", SV_IS, SV_OCTET, 0},
        {"subject", "llo", SV_CONTAINS, SV_CASEMAP, 1},
        {"nothere|subject", "*world", SV_MATCHES, SV_CASEMAP, 1},
        {"nothere", "", SV_IS, SV_CASEMAP, 0},
        {"x-empty", "", SV_IS, SV_CASEMAP, 1},
        {"x-num", "xyz", SV_IS, SV_CASEMAP, 1},
        {"x-num", "42", SV_IS, SV_NUMERIC, 1},
        {"x-num", "2", SV_COUNT, SV_NUMERIC, 1},
        {"x-num|subject", "3", SV_COUNT, SV_NUMERIC, 1},
        {"nothere", "0", SV_COUNT, SV_NUMERIC, 1},
        {"return-path", "<sender@example.org>", SV_IS, SV_CASEMAP, 1},
    };
    struct tnode t;
    char c[64];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        run_start("s@x", "u@y");
        snprintf(c, sizeof(c), "header %zu", i);
        EXPECT_INT(c, sv_test_header(&run, tnode(&t, cases[i].names,
                   cases[i].keys, cases[i].match, cases[i].cmp, SV_ALL)),
                   cases[i].want);
    }
    /* match variables from a header */
    run_start("s@x", "u@y");
    EXPECT_INT("vars", sv_test_header(&run, tnode(&t, "subject", "*o*",
               SV_MATCHES, SV_CASEMAP, SV_ALL)), 1);
    {
        size_t len;

        EXPECT_STR("${1}", sv_var_get(&run, "1", &len), "h\xc3\xa9ll");
        EXPECT_STR("${2}", sv_var_get(&run, "2", &len), "  world");
    }
    run_end();
    CHECKED();
}

static void test_exists_size(void **state)
{
    struct tnode t;
    struct sv_arg over = {.type = SV_TAG, .tag = (char *)"over"};
    struct sv_arg num = {.type = SV_NUM};
    struct sv_tagged size_tag;
    struct sv_node *n;

    (void)state;
    run_start("s@x", "u@y");
    EXPECT_INT("exists", sv_test_exists(&run, tnode(&t, "from|SUBJECT", "",
                                                    SV_IS, 0, 0)), 1);
    EXPECT_INT("exists, one missing", sv_test_exists(&run,
               tnode(&t, "from|nope", "", SV_IS, 0, 0)), 0);
    EXPECT_INT("exists, empty value", sv_test_exists(&run,
               tnode(&t, "x-empty", "", SV_IS, 0, 0)), 1);
    EXPECT_INT("exists, body line", sv_test_exists(&run,
               tnode(&t, "body", "", SV_IS, 0, 0)), 0);
    /* size :over / :under, the number as the tag's value */
    n = tnode(&t, "", "", SV_IS, 0, 0);
    n->npos = 0;
    n->ntags = 1;
    n->tags = &size_tag;
    n->tags[0] = (struct sv_tagged){.name = "over", .tag = &over,
                                    .value = &num};
    num.num = sizeof(msg) - 2;
    EXPECT_INT("over", sv_test_size(&run, n), 1);
    num.num = sizeof(msg) - 1;
    EXPECT_INT("not over", sv_test_size(&run, n), 0);
    n->tags[0].name = "under";
    EXPECT_INT("not under", sv_test_size(&run, n), 0);
    num.num = sizeof(msg);
    EXPECT_INT("under", sv_test_size(&run, n), 1);
    run_end();
    CHECKED();
}

static void test_address_test(void **state)
{
    static const struct {
        const char *names, *keys;
        enum sv_match match;
        enum sv_cmp cmp;
        enum sv_part part;
        int want;
    } cases[] = {
        {"to", "bob+x@Y.org", SV_IS, SV_CASEMAP, SV_ALL, 1},
        {"to", "BOB+X@y.ORG", SV_IS, SV_CASEMAP, SV_ALL, 1},
        {"to", "c@d.e", SV_IS, SV_CASEMAP, SV_ALL, 1},      /* group */
        {"to", "grp", SV_CONTAINS, SV_CASEMAP, SV_ALL, 0},
        {"to", "comment", SV_CONTAINS, SV_CASEMAP, SV_ALL, 0},
        {"to", "Y.org", SV_IS, SV_OCTET, SV_DOMAIN, 1},
        {"to", "bob+x", SV_IS, SV_CASEMAP, SV_LOCALPART, 1},
        {"to", "bob", SV_IS, SV_CASEMAP, SV_USER, 1},
        {"to", "x", SV_IS, SV_CASEMAP, SV_DETAIL, 1},
        {"to", "f g", SV_IS, SV_CASEMAP, SV_LOCALPART, 1},
        {"to", "\"f g\"@h.i", SV_IS, SV_CASEMAP, SV_ALL, 1},
        {"to", "4", SV_COUNT, SV_NUMERIC, SV_ALL, 1},
        /* no detail: nothing, not even "" */
        {"to", "", SV_IS, SV_CASEMAP, SV_DETAIL, 0},
        {"to", "1", SV_COUNT, SV_NUMERIC, SV_DETAIL, 1},
        {"from", "tag", SV_IS, SV_CASEMAP, SV_DETAIL, 1},
        {"from", "joe", SV_IS, SV_CASEMAP, SV_USER, 1},
        {"from", "example.com", SV_IS, SV_CASEMAP, SV_DOMAIN, 1},
        {"from", "\"", SV_CONTAINS, SV_CASEMAP, SV_ALL, 0},    /* no name */
        /* not an address list: whole with :all, nothing otherwise */
        {"cc", "undisclosed-recipients:;", SV_IS, SV_CASEMAP, SV_ALL, 1},
        {"cc", "undisclosed-recipients", SV_IS, SV_CASEMAP, SV_LOCALPART, 0},
        {"bcc", "root", SV_IS, SV_CASEMAP, SV_ALL, 1},
        {"bcc", "root", SV_IS, SV_CASEMAP, SV_LOCALPART, 0},
        {"sender", "<root>", SV_IS, SV_CASEMAP, SV_ALL, 1},
        {"reply-to", "1", SV_COUNT, SV_NUMERIC, SV_ALL, 1},
        /* an empty value is "" for every part */
        {"x-empty", "", SV_IS, SV_CASEMAP, SV_DOMAIN, 1},
        {"x-empty", "", SV_IS, SV_CASEMAP, SV_DETAIL, 1},
        /* names in encoded words do not hide the address */
        {"resent-to", "jorg@x.de", SV_IS, SV_CASEMAP, SV_ALL, 1},
        {"nothere", "0", SV_COUNT, SV_NUMERIC, SV_ALL, 1},
        /* words after a bare domain are dropped; blanks between words
         * of a bare local part make no address (as Dovecot reads them) */
        {"errors-to", "a@b.c", SV_IS, SV_OCTET, SV_ALL, 1},
        {"apparently-to", "a b@c.d", SV_IS, SV_OCTET, SV_ALL, 1},
        {"apparently-to", "c.d", SV_IS, SV_OCTET, SV_DOMAIN, 0},
        {"x-admin", "x@y.z", SV_IS, SV_OCTET, SV_ALL, 1},
        {"x-admin", "1", SV_COUNT, SV_NUMERIC, SV_ALL, 1},
        /* quotes a local part does not need are dropped */
        {"x-original-to", "joe@x.org", SV_IS, SV_OCTET, SV_ALL, 1},
        {"x-original-to", "\"j..o\"@y.org", SV_IS, SV_OCTET, SV_ALL, 1},
        {"x-original-to", "j..o", SV_IS, SV_OCTET, SV_LOCALPART, 1},
        {"from|to", "d.e", SV_IS, SV_CASEMAP, SV_DOMAIN, 1},
    };
    struct tnode t;
    char c[64];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        run_start("s@x", "u@y");
        snprintf(c, sizeof(c), "address %zu (%s %s)", i, cases[i].names,
                 cases[i].keys);
        EXPECT_INT(c, sv_test_address(&run, tnode(&t, cases[i].names,
                   cases[i].keys, cases[i].match, cases[i].cmp,
                   cases[i].part)), cases[i].want);
    }
    /* another delimiter; several of them: the first that occurs */
    snprintf(conf.delimiter, sizeof(conf.delimiter), "-+");
    run_start("s@x", "u@y");
    EXPECT_INT("delim", sv_test_address(&run, tnode(&t, "from", "joe",
               SV_IS, SV_CASEMAP, SV_USER)), 1);
    snprintf(conf.delimiter, sizeof(conf.delimiter), "-");
    EXPECT_INT("delim -", sv_test_address(&run, tnode(&t, "from", "joe+tag",
               SV_IS, SV_CASEMAP, SV_USER)), 1);
    EXPECT_INT("delim -, no detail", sv_test_address(&run, tnode(&t, "from",
               "*", SV_MATCHES, SV_CASEMAP, SV_DETAIL)), 0);
    snprintf(conf.delimiter, sizeof(conf.delimiter), "+");
    run_end();
    EXPECT_INT("allowed", sv_address_header_ok("Resent-Cc"), 1);
    EXPECT_INT("not allowed", sv_address_header_ok("subject"), 0);
    EXPECT_INT("not allowed", sv_address_header_ok("return-path"), 0);
    CHECKED();
}

static void test_envelope_test(void **state)
{
    static const struct {
        const char *from, *parts, *keys;
        enum sv_match match;
        enum sv_part part;
        int want;
    } cases[] = {
        {"s+x@ex.org", "from", "s+x@ex.org", SV_IS, SV_ALL, 1},
        {"s+x@ex.org", "FROM", "EX.ORG", SV_IS, SV_DOMAIN, 1},
        {"s+x@ex.org", "from", "s", SV_IS, SV_USER, 1},
        {"s+x@ex.org", "from", "x", SV_IS, SV_DETAIL, 1},
        {"s+x@ex.org", "to", "user+det@example.com", SV_IS, SV_ALL, 1},
        {"s+x@ex.org", "to", "det", SV_IS, SV_DETAIL, 1},
        {"s+x@ex.org", "to", "user", SV_IS, SV_USER, 1},
        {"s+x@ex.org", "from|to", "example.com", SV_IS, SV_DOMAIN, 1},
        {"s+x@ex.org", "auth", "", SV_IS, SV_ALL, 0},
        /* the null sender is "" whatever the part, counted once */
        {"", "from", "", SV_IS, SV_ALL, 1},
        {"", "from", "", SV_IS, SV_LOCALPART, 1},
        {"", "from", "", SV_IS, SV_DOMAIN, 1},
        {"", "from", "*", SV_MATCHES, SV_ALL, 1},
        {"", "from", "?*", SV_MATCHES, SV_ALL, 0},
        {"", "from", "1", SV_COUNT, SV_ALL, 1},
        /* a sender without a domain */
        {"MAILER-DAEMON", "from", "mailer-daemon", SV_IS, SV_ALL, 1},
        {"MAILER-DAEMON", "from", "mailer-daemon", SV_IS, SV_LOCALPART, 1},
        {"MAILER-DAEMON", "from", "", SV_IS, SV_DOMAIN, 0},
    };
    struct tnode t;
    struct sv_node *n;
    char c[64];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        run_start(cases[i].from, "user+det@example.com");
        snprintf(c, sizeof(c), "envelope %zu", i);
        n = tnode(&t, cases[i].parts, cases[i].keys, cases[i].match,
                  cases[i].match == SV_COUNT ? SV_NUMERIC : SV_CASEMAP,
                  cases[i].part);
        EXPECT_INT(c, sv_test_envelope(&run, n), cases[i].want);
    }
    /* a read error is a runtime error at the test */
    run_start("s@x", "u@y");
    mem.fail_at = 10;
    n = tnode(&t, "subject", "x", SV_IS, SV_CASEMAP, SV_ALL);
    n->line = 7;
    n->col = 9;
    EXPECT_INT("read error", sv_test_header(&run, n), -1);
    EXPECT_INT("read error line", err.line, 7);
    EXPECT_INT("read error col", err.col, 9);
    EXPECT_HAS("read error", err.text, "read message");
    run_end();
    /* "to" is the original recipient when there is one */
    run_start("s@x", "final@example.com");
    env.orig_to = "orig+tag@example.com";
    EXPECT_INT("orig", sv_test_envelope(&run, tnode(&t, "to",
               "orig+tag@example.com", SV_IS, SV_CASEMAP, SV_ALL)), 1);
    EXPECT_INT("orig detail", sv_test_envelope(&run, tnode(&t, "to", "tag",
               SV_IS, SV_CASEMAP, SV_DETAIL)), 1);
    EXPECT_INT("not final", sv_test_envelope(&run, tnode(&t, "to",
               "final@example.com", SV_IS, SV_CASEMAP, SV_ALL)), 0);
    run_end();
    CHECKED();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_blocks_and_caps),
        cmocka_unit_test(test_long_value_and_errors),
        cmocka_unit_test(test_header_test),
        cmocka_unit_test(test_exists_size),
        cmocka_unit_test(test_address_test),
        cmocka_unit_test(test_envelope_test),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
