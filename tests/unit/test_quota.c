/*
 * test_quota.c - Maildir++ quota: parsing and writing maildirsize, the
 * limit check, sizes from ",S=" names, and the file-level cycle with the
 * local backend in a scratch Maildir (recount when missing, stale, too
 * big or over quota; appended deltas; the lock taken and given back).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "expect.h"
#include "scratch.h"

#include "../../store/backend.h"
#include "../../store/quota.h"

static void test_parse(void **state)
{
    static const struct {
        const char *in;
        int want_rc;
        uint64_t want_lim_bytes, want_lim_messages;
        int64_t want_bytes, want_messages;
        int want_lines;
    } cases[] = {
        {.in = "1000S,10C\n5 1\n-3 -1\n", .want_rc = 0,
         .want_lim_bytes = 1000, .want_lim_messages = 10, .want_bytes = 2,
         .want_messages = 0, .want_lines = 2},
        {.in = "10C,1000S\n", .want_rc = 0, .want_lim_bytes = 1000,
         .want_lim_messages = 10},
        {.in = "1000S\n100 2\n", .want_rc = 0, .want_lim_bytes = 1000,
         .want_bytes = 100, .want_messages = 2, .want_lines = 1},
        {.in = "10C\n", .want_rc = 0, .want_lim_messages = 10},
        {.in = "1000S,10C\n   12 1\n", .want_rc = 0, .want_lim_bytes = 1000,
         .want_lim_messages = 10, .want_bytes = 12, .want_messages = 1,
         .want_lines = 1},
        {.in = "1000S\n12  3  \n", .want_rc = 0, .want_lim_bytes = 1000,
         .want_bytes = 12, .want_messages = 3, .want_lines = 1},
        {.in = "1000S\n\n5 1\n", .want_rc = 0, .want_lim_bytes = 1000,
         .want_bytes = 5, .want_messages = 1, .want_lines = 1},
        {.in = "0S\n", .want_rc = 0},
        {.in = "1000S\n-500 -2\n", .want_rc = 0, .want_lim_bytes = 1000,
         .want_bytes = -500, .want_messages = -2, .want_lines = 1},
        {.in = "", .want_rc = -1},
        {.in = "1000S", .want_rc = -1},
        {.in = "1000S\n5 1", .want_rc = -1},
        {.in = "1000S\n5 1\n7 1", .want_rc = -1},
        {.in = "1000S\ngarbage\n", .want_rc = -1},
        {.in = "1000S\n12\n", .want_rc = -1},
        {.in = "1000S\n12 \n", .want_rc = -1},
        {.in = "1000S\n5 1 x\n", .want_rc = -1},
        {.in = "1000S\n5x 1\n", .want_rc = -1},
        {.in = "1000S\n- 1\n", .want_rc = -1},
        {.in = "1000X\n", .want_rc = -1},
        {.in = "-5S\n", .want_rc = -1},
        {.in = "S\n", .want_rc = -1},
        {.in = "1000\n", .want_rc = -1},
        {.in = "99999999999999999999S\n", .want_rc = -1},
        {.in = "1000S\n99999999999999999999 1\n", .want_rc = -1},
        /* sums past int64_t: malformed, so recounted (UB once) */
        {.in = "1000S\n9000000000000000000 1\n9000000000000000000 1\n",
         .want_rc = -1},
        {.in = "1000S\n1 9000000000000000000\n1 9000000000000000000\n",
         .want_rc = -1},
        {.in = "1000S\n-9000000000000000000 1\n-9000000000000000000 1\n",
         .want_rc = -1},
        {.in = "1000S\n1 -9000000000000000000\n1 -9000000000000000000\n",
         .want_rc = -1},
        {.in = "1000S\n9000000000000000000 1\n-9000000000000000000 -1\n"
               "9000000000000000000 1\n", .want_rc = 0,
         .want_lim_bytes = 1000, .want_bytes = 9000000000000000000,
         .want_messages = 1, .want_lines = 3},
    };
    size_t i;
    char label[100];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct quota_limits lim;
        struct quota_usage use;
        int lines, rc;

        snprintf(label, sizeof(label), "quota_parse case %zu", i);
        rc = quota_parse(cases[i].in, strlen(cases[i].in), &lim, &use,
                         &lines);
        EXPECT_INT(label, rc, cases[i].want_rc);
        if (rc < 0 || cases[i].want_rc < 0)
            continue;
        EXPECT_INT(label, lim.bytes, cases[i].want_lim_bytes);
        EXPECT_INT(label, lim.messages, cases[i].want_lim_messages);
        EXPECT_INT(label, use.bytes, cases[i].want_bytes);
        EXPECT_INT(label, use.messages, cases[i].want_messages);
        EXPECT_INT(label, lines, cases[i].want_lines);
    }
    CHECKED();
}

