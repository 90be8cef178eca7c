/*
 * test_message.c - msgin_read() through a pipe with buffers of many sizes
 * (CRLF to LF, a CR split from its LF across reads, lone CRs, NUL and
 * 8-bit bytes kept), message_from_line() and message_sanitize().
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

#include "../../lda/message.h"

/* S - a byte string that may hold NULs, with its length */
#define S(s) s, sizeof(s) - 1

/* escape - a printable copy of len bytes, for messages */
static const char *escape(char *buf, size_t cap, const char *in, size_t len)
{
    size_t i, o = 0;

    for (i = 0; i < len && o + 8 < cap; i++) {
        if ((unsigned char)in[i] < ' ' || (unsigned char)in[i] >= 0x7f)
            o += (size_t)snprintf(buf + o, cap - o, "\\x%02x",
                                  (unsigned char)in[i]);
        else
            buf[o++] = in[i];
    }
    buf[o] = '\0';
    return buf;
}

/* pipe_with - a read end that yields these bytes, then EOF */
static int pipe_with(const char *in, size_t len)
{
    int fds[2];

    assert_int_equal(pipe(fds), 0);
    assert_true(len < 65536);   /* fits the pipe: no writer needed */
    if (len > 0)
        assert_int_equal(write(fds[1], in, len), (ssize_t)len);
    assert_int_equal(close(fds[1]), 0);
    return fds[0];
}

/* read_all - msgin_read() with this cap until the end; the total */
static size_t read_all(const char *in, size_t len, size_t cap, char *out,
                       size_t ocap, const char *label)
{
    struct msgin m;
    char *buf = malloc(cap);
    size_t total = 0;
    long n;
    int fd = pipe_with(in, len);

    assert_non_null(buf);
    msgin_init(&m, fd, NULL);
    while ((n = msgin_read(&m, buf, cap)) > 0) {
        if ((size_t)n > cap) {
            print_error("%s cap %zu: read %ld bytes\n", label, cap, n);
            failed++;
            break;
        }
        assert_true(total + (size_t)n <= ocap);
        memcpy(out + total, buf, (size_t)n);
        total += (size_t)n;
    }
    EXPECT_INT(label, n, 0);
    /* the end stays the end */
    EXPECT_INT(label, msgin_read(&m, buf, cap), 0);
    free(buf);
    close(fd);
    return total;
}

static void test_msgin(void **state)
{
    static const struct {
        const char *in;
        size_t in_len;
        const char *want;
        size_t want_len;
    } cases[] = {
        {.in = S(""), .want = S("")},
        {.in = S("a\r\nb\r\n"), .want = S("a\nb\n")},
        {.in = S("\r\n"), .want = S("\n")},
        {.in = S("\r\n\r\n\r\n"), .want = S("\n\n\n")},
        {.in = S("a\rb"), .want = S("a\rb")},
        {.in = S("\r\r\n"), .want = S("\r\n")},
        {.in = S("x\r\r\r\n"), .want = S("x\r\r\n")},
        {.in = S("\n\r"), .want = S("\n\r")},
        {.in = S("a\r"), .want = S("a\r")},
        {.in = S("\r"), .want = S("\r")},
        {.in = S("\r\r"), .want = S("\r\r")},
        {.in = S("a\n\rb"), .want = S("a\n\rb")},
        {.in = S("no final newline"), .want = S("no final newline")},
        {.in = S("a\0b\r\n\0\r\n"), .want = S("a\0b\n\0\n")},
        {.in = S("\xff\xfe\r\n\x80\r"), .want = S("\xff\xfe\n\x80\r")},
        {.in = S("Subject: x\r\n\r\nbody\r\nline 2\rstill\r\n.\r\n"),
         .want = S("Subject: x\n\nbody\nline 2\rstill\n.\n")},
    };
    static const size_t caps[] = {2, 3, 4, 5, 6, 7, 8, 13, 64, 4096};
    size_t i, j, got;
    char out[256], label[200], a[100], b[100];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (j = 0; j < sizeof(caps) / sizeof(caps[0]); j++) {
            snprintf(label, sizeof(label), "msgin_read(\"%s\") cap %zu",
                     escape(a, sizeof(a), cases[i].in, cases[i].in_len),
                     caps[j]);
            got = read_all(cases[i].in, cases[i].in_len, caps[j], out,
                           sizeof(out), label);
            if (got != cases[i].want_len
                || memcmp(out, cases[i].want, got) != 0) {
                print_error("%s: got \"%s\", want \"%s\"\n", label,
                            escape(a, sizeof(a), out, got),
                            escape(b, sizeof(b), cases[i].want,
                                   cases[i].want_len));
                failed++;
            }
        }
    }
    CHECKED();
}

