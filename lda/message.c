/*
 * message.c - read the message from standard input, streaming
 *
 * msgin_read() fills a caller's buffer with the next bytes of the
 * message, CRLF turned into LF (Maildir files use the local line end;
 * Postfix and most senders write LF already).  A lone CR and every
 * other byte, NUL and 8-bit included, pass unchanged.  Memory use is
 * the caller's one buffer whatever the message size.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "message.h"

/* msgin_init - read fd; stop, when set, makes reads fail with EINTR */
void msgin_init(struct msgin *m, int fd, const volatile sig_atomic_t *stop)
{
    memset(m, 0, sizeof(*m));
    m->fd = fd;
    m->stop = stop;
}

/* squeeze - drop each CR that precedes an LF; returns the new length */
static size_t squeeze(char *buf, size_t len)
{
    char *src = buf, *dst, *end = buf + len, *cr;

    if ((cr = memchr(buf, '\r', len)) == NULL)
        return len;
    dst = cr;
    src = cr;
    while (src < end) {
        if (*src == '\r' && src + 1 < end && src[1] == '\n') {
            src++;
            continue;
        }
        cr = memchr(src + 1, '\r', (size_t)(end - src - 1));
        if (cr == NULL)
            cr = end;
        memmove(dst, src, (size_t)(cr - src));
        dst += cr - src;
        src = cr;
    }
    return (size_t)(dst - buf);
}

/*
 * msgin_read - fill out (cap >= 2) with normalised bytes; the count,
 * 0 at the end, -1 on a read error (EINTR once time is up).  A CR at
 * the end of a read is held back until the next byte is known.
 */
long msgin_read(struct msgin *m, char *out, size_t cap)
{
    size_t len = 0;
    ssize_t n;

    if (m->cr) {
        out[len++] = '\r';
        m->cr = 0;
    }
    while (!m->eof && len < cap) {
        /* A stop that came just before read() would not interrupt it. */
        if (m->stop && *m->stop) {
            errno = EINTR;
            return -1;
        }
        n = read(m->fd, out + len, cap - len);
        if (n < 0) {
            if (errno == EINTR && !(m->stop && *m->stop))
                continue;
            return -1;
        }
        if (n == 0)
            m->eof = 1;
        len += (size_t)n;
    }
    len = squeeze(out, len);
    if (!m->eof && len > 0 && out[len - 1] == '\r') {
        m->cr = 1;
        len--;
    }
    return (long)len;
}

/*
 * message_from_line - when buf starts with an mbox "From " line, the
 * length of that line (through its LF), copying the envelope sender it
 * names into sender; 0 when there is none.  A line longer than buf
 * gives len: the caller drops the rest through the next LF.
 */
size_t message_from_line(const char *buf, size_t len, char *sender,
                         size_t cap)
{
    const char *eol, *s, *e;
    size_t n;

    if (len < 5 || memcmp(buf, "From ", 5) != 0)
        return 0;
    eol = memchr(buf, '\n', len);
    e = eol ? eol : buf + len;
    for (s = buf + 5; s < e && *s == ' '; s++)
        ;
    for (n = 0; s + n < e && s[n] != ' ' && s[n] != '\t'; n++)
        ;
    if (n < cap) {
        memcpy(sender, s, n);
        sender[n] = '\0';
    }
    return eol ? (size_t)(eol - buf) + 1 : len;
}

/* message_sanitize - control characters out of a header value */
void message_sanitize(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < ' ' || *s == 0x7f)
            *s = '?';
}
