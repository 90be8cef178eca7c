/*
 * fuzz_rfc2047.c - header text decoding (event/rfc2047.c)
 *
 * Whatever the input and the buffer size, the output must be what
 * rfc2047.h promises: NUL-terminated, at most cap-1 bytes, its length
 * returned, valid UTF-8 (utf8_clean() leaves it as it is).
 */
#include "fuzz.h"

#include "../../event/rfc2047.h"

/* check - out as promised for a buffer of cap bytes */
static void check(const char *what, const char *out, size_t n, size_t cap)
{
    char again[4096 * 3 + 4];

    if (cap == 0)
        return;
    if (n >= cap || strlen(out) != n)
        fuzz_fail("%s: %zu bytes in a buffer of %zu", what, n, cap);
    if (utf8_clean(out, n, again, sizeof(again)) != n
        || memcmp(out, again, n) != 0)
        fuzz_fail("%s: not valid UTF-8 with cap %zu", what, cap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t caps[] = {0, 1, 2, 3, 4, 5, 7, 16, 64, 4096};
    char *part[1], out[4096], sentinel = 'x';
    size_t cap, n;

    if (size == 0 || size > 4096)
        return 0;
    cap = caps[data[0] % (sizeof(caps) / sizeof(caps[0]))];
    fuzz_split(data + 1, size - 1, part, 1);
    out[0] = sentinel;
    n = rfc2047_decode(part[0], out, cap);
    if (cap == 0 && (n != 0 || out[0] != sentinel))
        fuzz_fail("cap 0 wrote");
    check("rfc2047_decode", out, n, cap);
    /* utf8_clean() takes the raw bytes, NULs included */
    n = utf8_clean((const char *)data + 1, size - 1, out, cap);
    check("utf8_clean", out, n, cap);
    free(part[0]);
    return 0;
}
