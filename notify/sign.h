/* sign.h - Standard Webhooks v1 signing secrets and signatures */
#ifndef LDA_SIGN_H
#define LDA_SIGN_H

#include <stddef.h>

#include "endpoint.h"

#define SIGN_KEY_MIN 24         /* bytes of a whsec_ key, at least */
#define SIGN_KEY_MAX 64         /* and at most */

/* "v1," + 44 base64 characters + a space (the NUL after the last) */
#define SIGN_ONE_LEN 48
#define SIGN_HEADER_MAX (ENDPOINT_MAX_SECRETS * SIGN_ONE_LEN)

int sign_secret_decode(const char *whsec, unsigned char *key, size_t cap,
                       size_t *len);
int sign_header(const struct endpoint *ep, const char *id, long ts,
                const char *body, size_t len, char *out, size_t cap);

#endif
