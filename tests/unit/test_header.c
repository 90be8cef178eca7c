/*
 * test_header.c - the streaming header scanner (fields, folding, where
 * the section ends, truncation, any split of the input giving the same
 * fields) and header_trace() over the MTA's trace lines on top.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "expect.h"

#include "../../lda/header.h"

#define MAX_FIELDS 8

struct field {
    const char *name;
    const char *value;
    int truncated;
};

struct seen {
    int n;
    char name[MAX_FIELDS][HEADER_NAME_MAX];
    char value[MAX_FIELDS][HEADER_VALUE_MAX];
    int truncated[MAX_FIELDS];
};

/* record - the header_fn: keep what was reported */
static void record(void *arg, const char *name, const char *value,
                   int truncated)
{
    struct seen *s = arg;

    if (s->n == MAX_FIELDS) {
        print_error("more than %d fields reported\n", MAX_FIELDS);
        failed++;
        return;
    }
    assert_true(strlen(name) < HEADER_NAME_MAX);
    assert_true(strlen(value) < HEADER_VALUE_MAX);
    strcpy(s->name[s->n], name);
    strcpy(s->value[s->n], value);
    s->truncated[s->n] = truncated;
    s->n++;
}

/* scan - feed in in pieces of step bytes (0: whole); the fields seen */
static void scan(const char *in, size_t len, size_t step, struct seen *s,
                 int *in_body)
{
    struct header_scan h;
    size_t off, n;

    memset(s, 0, sizeof(*s));
    header_init(&h, record, s);
    if (step == 0)
        step = len ? len : 1;
    for (off = 0; off < len; off += n) {
        n = len - off < step ? len - off : step;
        header_feed(&h, in + off, n);
    }
    *in_body = header_in_body(&h);
    header_end(&h);
    assert_int_equal(header_in_body(&h), 1);
}

static void test_scan(void **state)
{
    static const struct {
        const char *in;
        int want_in_body;           /* before header_end() */
        int want_n;
        struct field want[4];
    } cases[] = {
        {.in = "Subject: hi\nTo: bob@x\n\nbody: x\n", .want_in_body = 1,
         .want_n = 2, .want = {{"Subject", "hi", 0}, {"To", "bob@x", 0}}},
        {.in = "Subject: a\n b\n\tc\nTo: x\n\n", .want_in_body = 1,
         .want_n = 2, .want = {{"Subject", "a b\tc", 0}, {"To", "x", 0}}},
        {.in = "Received: from a\n\tby b\n\nbody\n", .want_in_body = 1,
         .want_n = 1, .want = {{"Received", "from a\tby b", 0}}},
        {.in = "Subject:no space\n\n", .want_in_body = 1, .want_n = 1,
         .want = {{"Subject", "no space", 0}}},
        {.in = "X-Empty:\nX-Blank:   \n\n", .want_in_body = 1, .want_n = 2,
         .want = {{"X-Empty", "", 0}, {"X-Blank", "", 0}}},
        {.in = "X: 1\nY: 2\nZ: 3\n\n", .want_in_body = 1, .want_n = 3,
         .want = {{"X", "1", 0}, {"Y", "2", 0}, {"Z", "3", 0}}},
        {.in = "Subject: a: b: c\n\n", .want_in_body = 1, .want_n = 1,
         .want = {{"Subject", "a: b: c", 0}}},
        {.in = "Subject: caf\xc3\xa9\n\n", .want_in_body = 1, .want_n = 1,
         .want = {{"Subject", "caf\xc3\xa9", 0}}},
        /* the empty line ends the section: nothing after it is a field */
        {.in = "Subject: a\n\nTo: b\n", .want_in_body = 1, .want_n = 1,
         .want = {{"Subject", "a", 0}}},
        {.in = "Subject: a\n\n b\n", .want_in_body = 1, .want_n = 1,
         .want = {{"Subject", "a", 0}}},
        {.in = "\nSubject: a\n", .want_in_body = 1, .want_n = 0},
        /* so does a line that is not a field */
        {.in = "Subject: a\nnot a field\nTo: b\n\n", .want_in_body = 1,
         .want_n = 1, .want = {{"Subject", "a", 0}}},
        {.in = "Subject: a\nBad Name: x\n", .want_in_body = 1, .want_n = 1,
         .want = {{"Subject", "a", 0}}},
        {.in = "Subject: a\n: x\n", .want_in_body = 1, .want_n = 1,
         .want = {{"Subject", "a", 0}}},
        {.in = " leading blank\nSubject: a\n", .want_in_body = 1,
         .want_n = 0},
        {.in = "From bob Mon\nSubject: a\n", .want_in_body = 1,
         .want_n = 0},
        /* the message ends inside the header section */
        {.in = "Subject: a", .want_in_body = 0, .want_n = 1,
         .want = {{"Subject", "a", 0}}},
        {.in = "Subject: a\n", .want_in_body = 0, .want_n = 1,
         .want = {{"Subject", "a", 0}}},
        {.in = "Subject: a\n b", .want_in_body = 0, .want_n = 1,
         .want = {{"Subject", "a b", 0}}},
        {.in = "Subject: a\nTo", .want_in_body = 0, .want_n = 1,
         .want = {{"Subject", "a", 0}}},
        {.in = "", .want_in_body = 0, .want_n = 0},
    };
    static const size_t steps[] = {0, 1, 2, 3, 7};
    size_t i, j;
    int k, in_body;
    char label[200];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (j = 0; j < sizeof(steps) / sizeof(steps[0]); j++) {
            struct seen s;

            snprintf(label, sizeof(label), "case %zu (%.20s...) step %zu",
                     i, cases[i].in, steps[j]);
            scan(cases[i].in, strlen(cases[i].in), steps[j], &s, &in_body);
            EXPECT_INT(label, in_body, cases[i].want_in_body);
            EXPECT_INT(label, s.n, cases[i].want_n);
            for (k = 0; k < s.n && k < cases[i].want_n; k++) {
                EXPECT_STR(label, s.name[k], cases[i].want[k].name);
                EXPECT_STR(label, s.value[k], cases[i].want[k].value);
                EXPECT_INT(label, s.truncated[k],
                           cases[i].want[k].truncated);
            }
        }
    }
    CHECKED();
}

