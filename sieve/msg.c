/* msg.c - placeholder until the message reader is written */
#include <stddef.h>

#include "eval.h"

struct sv_msg *sv_msg_open(long (*pread)(void *, void *, size_t, uint64_t),
                           void *arg, uint64_t size)
{
    (void)pread;
    (void)arg;
    (void)size;
    return NULL;
}

void sv_msg_free(struct sv_msg *m)
{
    (void)m;
}

int sv_msg_header_each(struct sv_msg *m, const char *name, int decode,
                       int (*fn)(void *arg, const char *value, size_t len),
                       void *arg)
{
    (void)m;
    (void)name;
    (void)decode;
    (void)fn;
    (void)arg;
    return -1;
}

uint64_t sv_msg_body_offset(struct sv_msg *m)
{
    (void)m;
    return 0;
}

#define STUB(f) int f(struct sv_run *r, const struct sv_node *n) \
    { return sv_error(r, n, "%s: not implemented", n->name); }
STUB(sv_test_header)
STUB(sv_test_address)
STUB(sv_test_envelope)
STUB(sv_test_exists)
STUB(sv_test_size)
