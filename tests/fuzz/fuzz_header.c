/*
 * fuzz_header.c - the header scanner (lda/header.c) on any message start
 *
 * Checks that a field's name and value stay within their bounds, that
 * feeding the bytes in pieces (as reads deliver them) gives exactly the
 * fields of feeding them at once, and header_trace() on the same bytes.
 */
#include "fuzz.h"

#include "../../lda/header.h"

struct seen {
    char *buf;
    size_t len, cap;
};

/* record - append one field to the record of a scan */
static void record(void *arg, const char *name, const char *value,
                   int truncated)
{
    struct seen *s = arg;
    size_t nl = strlen(name), vl = strlen(value);

    if (nl == 0 || nl >= HEADER_NAME_MAX || vl >= HEADER_VALUE_MAX)
        fuzz_fail("field of %zu/%zu bytes", nl, vl);
    if (s->len + nl + vl + 3 > s->cap) {
        s->cap = (s->len + nl + vl + 3) * 2;
        if ((s->buf = realloc(s->buf, s->cap)) == NULL)
            abort();
    }
    memcpy(s->buf + s->len, name, nl + 1);
    s->len += nl + 1;
    memcpy(s->buf + s->len, value, vl + 1);
    s->len += vl + 1;
    s->buf[s->len++] = (char)('0' + truncated);
}

/* want - a trace line: take all but an empty value */
static int want(void *arg, const char *name, const char *value)
{
    (void)arg;
    if (strlen(name) >= HEADER_VALUE_MAX)
        fuzz_fail("trace name too long");
    return *value != '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct header_scan h;
    struct seen whole = {0}, pieces = {0};
    size_t step, off, n;
    const char *buf;

    if (size == 0)
        return 0;
    step = data[0] % 16 + 1;    /* the pieces' size */
    buf = (const char *)data + 1;
    size--;
    header_init(&h, record, &whole);
    header_feed(&h, buf, size);
    header_end(&h);
    if (!header_in_body(&h))
        fuzz_fail("not in the body after header_end");
    header_init(&h, record, &pieces);
    for (off = 0; off < size; off += n) {
        n = size - off < step ? size - off : step;
        header_feed(&h, buf + off, n);
    }
    header_end(&h);
    if (whole.len != pieces.len
        || (whole.len && memcmp(whole.buf, pieces.buf, whole.len) != 0))
        fuzz_fail("pieces of %zu bytes scan differently", step);
    free(whole.buf);
    free(pieces.buf);
    if (header_trace(buf, size, want, NULL) > size)
        fuzz_fail("trace longer than the buffer");
    return 0;
}