static void test_truncated(void **state)
{
    static const struct {
        size_t vlen;                /* value bytes after "X-Long: " */
        int folded;                 /* a second line of the same length */
        int want_truncated;
    } cases[] = {
        {.vlen = 10, .want_truncated = 0},
        {.vlen = HEADER_VALUE_MAX - 3, .want_truncated = 0},
        {.vlen = HEADER_VALUE_MAX + 10, .want_truncated = 1},
        {.vlen = 2000, .want_truncated = 1},
        {.vlen = 600, .folded = 1, .want_truncated = 1},
    };
    static char in[5000];
    size_t i, j, o, want_len;
    int in_body;
    char label[100];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (j = 0; j < 2; j++) {
            struct seen s;

            o = (size_t)sprintf(in, "X-Long: ");
            memset(in + o, 'a', cases[i].vlen);
            o += cases[i].vlen;
            in[o++] = '\n';
            if (cases[i].folded) {
                in[o++] = ' ';
                memset(in + o, 'a', cases[i].vlen);
                o += cases[i].vlen;
                in[o++] = '\n';
            }
            o += (size_t)sprintf(in + o, "To: bob\n\nbody\n");
            snprintf(label, sizeof(label), "value of %zu%s, step %zu",
                     cases[i].vlen, cases[i].folded ? " folded" : "", j);
            scan(in, o, j, &s, &in_body);
            EXPECT_INT(label, s.n, 2);
            if (s.n != 2)
                continue;
            EXPECT_STR(label, s.name[0], "X-Long");
            EXPECT_INT(label, s.truncated[0], cases[i].want_truncated);
            want_len = cases[i].vlen * (cases[i].folded ? 2 : 1)
                + (cases[i].folded ? 1 : 0);
            if (cases[i].want_truncated) {
                /* cut, not dropped: it fills nearly the whole buffer */
                EXPECT_INT(label, strlen(s.value[0]) < HEADER_VALUE_MAX, 1);
                EXPECT_INT(label, strlen(s.value[0]) + 2 >= HEADER_VALUE_MAX,
                           1);
                EXPECT_INT(label, strspn(s.value[0], "a ")
                           == strlen(s.value[0]), 1);
            } else {
                EXPECT_INT(label, strlen(s.value[0]), want_len);
            }
            /* the next field starts afresh */
            EXPECT_STR(label, s.name[1], "To");
            EXPECT_STR(label, s.value[1], "bob");
            EXPECT_INT(label, s.truncated[1], 0);
        }
    }
    CHECKED();
}