static void test_format_limits(void **state)
{
    static const struct {
        uint64_t bytes, messages;
        const char *want;
    } cases[] = {
        {.bytes = 1000, .messages = 10, .want = "1000S,10C"},
        {.bytes = 0, .messages = 10, .want = "10C"},
        {.bytes = 1000, .messages = 0, .want = "1000S"},
        {.bytes = 1ULL << 40, .messages = 1000000,
         .want = "1099511627776S,1000000C"},
    };
    size_t i;
    char out[64], buf[80], label[100];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct quota_limits lim = {.bytes = cases[i].bytes,
                                   .messages = cases[i].messages}, back;
        struct quota_usage use;
        int n, lines;

        snprintf(label, sizeof(label), "quota_format_limits(%s)",
                 cases[i].want);
        n = quota_format_limits(&lim, out, sizeof(out));
        EXPECT_INT(label, n, strlen(cases[i].want));
        EXPECT_STR(label, out, cases[i].want);
        /* what is written reads back the same */
        snprintf(buf, sizeof(buf), "%s\n", out);
        EXPECT_INT(label, quota_parse(buf, strlen(buf), &back, &use, &lines),
                   0);
        EXPECT_INT(label, back.bytes, lim.bytes);
        EXPECT_INT(label, back.messages, lim.messages);
    }
    CHECKED();
}

static void test_exceeds(void **state)
{
    static const struct {
        uint64_t lim_bytes, lim_messages;
        int64_t bytes, messages;
        uint64_t size;
        int want;
    } cases[] = {
        {.lim_bytes = 1000, .bytes = 900, .size = 100, .want = 0},
        {.lim_bytes = 1000, .bytes = 900, .size = 101, .want = 1},
        {.lim_bytes = 1000, .bytes = 0, .size = 1000, .want = 0},
        {.lim_bytes = 1000, .bytes = 0, .size = 1001, .want = 1},
        {.lim_bytes = 1000, .bytes = 1000, .size = 0, .want = 0},
        {.lim_bytes = 1000, .bytes = 1001, .size = 0, .want = 1},
        {.lim_bytes = 1000, .bytes = -50, .size = 1000, .want = 0},
        {.lim_bytes = 1000, .bytes = -50, .size = 1001, .want = 1},
        {.lim_messages = 10, .messages = 9, .size = 5, .want = 0},
        {.lim_messages = 10, .messages = 10, .size = 5, .want = 1},
        {.lim_messages = 10, .messages = -3, .size = 5, .want = 0},
        {.lim_bytes = 1000, .lim_messages = 10, .bytes = 0, .messages = 10,
         .size = 1, .want = 1},
        {.lim_bytes = 1000, .lim_messages = 10, .bytes = 999, .messages = 0,
         .size = 2, .want = 1},
        {.lim_bytes = 1000, .lim_messages = 10, .bytes = 999, .messages = 9,
         .size = 1, .want = 0},
        /* 0 = no limit */
        {.bytes = INT64_MAX, .messages = INT64_MAX, .size = UINT64_MAX,
         .want = 0},
        {.lim_messages = 10, .bytes = INT64_MAX, .messages = 0,
         .size = UINT64_MAX >> 1, .want = 0},
        {.lim_bytes = 1000, .messages = INT64_MAX, .size = 1, .want = 0},
    };
    size_t i;
    char label[100];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct quota_limits lim = {.bytes = cases[i].lim_bytes,
                                   .messages = cases[i].lim_messages};
        struct quota_usage use = {.bytes = cases[i].bytes,
                                  .messages = cases[i].messages};

        snprintf(label, sizeof(label), "quota_exceeds case %zu", i);
        EXPECT_INT(label, quota_exceeds(&lim, &use, cases[i].size),
                   cases[i].want);
    }
    CHECKED();
}

