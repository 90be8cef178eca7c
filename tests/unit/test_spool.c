/*
 * test_spool.c - lda-lmtpd's DATA receipt (lmtp/spool.c): dot-stuffing
 * undone, CRLF and bare LF as line ends, bare CR kept, the "." line
 * found whatever the split of the input into reads; a message larger
 * than memory read back whole from its file; the size cap; a spool
 * directory that cannot be written.
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

#include "../../lmtp/spool.h"

/* readback - the whole spooled message into buf; its length */
static size_t readback(struct spool *sp, char *buf, size_t cap)
{
    struct status st;
    size_t got = 0;
    long n;

    spool_rewind(sp);
    while ((n = sp->src.read(&sp->src, buf + got, cap - got, &st)) > 0)
        got += (size_t)n;
    assert_int_equal(n, 0);
    return got;
}

/*
 * feed - in, in pieces of step bytes (0: all at once); *used gets the
 * bytes taken up to the "." line, -1 when it never came
 */
static void feed(struct spool *sp, const char *in, size_t len, size_t step,
                 long *used)
{
    size_t off = 0, n;
    int done = 0;

    spool_start(sp, "/tmp", 0);
    *used = -1;
    while (off < len && !done) {
        n = step && len - off > step ? step : len - off;
        n = spool_data(sp, in + off, n, &done);
        off += n;
    }
    if (done)
        *used = (long)off;
}

static void test_undo(void **state)
{
    static const struct {
        const char *in;
        const char *want;       /* the message kept */
        long used;              /* bytes through the "." line */
    } cases[] = {
        {"a\r\nb\r\n.\r\n", "a\nb\n", 9},
        {"a\nb\n.\n", "a\nb\n", 6},
        {"..x\r\n.\r\nQUIT\r\n", ".x\n", 8},
        {".x\r\n..\r\n.\r\n", "x\n.\n", 11},
        {"a\rb\r\n.\r\n", "a\rb\n", 8},
        {"a\r\r\n.\r\n", "a\r\n", 7},
        {".\rx\r\n.\r\n", "\rx\n", 8},
        {"\r\n\r\n.\r\n", "\n\n", 7},
        {".\r\n", "", 3},
        {"no end\r\n", "no end\n", -1},
        {"x.\r\n.\r\n", "x.\n", 7},
        {"a\r\n.x\r\n.\r\n", "a\nx\n", 10},
    };
    struct spool sp;
    struct status st;
    char got[256], label[64];
    size_t i, step, n;
    long used;

    (void)state;
    assert_int_equal(spool_init(&sp, &st), 0);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t len = strlen(cases[i].in);

        for (step = 0; step <= len; step++) {
            snprintf(label, sizeof(label), "case %zu, reads of %zu", i,
                     step);
            feed(&sp, cases[i].in, len, step, &used);
            EXPECT_INT(label, used, cases[i].used);
            if (used < 0)
                continue;
            assert_int_equal(spool_finish(&sp, &st), 0);
            n = readback(&sp, got, sizeof(got) - 1);
            got[n] = '\0';
            EXPECT_STR(label, got, cases[i].want);
        }
    }
    spool_free(&sp);
    CHECKED();
}

static void test_large(void **state)
{
    size_t len = 3 * SPOOL_MEM + 12345, i, n;
    char *in = malloc(len + 8), *want = malloc(len), *got = malloc(len + 1);
    struct spool sp;
    struct status st;
    long used;

    (void)state;
    assert_non_null(in);
    /* Lines of 77 bytes ending CRLF: the message kept ends them in LF. */
    for (i = 0, n = 0; i < len; i++) {
        char c = i % 79 == 77 ? '\r' : i % 79 == 78 ? '\n'
            : (char)('a' + i % 26);

        in[i] = c;
        if (c != '\r')
            want[n++] = c;
    }
    memcpy(in + len, "\r\n.\r\n", 5);
    if (want[n - 1] != '\n')
        want[n++] = '\n';
    assert_int_equal(spool_init(&sp, &st), 0);
    feed(&sp, in, len + 5, 1000, &used);
    assert_int_equal(used, (long)len + 5);
    assert_int_equal(spool_finish(&sp, &st), 0);
    assert_true(sp.fd >= 0);    /* over SPOOL_MEM: in a file */
    assert_int_equal(readback(&sp, got, len + 1), n);
    assert_memory_equal(got, want, n);
    /* A second recipient reads it all again. */
    assert_int_equal(readback(&sp, got, len + 1), n);
    spool_free(&sp);
    free(in);
    free(want);
    free(got);
}

static void test_keep(void **state)
{
    static const char in[] = "0123456789\r\n0123456789\r\n.\r\n";
    struct spool sp;
    struct status st;
    char got[64];
    int done;

    (void)state;
    assert_int_equal(spool_init(&sp, &st), 0);
    spool_start(&sp, "/tmp", 15);
    assert_int_equal(spool_data(&sp, in, sizeof(in) - 1, &done),
                     sizeof(in) - 1);
    assert_int_equal(done, 1);
    assert_int_equal(spool_finish(&sp, &st), 0);
    assert_int_equal(readback(&sp, got, sizeof(got)), 15);
    spool_free(&sp);
}

static void test_no_dir(void **state)
{
    size_t len = SPOOL_MEM + 10;
    char *in = malloc(len + 5);
    struct spool sp;
    struct status st;
    int done;

    (void)state;
    memset(in, 'x', len);
    memcpy(in + len, "\r\n.\r\n", 5);
    assert_int_equal(spool_init(&sp, &st), 0);
    spool_start(&sp, "/nonexistent/spool", 0);
    /* All of DATA is still taken: the session stays in step. */
    assert_int_equal(spool_data(&sp, in, len + 5, &done), len + 5);
    assert_int_equal(done, 1);
    assert_int_equal(spool_finish(&sp, &st), -1);
    assert_int_equal(st.code[0], '4');
    assert_non_null(strstr(st.text, "/nonexistent/spool"));
    spool_free(&sp);
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_undo),
        cmocka_unit_test(test_large),
        cmocka_unit_test(test_keep),
        cmocka_unit_test(test_no_dir),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