struct trace {
    int n;
    char names[4][32];
    char values[4][64];
    const char *refuse;             /* the callback says no to this one */
};

/* want_trace - header_trace's callback: record, refuse one name */
static int want_trace(void *arg, const char *name, const char *value)
{
    struct trace *t = arg;

    if (t->n < 4) {
        snprintf(t->names[t->n], sizeof(t->names[0]), "%s", name);
        value += strspn(value, " \t");
        snprintf(t->values[t->n], sizeof(t->values[0]), "%s", value);
    }
    t->n++;
    return !(t->refuse && strcmp(value, t->refuse) == 0);
}

static char long_trace[1200];

static void test_trace(void **state)
{
    static const struct {
        const char *in;
        size_t len;                 /* 0: strlen(in) */
        const char *refuse;
        size_t want;
        int want_calls;
        const char *want_name;      /* first call */
        const char *want_value;
    } cases[] = {
        {.in = "Return-Path: <a@b>\nX-Original-To: bob@x\nDelivered-To: "
         "bob@x\nSubject: hi\n\nbody\n", .want = 60, .want_calls = 3,
         .want_name = "Return-Path", .want_value = "<a@b>"},
        {.in = "Delivered-To: bob@x\n\n", .want = 20, .want_calls = 1,
         .want_name = "Delivered-To", .want_value = "bob@x"},
        {.in = "return-path: <a@b>\nDELIVERED-TO: bob@x\n", .want = 39,
         .want_calls = 2, .want_name = "return-path", .want_value = "<a@b>"},
        {.in = "Return-Path:<>\n", .want = 15, .want_calls = 1,
         .want_name = "Return-Path", .want_value = "<>"},
        /* stops at any other field */
        {.in = "Subject: hi\nReturn-Path: <a@b>\n", .want = 0,
         .want_calls = 0},
        {.in = "Return-Path: <a@b>\nReceived: x\nDelivered-To: bob@x\n",
         .want = 19, .want_calls = 1},
        {.in = "Return-Paths: <a@b>\n", .want = 0, .want_calls = 0},
        {.in = "Return-Path <a@b>\n", .want = 0, .want_calls = 0},
        {.in = "X-Original-To: a\n\nDelivered-To: b\n", .want = 17,
         .want_calls = 1},
        /* at a folded line: the field is not whole on one line */
        {.in = "Delivered-To: bob@x\n folded\nSubject: x\n", .want = 0,
         .want_calls = 0},
        {.in = "Return-Path: <a@b>\nDelivered-To: bob@x\n\tmore\n",
         .want = 19, .want_calls = 1},
        /* at a line without its LF */
        {.in = "Return-Path: <a@b>", .want = 0, .want_calls = 0},
        {.in = "Return-Path: <a@b>\nDelivered-To: bob@x", .want = 19,
         .want_calls = 1},
        {.in = "Return-Path: <a@b>\nmore", .len = 10, .want = 0,
         .want_calls = 0},
        /* at a line the callback refuses */
        {.in = "Return-Path: <a@b>\nDelivered-To: other@x\nDelivered-To: "
         "bob@x\n", .refuse = "other@x", .want = 19, .want_calls = 2},
        {.in = long_trace, .want = 0, .want_calls = 0},
        {.in = "", .want = 0, .want_calls = 0},
    };
    size_t i;
    char label[100];

    (void)state;
    memcpy(long_trace, "Delivered-To: ", 14);
    memset(long_trace + 14, 'x', sizeof(long_trace) - 16);
    long_trace[sizeof(long_trace) - 2] = '\n';
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct trace t;
        size_t got;

        memset(&t, 0, sizeof(t));
        t.refuse = cases[i].refuse;
        snprintf(label, sizeof(label), "header_trace case %zu (%.30s)", i,
                 cases[i].in);
        got = header_trace(cases[i].in, cases[i].len ? cases[i].len
                           : strlen(cases[i].in), want_trace, &t);
        EXPECT_INT(label, got, cases[i].want);
        EXPECT_INT(label, t.n, cases[i].want_calls);
        if (cases[i].want_name && t.n > 0) {
            EXPECT_STR(label, t.names[0], cases[i].want_name);
            EXPECT_STR(label, t.values[0], cases[i].want_value);
        }
    }
    CHECKED();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_trace),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