static void test_count_name(void **state)
{
    static const struct {
        const char *name;
        int want_rc;
        uint64_t want;
    } cases[] = {
        {.name = "1700000000.M5P12.mx,S=123", .want_rc = 0, .want = 123},
        {.name = "1700000000.M5P12.mx,S=123,W=130", .want_rc = 0,
         .want = 123},
        {.name = "1700000000.M5P12.mx,S=123:2,S", .want_rc = 0, .want = 123},
        {.name = "1700000000.M5P12.mx,S=123,W=130:2,RS", .want_rc = 0,
         .want = 123},
        {.name = "x,S=0", .want_rc = 0, .want = 0},
        {.name = "x,S=1099511627776,W=1100000000000", .want_rc = 0,
         .want = 1ULL << 40},
        {.name = "1700000000.M5P12.mx", .want_rc = -1},
        {.name = "1700000000.M5P12.mx:2,S", .want_rc = -1},
        {.name = "x,S=", .want_rc = -1},
        {.name = "x,S=abc", .want_rc = -1},
        {.name = "x,S=12a", .want_rc = -1},
        {.name = "x,S=-12", .want_rc = -1},
        {.name = "x,S=99999999999999999999", .want_rc = -1},
        {.name = "", .want_rc = -1},
    };
    size_t i;
    char label[100];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint64_t size = 77;
        int rc;

        snprintf(label, sizeof(label), "quota_count_name(\"%s\")",
                 cases[i].name);
        rc = quota_count_name(cases[i].name, &size);
        EXPECT_INT(label, rc, cases[i].want_rc);
        if (rc == 0 && cases[i].want_rc == 0)
            EXPECT_INT(label, size, cases[i].want);
    }
    CHECKED();
}

/* The file-level tests: a scratch Maildir and the local backend. */

struct fixture {
    char root[64];
    char tmpbase[128];
    struct backend *b;
};

/* path - root/rel in a static buffer (one of four, used in turn) */
static const char *path(const struct fixture *fx, const char *rel)
{
    static char bufs[4][512];
    static int turn;
    char *p = bufs[turn++ % 4];

    snprintf(p, sizeof(bufs[0]), "%s/%s", fx->root, rel);
    return p;
}

static void mkdirs(const struct fixture *fx, const char *rel)
{
    assert_int_equal(mkdir(path(fx, rel), 0700), 0);
}

/* put - a file of size bytes at rel */
static void put(const struct fixture *fx, const char *rel, size_t size)
{
    FILE *fp = fopen(path(fx, rel), "w");
    size_t i;

    assert_non_null(fp);
    for (i = 0; i < size; i++)
        assert_int_equal(fputc('x', fp), 'x');
    assert_int_equal(fclose(fp), 0);
}

static void put_text(const struct fixture *fx, const char *rel,
                     const char *text)
{
    FILE *fp = fopen(path(fx, rel), "w");

    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    assert_int_equal(fclose(fp), 0);
}