/* A larger message: every cap gives the same bytes as a plain rewrite. */
static void test_msgin_large(void **state)
{
    static const size_t caps[] = {2, 3, 7, 64, 1000, 8192};
    char *in = malloc(40000), *want = malloc(40000), *out = malloc(40000);
    size_t len = 0, wlen = 0, i, j, got;
    char label[64];

    (void)state;
    assert_non_null(in);
    assert_non_null(want);
    assert_non_null(out);
    srand(1);
    while (len < 39000) {
        /* a mix of CRLF, lone CR, LF, CR CR LF, NUL and 8-bit */
        static const char *const bits[] = {"\r\n", "\r", "\n", "\r\r\n",
            "a", "\xe9", "line of text"};
        int k = rand() % 8;

        if (k == 7) {
            in[len++] = '\0';
            continue;
        }
        memcpy(in + len, bits[k], strlen(bits[k]));
        len += strlen(bits[k]);
    }
    /* the reference: every CR that precedes an LF dropped */
    for (i = 0; i < len; i++)
        if (!(in[i] == '\r' && i + 1 < len && in[i + 1] == '\n'))
            want[wlen++] = in[i];
    for (j = 0; j < sizeof(caps) / sizeof(caps[0]); j++) {
        snprintf(label, sizeof(label), "large input, cap %zu", caps[j]);
        got = read_all(in, len, caps[j], out, 40000, label);
        EXPECT_INT(label, got, wlen);
        for (i = 0; i < got && i < wlen; i++)
            if (out[i] != want[i]) {
                print_error("%s: first difference at byte %zu\n", label, i);
                failed++;
                break;
            }
    }
    free(in);
    free(want);
    free(out);
    CHECKED();
}

static void test_msgin_error(void **state)
{
    struct msgin m;
    char buf[16];

    (void)state;
    msgin_init(&m, -1, NULL);
    assert_int_equal(msgin_read(&m, buf, sizeof(buf)), -1);
}

static void test_from_line(void **state)
{
    static const struct {
        const char *buf;
        size_t len;                 /* 0: strlen(buf) */
        size_t cap;                 /* 0: the whole sender buffer */
        size_t want;
        const char *want_sender;    /* NULL: not checked */
    } cases[] = {
        {.buf = "From bob@example.com Mon Jan  1 00:00:00 2024\nSubject: x\n",
         .want = 46, .want_sender = "bob@example.com"},
        {.buf = "From bob@example.com  Mon Jan  1 00:00:00 2024\n",
         .want = 47, .want_sender = "bob@example.com"},
        {.buf = "From  <> Mon\n", .want = 13, .want_sender = "<>"},
        {.buf = "From bob@x\tMon\n", .want = 15, .want_sender = "bob@x"},
        {.buf = "From bob@x\n", .want = 11, .want_sender = "bob@x"},
        {.buf = "From \n", .want = 6, .want_sender = ""},
        {.buf = "From bob@x Mon Jan", .want = 18, .want_sender = "bob@x"},
        {.buf = "From bob@x Mon\nmore", .len = 10, .want = 10,
         .want_sender = "bob@x"},
        {.buf = "From: bob@x\n", .want = 0},
        {.buf = "from bob@x Mon\n", .want = 0},
        {.buf = "FROM bob@x Mon\n", .want = 0},
        {.buf = ">From bob@x Mon\n", .want = 0},
        {.buf = "Subject: From bob\n", .want = 0},
        {.buf = "From", .want = 0},
        {.buf = "", .want = 0},
        {.buf = "From bob@x Mon\n", .len = 4, .want = 0},
        /* a sender that does not fit is not used (nor overrun) */
        {.buf = "From bob@example.com Mon\n", .cap = 4, .want = 25},
    };
    size_t i;
    char label[200];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char sender[64];
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].buf);
        size_t cap = cases[i].cap ? cases[i].cap : sizeof(sender);
        size_t got;

        snprintf(label, sizeof(label), "message_from_line(\"%.30s\", %zu)",
                 cases[i].buf, len);
        memset(sender, 'Z', sizeof(sender));
        sender[0] = '\0';
        got = message_from_line(cases[i].buf, len, sender, cap);
        EXPECT_INT(label, got, cases[i].want);
        if (cases[i].want_sender)
            EXPECT_STR(label, sender, cases[i].want_sender);
        if (memchr(sender, '\0', cap) == NULL) {
            print_error("%s: sender not terminated within %zu\n", label,
                        cap);
            failed++;
        }
        if (cap < sizeof(sender) && sender[cap] != 'Z') {
            print_error("%s: sender written past %zu\n", label, cap);
            failed++;
        }
    }
    CHECKED();
}

static void test_sanitize(void **state)
{
    static const struct {
        const char *in;
        const char *want;
    } cases[] = {
        {.in = "plain text", .want = "plain text"},
        {.in = "", .want = ""},
        {.in = "a\tb", .want = "a?b"},
        {.in = "a\r\nb", .want = "a??b"},
        {.in = "\x01\x1f\x7f", .want = "???"},
        {.in = "\x1b[31mred", .want = "?[31mred"},
        {.in = "caf\xc3\xa9 \x80\xff", .want = "caf\xc3\xa9 \x80\xff"},
        {.in = " ~!", .want = " ~!"},
    };
    size_t i;
    char buf[64], label[100];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(buf, sizeof(buf), "%s", cases[i].in);
        message_sanitize(buf);
        snprintf(label, sizeof(label), "message_sanitize case %zu", i);
        EXPECT_STR(label, buf, cases[i].want);
    }
    CHECKED();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_msgin),
        cmocka_unit_test(test_msgin_large),
        cmocka_unit_test(test_msgin_error),
        cmocka_unit_test(test_from_line),
        cmocka_unit_test(test_sanitize),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
