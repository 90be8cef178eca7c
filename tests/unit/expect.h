/*
 * expect.h - table checks for the cmocka unit tests
 *
 * A check reports every mismatch of a table (case, field, got, want)
 * and counts it; CHECKED() at the end of a test fails it once if any
 * check did not hold, so one run shows all the broken cases at once.
 */
#ifndef LDA_TEST_EXPECT_H
#define LDA_TEST_EXPECT_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int failed;

/* show - a printable copy (one of two buffers, used in turn) */
static const char *show(const char *s)
{
    static char bufs[2][600];
    static int turn;
    char *b = bufs[turn ^= 1];
    size_t o = 0;

    for (; *s && o + 5 < sizeof(bufs[0]); s++) {
        if ((unsigned char)*s < ' ' || (unsigned char)*s >= 0x7f)
            o += (size_t)snprintf(b + o, sizeof(bufs[0]) - o, "\\x%02x",
                                  (unsigned char)*s);
        else
            b[o++] = *s;
    }
    b[o] = '\0';
    return b;
}

#define EXPECT_INT(c, got, want) do { \
    if ((long long)(got) != (long long)(want)) { \
        print_error("%s: %s = %lld, want %lld\n", (c), #got, \
                    (long long)(got), (long long)(want)); \
        failed++; \
    } \
} while (0)

#define EXPECT_U64(c, got, want) do { \
    if ((uint64_t)(got) != (uint64_t)(want)) { \
        print_error("%s: %s = %llu, want %llu\n", (c), #got, \
                    (unsigned long long)(got), (unsigned long long)(want)); \
        failed++; \
    } \
} while (0)

#define EXPECT_STR(c, got, want) do { \
    if (strcmp((got), (want)) != 0) { \
        print_error("%s: %s = \"%s\", want \"%s\"\n", (c), #got, \
                    show(got), show(want)); \
        failed++; \
    } \
} while (0)

#define EXPECT_HAS(c, hay, needle) do { \
    if (strstr((hay), (needle)) == NULL) { \
        print_error("%s: \"%s\" lacks \"%s\"\n", (c), show(hay), (needle)); \
        failed++; \
    } \
} while (0)

/* CHECKED - end of a test: fail it if any check above did not hold */
#define CHECKED() do { \
    int n_ = failed; \
    failed = 0; \
    if (n_ > 0) \
        fail_msg("%d check(s) failed", n_); \
} while (0)

#endif