/* get_text - a whole small file; -1 when missing */
static long get_text(const struct fixture *fx, const char *rel, char *buf,
                     size_t cap)
{
    FILE *fp = fopen(path(fx, rel), "r");
    size_t n;

    if (fp == NULL)
        return -1;
    n = fread(buf, 1, cap - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return (long)n;
}

static int exists(const struct fixture *fx, const char *rel)
{
    struct stat sb;

    return lstat(path(fx, rel), &sb) == 0;
}

/* entries - how many names a directory holds */
static int entries(const struct fixture *fx, const char *rel)
{
    DIR *d = opendir(path(fx, rel));
    struct dirent *de;
    int n = 0;

    assert_non_null(d);
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

/*
 * A Maildir whose countable mail is 380 bytes in 4 messages: sizes from
 * ",S=" (the files themselves are empty) or from stat(); Trash, tmp/,
 * dot-files and directories that are not ".folders" hold more.
 */
#define REAL_BYTES 380
#define REAL_MESSAGES 4

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    static struct location loc;
    struct backend_conf conf = {.timeout = 5, .host = "test"};
    struct status st;

    if (fx == NULL)
        return -1;
    snprintf(fx->root, sizeof(fx->root), "/tmp/lda-test-quota.XXXXXX");
    if (mkdtemp(fx->root) == NULL)
        return -1;
    snprintf(fx->tmpbase, sizeof(fx->tmpbase), "%s/tmp/1.M1P1.test",
             fx->root);
    mkdirs(fx, "tmp");
    mkdirs(fx, "new");
    mkdirs(fx, "cur");
    put(fx, "tmp/1.M1P1.test", 0);      /* the message: lock's unique file */
    put(fx, "new/1.M1P1.h,S=100,W=105", 0);
    put(fx, "cur/2.M1P1.h,S=200,W=210:2,S", 0);
    put(fx, "new/.hidden,S=999", 0);
    put(fx, "tmp/7.M1P1.h,S=777", 0);
    mkdirs(fx, ".Sub");
    mkdirs(fx, ".Sub/tmp");
    mkdirs(fx, ".Sub/new");
    mkdirs(fx, ".Sub/cur");
    put(fx, ".Sub/new/3.M1P1.h,S=50", 0);
    put(fx, ".Sub/cur/4.M1P1.h:2,S", 30);
    put(fx, ".Sub/cur/.dot", 40);
    put(fx, ".Sub/maildirfolder", 0);
    mkdirs(fx, ".Trash");
    mkdirs(fx, ".Trash/new");
    mkdirs(fx, ".Trash/cur");
    put(fx, ".Trash/cur/5.M1P1.h,S=1000", 0);
    put(fx, ".Trash/new/6.M1P1.h", 500);
    mkdirs(fx, ".Empty");           /* a folder without new/ or cur/ */
    put(fx, ".notadir", 10);
    mkdirs(fx, "Other");
    mkdirs(fx, "Other/new");
    put(fx, "Other/new/8.M1P1.h,S=400", 0);
    if (backend_locate(fx->root, &loc, &st) < 0
        || backend_open(&loc, fx->root, &conf, &fx->b, &st) < 0)
        return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    int rc;

    backend_close(fx->b);
    rc = rm_rf(fx->root);
    free(fx);
    return rc;
}

/* LIM - quota limits in bytes and messages, 0 for none */
#define LIM(b, m) {.bytes = (b), .messages = (m)}

static const struct quota_limits lim_big = LIM(10000, 100);

/* check_file - maildirsize parses to these limits and totals */
static void check_file(const struct fixture *fx, const char *label,
                       const struct quota_limits *lim, int64_t bytes,
                       int64_t messages, int lines)
{
    char buf[8192];
    long n = get_text(fx, "maildirsize", buf, sizeof(buf));
    struct quota_limits flim;
    struct quota_usage use;
    int flines;

    EXPECT_INT(label, n >= 0, 1);
    if (n < 0)
        return;
    EXPECT_INT(label, quota_parse(buf, (size_t)n, &flim, &use, &flines), 0);
    EXPECT_INT(label, flim.bytes, lim->bytes);
    EXPECT_INT(label, flim.messages, lim->messages);
    EXPECT_INT(label, use.bytes, bytes);
    EXPECT_INT(label, use.messages, messages);
    EXPECT_INT(label, flines, lines);
}

/* The whole cycle: recount, append, unlock, and the next delivery. */
static void test_cycle(void **state)
{
    struct fixture *fx = *state;
    struct quota q;
    struct status st;
    char buf[256];
    const char *c = "cycle";
    int fits;

    memset(&st, 0, sizeof(st));
    assert_int_equal(quota_begin(&q, fx->b, fx->root, &lim_big, fx->tmpbase,
                                 time(NULL) + 10, &st), 0);
    EXPECT_INT(c, q.use.bytes, REAL_BYTES);
    EXPECT_INT(c, q.use.messages, REAL_MESSAGES);
    EXPECT_INT(c, q.recalculated, 1);
    EXPECT_INT(c, exists(fx, "maildirsize.lock"), 1);
    EXPECT_INT(c, get_text(fx, "maildirsize", buf, sizeof(buf)) > 0, 1);
    EXPECT_STR(c, buf, "10000S,100C\n380 4\n");
    /* in tmp/ the message that was there and the lock's own file */
    EXPECT_INT(c, entries(fx, "tmp"), 3);

    EXPECT_INT(c, quota_fits(&q, 9620, &fits, &st), 0);
    EXPECT_INT(c, fits, 1);
    EXPECT_INT(c, quota_fits(&q, 9621, &fits, &st), 0);
    EXPECT_INT(c, fits, 0);
    EXPECT_INT(c, quota_add(&q, 120, 1, &st), 0);
    EXPECT_INT(c, q.use.bytes, REAL_BYTES + 120);
    EXPECT_INT(c, q.use.messages, REAL_MESSAGES + 1);
    check_file(fx, c, &lim_big, REAL_BYTES + 120, REAL_MESSAGES + 1, 2);
    EXPECT_INT(c, get_text(fx, "maildirsize", buf, sizeof(buf)) > 0, 1);
    EXPECT_STR(c, buf, "10000S,100C\n380 4\n120 1\n");
    quota_end(&q);
    EXPECT_INT(c, exists(fx, "maildirsize.lock"), 0);
    EXPECT_INT(c, entries(fx, "tmp"), 2);

    /* the next delivery reads the file: no recount */
    c = "cycle, second begin";
    assert_int_equal(quota_begin(&q, fx->b, fx->root, &lim_big, fx->tmpbase,
                                 time(NULL) + 10, &st), 0);
    EXPECT_INT(c, q.recalculated, 0);
    EXPECT_INT(c, q.use.bytes, REAL_BYTES + 120);
    EXPECT_INT(c, q.use.messages, REAL_MESSAGES + 1);
    EXPECT_INT(c, q.lines, 2);
    EXPECT_INT(c, quota_add(&q, -100, -1, &st), 0);
    quota_end(&q);
    check_file(fx, c, &lim_big, REAL_BYTES + 20, REAL_MESSAGES, 3);
    EXPECT_INT(c, exists(fx, "maildirsize.lock"), 0);
    CHECKED();
}

/* While one holds the lock, another gives up at its deadline with 4.3.0. */
static void test_lock_busy(void **state)
{
    struct fixture *fx = *state;
    struct quota q, q2;
    struct status st;
    char tmpbase2[160];
    const char *c = "lock busy";

    snprintf(tmpbase2, sizeof(tmpbase2), "%s.other", fx->tmpbase);
    put(fx, "tmp/1.M1P1.test.other", 0);
    assert_int_equal(quota_begin(&q, fx->b, fx->root, &lim_big, fx->tmpbase,
                                 time(NULL) + 10, &st), 0);
    memset(&st, 0, sizeof(st));
    EXPECT_INT(c, quota_begin(&q2, fx->b, fx->root, &lim_big, tmpbase2,
                              time(NULL) - 1, &st), -1);
    EXPECT_STR(c, st.code, "4.3.0");
    EXPECT_INT(c, strstr(st.text, "maildirsize.lock") != NULL, 1);
    /* the holder's lock and its file in tmp/ stay; the loser leaves
     * nothing more in tmp/ */
    EXPECT_INT(c, exists(fx, "maildirsize.lock"), 1);
    EXPECT_INT(c, entries(fx, "tmp"), 4);
    quota_end(&q);
    EXPECT_INT(c, exists(fx, "maildirsize.lock"), 0);
    EXPECT_INT(c, entries(fx, "tmp"), 3);
    CHECKED();
}

/* big_file - limits and then "0 0" lines up to size bytes */
static char *big_file(const char *limits, size_t size)
{
    char *s = malloc(size + 1);
    size_t o;

    assert_non_null(s);
    o = (size_t)sprintf(s, "%s\n", limits);
    while (o + 4 <= size)
        o += (size_t)sprintf(s + o, "0 0\n");
    assert_int_equal(o, size);
    return s;
}

/* When the existing maildirsize is trusted and when it is recounted. */
static void test_begin_file(void **state)
{
    struct fixture *fx = *state;
    static const struct {
        const char *name;
        const char *text;           /* NULL: no file */
        size_t big;                 /* a "0 0" file of this many bytes */
        struct quota_limits lim;
        int want_recount;
        int64_t want_bytes, want_messages;
        int want_lines;
    } cases[] = {
        {.name = "missing", .text = NULL, .lim = LIM(10000, 100),
         .want_recount = 1, .want_bytes = REAL_BYTES,
         .want_messages = REAL_MESSAGES, .want_lines = 1},
        {.name = "matching", .text = "10000S,100C\n380 4\n120 1\n",
         .lim = LIM(10000, 100), .want_recount = 0, .want_bytes = 500,
         .want_messages = 5, .want_lines = 2},
        {.name = "limits only", .text = "10000S,100C\n",
         .lim = LIM(10000, 100),
         .want_recount = 0, .want_bytes = 0, .want_messages = 0,
         .want_lines = 0},
        {.name = "limits in other order", .text = "100C,10000S\n7 1\n",
         .lim = LIM(10000, 100), .want_recount = 0, .want_bytes = 7,
         .want_messages = 1, .want_lines = 1},
        {.name = "padded lines", .text = "2000S\n   12 1\n   -2 0\n",
         .lim = LIM(2000, 0), .want_recount = 0, .want_bytes = 10,
         .want_messages = 1, .want_lines = 2},
        {.name = "other byte limit", .text = "5000S,100C\n1 1\n",
         .lim = LIM(10000, 100), .want_recount = 1, .want_bytes = REAL_BYTES,
         .want_messages = REAL_MESSAGES, .want_lines = 1},
        {.name = "message limit missing", .text = "10000S\n1 1\n",
         .lim = LIM(10000, 100), .want_recount = 1, .want_bytes = REAL_BYTES,
         .want_messages = REAL_MESSAGES, .want_lines = 1},
        {.name = "message limit dropped", .text = "10000S,100C\n1 1\n",
         .lim = LIM(10000, 0), .want_recount = 1, .want_bytes = REAL_BYTES,
         .want_messages = REAL_MESSAGES, .want_lines = 1},
        {.name = "garbage", .text = "garbage\n", .lim = LIM(10000, 100),
         .want_recount = 1, .want_bytes = REAL_BYTES,
         .want_messages = REAL_MESSAGES, .want_lines = 1},
        {.name = "torn line", .text = "10000S,100C\n5 1",
         .lim = LIM(10000, 100),
         .want_recount = 1, .want_bytes = REAL_BYTES,
         .want_messages = REAL_MESSAGES, .want_lines = 1},
        {.name = "empty", .text = "", .lim = LIM(10000, 100),
         .want_recount = 1, .want_bytes = REAL_BYTES,
         .want_messages = REAL_MESSAGES, .want_lines = 1},
        {.name = "negative total", .text = "10000S,100C\n-5 -1\n",
         .lim = LIM(10000, 100), .want_recount = 1, .want_bytes = REAL_BYTES,
         .want_messages = REAL_MESSAGES, .want_lines = 1},
        /* wrapped, the sum would be a plausible 8553255926290448384 */
        {.name = "sum past int64", .text = "10000S,100C\n"
         "9000000000000000000 1\n9000000000000000000 1\n"
         "9000000000000000000 1\n", .lim = LIM(10000, 100),
         .want_recount = 1, .want_bytes = REAL_BYTES,
         .want_messages = REAL_MESSAGES, .want_lines = 1},
        {.name = "5120 bytes", .big = QUOTA_RECALC_SIZE,
         .lim = LIM(10000, 100), .want_recount = 1, .want_bytes = REAL_BYTES,
         .want_messages = REAL_MESSAGES, .want_lines = 1},
        {.name = "5116 bytes", .big = QUOTA_RECALC_SIZE - 4,
         .lim = LIM(10000, 100), .want_recount = 0, .want_bytes = 0,
         .want_messages = 0, .want_lines = (QUOTA_RECALC_SIZE - 4 - 12) / 4},
    };
    size_t i;
    char label[100];

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct quota q;
        struct status st;
        char *text = NULL;

        snprintf(label, sizeof(label), "maildirsize %s", cases[i].name);
        (void)unlink(path(fx, "maildirsize"));
        if (cases[i].big) {
            text = big_file("10000S,100C", cases[i].big);
            put_text(fx, "maildirsize", text);
            free(text);
        } else if (cases[i].text) {
            put_text(fx, "maildirsize", cases[i].text);
        }
        memset(&st, 0, sizeof(st));
        if (quota_begin(&q, fx->b, fx->root, &cases[i].lim, fx->tmpbase,
                        time(NULL) + 10, &st) < 0) {
            print_error("%s: quota_begin: %s %s\n", label, st.code, st.text);
            failed++;
            continue;
        }
        EXPECT_INT(label, q.recalculated, cases[i].want_recount);
        EXPECT_INT(label, q.use.bytes, cases[i].want_bytes);
        EXPECT_INT(label, q.use.messages, cases[i].want_messages);
        EXPECT_INT(label, q.lines, cases[i].want_lines);
        quota_end(&q);
        EXPECT_INT(label, exists(fx, "maildirsize.lock"), 0);
        if (cases[i].want_recount)
            check_file(fx, label, &cases[i].lim, REAL_BYTES, REAL_MESSAGES,
                       1);
    }
    CHECKED();
}

