/*
 * fuzz_message.c - the message reader and the mbox From line
 * (lda/message.c) on any input
 *
 * msgin_read() reads the bytes from a pipe-like file in buffers of a
 * size the input picks; what comes out must be the input with each CRLF
 * turned into LF and nothing else changed.  message_from_line() and
 * message_sanitize() must stay within their buffers.
 */
#include "fuzz.h"

#include "../../lda/message.h"

/* reference - CRLF to LF, the slow obvious way */
static size_t reference(const char *in, size_t len, char *out)
{
    size_t i, o = 0;

    for (i = 0; i < len; i++)
        if (!(in[i] == '\r' && i + 1 < len && in[i + 1] == '\n'))
            out[o++] = in[i];
    return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct msgin m;
    char sender[64], *got, *want, *s;
    size_t cap, glen = 0, wlen, n;
    const char *in, *path;
    long k;
    int fd;

    if (size == 0)
        return 0;
    cap = data[0] % 64 + 2;     /* msgin_read() wants at least 2 */
    in = (const char *)data + 1;
    size--;
    path = fuzz_file(0, in, size, 0600);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        fuzz_fail("open '%s'", path);
    got = malloc(size + cap + 1);
    want = malloc(size + 1);
    if (got == NULL || want == NULL)
        abort();
    msgin_init(&m, fd, NULL);
    while ((k = msgin_read(&m, got + glen, cap)) > 0) {
        if ((size_t)k > cap || glen + (size_t)k > size)
            fuzz_fail("read %ld into %zu", k, cap);
        glen += (size_t)k;
    }
    close(fd);
    if (k < 0)
        fuzz_fail("msgin_read failed");
    wlen = reference(in, size, want);
    if (glen != wlen || memcmp(got, want, glen) != 0)
        fuzz_fail("CRLF squeezed wrong with buffers of %zu", cap);

    memset(sender, 0, sizeof(sender));
    n = message_from_line(in, size, sender, data[0] % 2 ? sizeof(sender)
                          : 8);
    if (n > size)
        fuzz_fail("From line longer than the input");
    if (n > 0 && strnlen(sender, sizeof(sender)) == sizeof(sender))
        fuzz_fail("sender not terminated");

    s = malloc(size + 1);
    if (s == NULL)
        abort();
    memcpy(s, in, size);
    s[size] = '\0';
    message_sanitize(s);
    for (n = 0; s[n]; n++)
        if ((unsigned char)s[n] < ' ' || s[n] == 0x7f)
            fuzz_fail("control byte left at %zu", n);
    free(s);
    free(got);
    free(want);
    return 0;
}
