/*
 * fuzz_sieve_mime.c - the body test's reading of a message
 * (sieve/mime*.c) and the date test's parsing (sieve/date.c)
 *
 * Any bytes are a stored message, read back in pieces of odd sizes as
 * pread may return them.  Promises: every :text value is valid UTF-8
 * (a NUL from "&#0;" aside) of at most SV_MIME_MAX bytes; :content ""
 * and :raw values are at most SV_MIME_MAX; a date that parses prints
 * as std11 and parses back to the same instant and zone.
 */
#include "fuzz.h"

#include "../../sieve/date.h"
#include "../../sieve/mime.h"

struct mem {
    const uint8_t *s;
    size_t len;
};

static long mem_pread(void *arg, void *buf, size_t len, uint64_t off)
{
    struct mem *m = arg;

    if (off >= m->len)
        return 0;
    if (len > m->len - off)
        len = (size_t)(m->len - off);
    if (len > 1 + off % 61)     /* short reads, of varying size */
        len = 1 + off % 61;
    memcpy(buf, m->s + off, len);
    return (long)len;
}

/* utf8_len - the length of the valid character at s, 0 if none */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len, i;
    unsigned cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        len = 2, cp = s[0] & 0x1f;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        len = 3, cp = s[0] & 0x0f;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        len = 4, cp = s[0] & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
        || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return len;
}

static int check_text(void *arg, const char *v, size_t len)
{
    size_t i = 0, n;

    (void)arg;
    if (len > SV_MIME_MAX)
        fuzz_fail("a value of %zu bytes", len);
    while (i < len) {
        if ((n = utf8_len((const unsigned char *)v + i, len - i)) == 0)
            fuzz_fail(":text value with invalid UTF-8 at %zu", i);
        i += n;
    }
    return 0;
}

static int check_size(void *arg, const char *v, size_t len)
{
    (void)arg;
    (void)v;
    if (len > SV_MIME_MAX)
        fuzz_fail("a value of %zu bytes", len);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const all[] = {""};
    struct mem m = {data, size};
    struct sv_mime_src src = {mem_pread, &m, size};
    struct sv_date d, back;
    char out[64];

    if (sv_mime_body(&src, SV_MIME_TEXT, NULL, 0, check_text, NULL) != 0
        || sv_mime_body(&src, SV_MIME_CONTENT, all, 1, check_size,
                        NULL) != 0
        || sv_mime_body(&src, SV_MIME_RAW, NULL, 0, check_size, NULL) != 0)
        fuzz_fail("a walk failed");
    if (sv_date_parse((const char *)data, size, &d) == 0) {
        if (sv_date_part(d.t, d.zone, "std11", out, sizeof(out)) != 0)
            fuzz_fail("std11 refused");
        /* "Wed, 08 Jan 2025 23:34:56 -0500": a zone of 100 hours or a
         * year past 9999 (from +9959 in 9999) is not std11 */
        if (strlen(out) == 31
            && (sv_date_parse(out, strlen(out), &back) != 0
                || back.t != d.t || back.zone != d.zone))
            fuzz_fail("\"%s\" does not parse back", out);
    }
    return 0;
}
