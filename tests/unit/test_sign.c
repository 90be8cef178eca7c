/*
 * test_sign.c - Standard Webhooks v1 signing: whsec_ secrets decoded or
 * refused, and the webhook-signature value against the specification's
 * published example, with one and with two secrets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "expect.h"

#include "../../notify/sign.h"

/* The example of the Standard Webhooks specification */
#define SPEC_SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define SPEC_ID "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define SPEC_TS 1614265330L
#define SPEC_BODY "{\"test\": 2432232314}"
#define SPEC_SIG "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

/* 64 bytes of 0x00..0x3f, and the same with one byte more */
#define KEY64 "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUm" \
              "JygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw=="
#define KEY65 "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUm" \
              "JygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A="

static void test_decode(void **state)
{
    static const struct {
        const char *in;
        int want_ret;
        size_t want_len;
        unsigned char want_first, want_last;
    } cases[] = {
        {.in = SPEC_SECRET, .want_ret = 0, .want_len = 24,
         .want_first = 0x31, .want_last = 0xb0},
        /* 24 bytes: the least; no padding */
        {.in = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX", .want_ret = 0,
         .want_len = 24, .want_first = 0x00, .want_last = 0x17},
        /* 25 and 26 bytes: two and one '=' */
        {.in = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGA==", .want_ret = 0,
         .want_len = 25, .want_first = 0x00, .want_last = 0x18},
        {.in = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBk=", .want_ret = 0,
         .want_len = 26, .want_first = 0x00, .want_last = 0x19},
        {.in = KEY64, .want_ret = 0, .want_len = 64, .want_first = 0x00,
         .want_last = 0x3f},
        {.in = "whsec_+/+/AAECAwQFBgcICQoLDA0ODxAREhMU", .want_ret = 0,
         .want_len = 24, .want_first = 0xfb, .want_last = 0x14},
        /* no prefix, or the wrong one */
        {.in = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", .want_ret = -1},
        {.in = "WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", .want_ret = -1},
        {.in = "whsec", .want_ret = -1},
        {.in = "whsec_", .want_ret = -1},
        {.in = "", .want_ret = -1},
        /* too short (8 and 23 bytes) or too long (65 bytes) */
        {.in = "whsec_AAECAwQFBgc=", .want_ret = -1},
        {.in = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRY=", .want_ret = -1},
        {.in = KEY65, .want_ret = -1},
        /* not base64: alphabet, length, padding, space */
        {.in = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS-", .want_ret = -1},
        {.in = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS_", .want_ret = -1},
        {.in = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", .want_ret = -1},
        {.in = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwA", .want_ret = -1},
        {.in = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaL=Sw", .want_ret = -1},
        {.in = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBk=====",
         .want_ret = -1},
        {.in = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw ", .want_ret = -1},
        {.in = "whsec_ MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", .want_ret = -1},
    };
    unsigned char key[ENDPOINT_SECRET_MAX];
    size_t i, len;
    int ret;
    char label[100];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(label, sizeof(label), "case %zu (%.30s)", i, cases[i].in);
        len = 0;
        ret = sign_secret_decode(cases[i].in, key, sizeof(key), &len);
        EXPECT_INT(label, ret, cases[i].want_ret);
        if (ret != 0 || cases[i].want_ret != 0)
            continue;
        EXPECT_INT(label, len, cases[i].want_len);
        EXPECT_INT(label, key[0], cases[i].want_first);
        EXPECT_INT(label, key[len - 1], cases[i].want_last);
    }
    /* a key that would not fit the caller's buffer */
    EXPECT_INT("cap 23", sign_secret_decode(SPEC_SECRET, key, 23, &len), -1);
    EXPECT_INT("cap 24", sign_secret_decode(SPEC_SECRET, key, 24, &len), 0);
    CHECKED();
}

/* add_secret - decode whsec into the next secret slot of ep */
static void add_secret(struct endpoint *ep, const char *whsec)
{
    int i = ep->nsecrets++;

    assert_int_equal(sign_secret_decode(whsec, ep->secret[i],
                                        sizeof(ep->secret[i]),
                                        &ep->secret_len[i]), 0);
}

static void test_header(void **state)
{
    static const struct {
        const char *secrets[ENDPOINT_MAX_SECRETS];
        const char *id;
        long ts;
        const char *body;
        size_t cap;                 /* 0: SIGN_HEADER_MAX */
        int want_ret;
        const char *want;
    } cases[] = {
        {.secrets = {SPEC_SECRET}, .id = SPEC_ID, .ts = SPEC_TS,
         .body = SPEC_BODY, .want_ret = 0, .want = SPEC_SIG},
        /* newest first, each signs on its own */
        {.secrets = {KEY64, SPEC_SECRET}, .id = SPEC_ID, .ts = SPEC_TS,
         .body = SPEC_BODY, .want_ret = 0,
         .want = "v1,LZ5zuwHTqQH3VM8ERUusjzVQq1FXzemvpR8Mk7Ivp5c= "
                 SPEC_SIG},
        /* any change of id, timestamp or body changes the signature */
        {.secrets = {SPEC_SECRET}, .id = SPEC_ID, .ts = SPEC_TS + 1,
         .body = SPEC_BODY, .want_ret = 0,
         .want = "v1,l6C9/1+N/lSU6+gfh+YEGqTK2aQ+k8nMEWDvvCgHh7U="},
        {.secrets = {SPEC_SECRET}, .id = "msg_x", .ts = SPEC_TS,
         .body = SPEC_BODY, .want_ret = 0,
         .want = "v1,vnvYvNQd3+670WmFEqWWQQJ9kB+ObhwM6GPOojxjhIg="},
        {.secrets = {SPEC_SECRET}, .id = SPEC_ID, .ts = SPEC_TS,
         .body = "", .want_ret = 0,
         .want = "v1,v48jdbgvh29KJz2Qc+ghw8G6vG3nAKnujWBg8oM/62A="},
        /* exactly enough room, one byte short, no secret */
        {.secrets = {SPEC_SECRET}, .id = SPEC_ID, .ts = SPEC_TS,
         .body = SPEC_BODY, .cap = SIGN_ONE_LEN, .want_ret = 0,
         .want = SPEC_SIG},
        {.secrets = {SPEC_SECRET}, .id = SPEC_ID, .ts = SPEC_TS,
         .body = SPEC_BODY, .cap = SIGN_ONE_LEN - 1, .want_ret = -1},
        {.secrets = {KEY64, SPEC_SECRET}, .id = SPEC_ID, .ts = SPEC_TS,
         .body = SPEC_BODY, .cap = 2 * SIGN_ONE_LEN - 1, .want_ret = -1},
        {.id = SPEC_ID, .ts = SPEC_TS, .body = SPEC_BODY, .want_ret = -1},
    };
    char out[SIGN_HEADER_MAX];
    size_t i, k;
    int ret;
    char label[100];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct endpoint ep;

        memset(&ep, 0, sizeof(ep));
        for (k = 0; k < ENDPOINT_MAX_SECRETS && cases[i].secrets[k]; k++)
            add_secret(&ep, cases[i].secrets[k]);
        snprintf(label, sizeof(label), "case %zu", i);
        ret = sign_header(&ep, cases[i].id, cases[i].ts, cases[i].body,
                          strlen(cases[i].body), out,
                          cases[i].cap ? cases[i].cap : sizeof(out));
        EXPECT_INT(label, ret, cases[i].want_ret);
        if (ret == 0 && cases[i].want_ret == 0)
            EXPECT_STR(label, out, cases[i].want);
    }
    CHECKED();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_header),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