/* quota_fits: before saying "full", numbers that may be stale are redone. */
static void test_fits(void **state)
{
    struct fixture *fx = *state;
    static const struct {
        const char *name;
        const char *text;           /* NULL: no file */
        struct quota_limits lim;
        int age;                    /* seconds the file is old */
        uint64_t size;
        int want_fits;
        int want_recount;
        int64_t want_bytes;
    } cases[] = {
        {.name = "over by two stale deltas",
         .text = "1000S\n600 1\n600 1\n", .lim = LIM(1000, 0), .size = 100,
         .want_fits = 1, .want_recount = 1, .want_bytes = REAL_BYTES},
        {.name = "over by one fresh line", .text = "1000S\n1200 1\n",
         .lim = LIM(1000, 0), .size = 100, .want_fits = 0, .want_recount = 0,
         .want_bytes = 1200},
        {.name = "over by one old line", .text = "1000S\n1200 1\n",
         .lim = LIM(1000, 0), .age = QUOTA_RECALC_AGE + 60, .size = 100,
         .want_fits = 1, .want_recount = 1, .want_bytes = REAL_BYTES},
        {.name = "under", .text = "1000S\n100 1\n100 1\n", .lim = LIM(1000, 0),
         .size = 100, .want_fits = 1, .want_recount = 0, .want_bytes = 200},
        {.name = "exactly full", .text = "1000S\n900 1\n", .lim = LIM(1000, 0),
         .size = 100, .want_fits = 1, .want_recount = 0, .want_bytes = 900},
        {.name = "really over", .text = "300S\n200 1\n200 1\n",
         .lim = LIM(300, 0), .size = 10, .want_fits = 0, .want_recount = 1,
         .want_bytes = REAL_BYTES},
        {.name = "message count", .text = "5C\n0 3\n0 3\n", .lim = LIM(0, 5),
         .size = 10, .want_fits = 1, .want_recount = 1,
         .want_bytes = REAL_BYTES},
        {.name = "recounted at begin, still over", .text = NULL,
         .lim = LIM(300, 0), .size = 10, .want_fits = 0, .want_recount = 1,
         .want_bytes = REAL_BYTES},
    };
    size_t i;
    char label[100];

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct quota q;
        struct status st;
        struct timeval tv[2];
        int fits;

        snprintf(label, sizeof(label), "quota_fits: %s", cases[i].name);
        (void)unlink(path(fx, "maildirsize"));
        if (cases[i].text)
            put_text(fx, "maildirsize", cases[i].text);
        if (cases[i].age) {
            gettimeofday(&tv[0], NULL);
            tv[0].tv_sec -= cases[i].age;
            tv[1] = tv[0];
            assert_int_equal(utimes(path(fx, "maildirsize"), tv), 0);
        }
        memset(&st, 0, sizeof(st));
        if (quota_begin(&q, fx->b, fx->root, &cases[i].lim, fx->tmpbase,
                        time(NULL) + 10, &st) < 0) {
            print_error("%s: quota_begin: %s %s\n", label, st.code, st.text);
            failed++;
            continue;
        }
        EXPECT_INT(label, quota_fits(&q, cases[i].size, &fits, &st), 0);
        EXPECT_INT(label, fits, cases[i].want_fits);
        EXPECT_INT(label, q.recalculated, cases[i].want_recount);
        EXPECT_INT(label, q.use.bytes, cases[i].want_bytes);
        quota_end(&q);
        if (cases[i].want_recount)
            check_file(fx, label, &cases[i].lim, REAL_BYTES, REAL_MESSAGES,
                       1);
        EXPECT_INT(label, exists(fx, "maildirsize.lock"), 0);
    }
    CHECKED();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_format_limits),
        cmocka_unit_test(test_exceeds),
        cmocka_unit_test(test_count_name),
        cmocka_unit_test_setup_teardown(test_cycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_begin_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fits, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
