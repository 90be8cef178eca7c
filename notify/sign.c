/*
 * sign.c - Standard Webhooks v1 signing secrets and signatures
 *
 * A receiver knows an event came from us when it can recompute
 * HMAC-SHA256(key, id "." timestamp "." body) with the secret it shares
 * with us (Standard Webhooks, "Signature scheme").  Secrets are written
 * "whsec_" + base64 of the key (RFC 4648 section 4, with padding); the
 * specification wants 24 to 64 random bytes, and anything else is
 * refused here so that a mistyped secret fails at "check", not as
 * signatures that never verify.  Every secret of an endpoint signs,
 * newest first, space separated: a receiver rotating keys accepts a
 * request when any "v1," entry matches.
 *
 * sign_header() streams the three parts through one MAC context, so
 * the event body is never copied.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "sign.h"

#define WHSEC_PREFIX "whsec_"

/*
 * sign_secret_decode - "whsec_" + base64 into key bytes
 *
 * Strict: the prefix, the standard alphabet, length a multiple of four,
 * '=' only as the last one or two characters, and a key of
 * SIGN_KEY_MIN..SIGN_KEY_MAX bytes that fits cap.  On failure nothing
 * of a half-decoded key is left in key.
 */
int sign_secret_decode(const char *whsec, unsigned char *key, size_t cap,
                       size_t *len)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        "abcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned char buf[SIGN_KEY_MAX + 3];
    const char *s;
    size_t n, pad, want;

    if (strncmp(whsec, WHSEC_PREFIX, sizeof(WHSEC_PREFIX) - 1) != 0)
        return -1;
    s = whsec + sizeof(WHSEC_PREFIX) - 1;
    n = strlen(s);
    if (n == 0 || n % 4 != 0)
        return -1;
    pad = s[n - 1] == '=' ? (s[n - 2] == '=' ? 2 : 1) : 0;
    want = n / 4 * 3 - pad;
    /* EVP_DecodeBlock() skips blanks and counts padding: check first. */
    if (want < SIGN_KEY_MIN || want > SIGN_KEY_MAX || want > cap
        || strspn(s, alphabet) != n - pad
        || EVP_DecodeBlock(buf, (const unsigned char *)s, (int)n)
           != (int)(n / 4 * 3)) {
        OPENSSL_cleanse(buf, sizeof(buf));
        return -1;
    }
    memcpy(key, buf, want);
    OPENSSL_cleanse(buf, sizeof(buf));
    *len = want;
    return 0;
}

/*
 * sign_header - the webhook-signature value for one attempt
 *
 * One "v1,<base64 HMAC-SHA256>" per secret of ep, space separated, into
 * out (SIGN_HEADER_MAX is always enough).  -1 when ep has no secret,
 * cap is too small, or OpenSSL fails.
 */
int sign_header(const struct endpoint *ep, const char *id, long ts,
                const char *body, size_t len, char *out, size_t cap)
{
    static char digest[] = "SHA256";
    OSSL_PARAM params[2];
    EVP_MAC *mac;
    EVP_MAC_CTX *ctx = NULL;
    unsigned char md[EVP_MAX_MD_SIZE];
    char tsbuf[24];
    size_t mdlen, o = 0;
    int i, tslen, ret = -1;

    if (ep->nsecrets < 1
        || cap < (size_t)ep->nsecrets * SIGN_ONE_LEN)
        return -1;
    tslen = snprintf(tsbuf, sizeof(tsbuf), "%ld", ts);
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                 digest, 0);
    params[1] = OSSL_PARAM_construct_end();
    if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL
        || (ctx = EVP_MAC_CTX_new(mac)) == NULL)
        goto out;
    for (i = 0; i < ep->nsecrets; i++) {
        /* EVP_MAC_init() with a key starts over: one context serves all */
        if (!EVP_MAC_init(ctx, ep->secret[i], ep->secret_len[i], params)
            || !EVP_MAC_update(ctx, (const unsigned char *)id, strlen(id))
            || !EVP_MAC_update(ctx, (const unsigned char *)".", 1)
            || !EVP_MAC_update(ctx, (const unsigned char *)tsbuf,
                               (size_t)tslen)
            || !EVP_MAC_update(ctx, (const unsigned char *)".", 1)
            || !EVP_MAC_update(ctx, (const unsigned char *)body, len)
            || !EVP_MAC_final(ctx, md, &mdlen, sizeof(md)))
            goto out;
        if (i > 0)
            out[o++] = ' ';
        memcpy(out + o, "v1,", 3);
        o += 3;
        o += (size_t)EVP_EncodeBlock((unsigned char *)out + o, md,
                                     (int)mdlen);
    }
    out[o] = '\0';
    ret = 0;
out:
    OPENSSL_cleanse(md, sizeof(md));
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    return ret;
}
