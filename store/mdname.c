/*
 * mdname.c - Maildir file and folder names
 *
 * File names follow Dovecot's form of the Maildir rule (unique per host,
 * second and delivery): "<sec>.M<usec>P<pid>.<host>,S=<size>,W=<crlf>".
 * ",S=" lets quota recounts skip a stat(); ",W=" is the size with CRLF
 * line ends, which IMAP servers report as RFC822.SIZE.
 *
 * Folder names come from addresses, i.e. from strangers: anything that
 * could leave the Maildir or confuse a reader is refused, and the
 * caller delivers to INBOX instead.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mdname.h"

/* mdname_host - this host's name with "/" and ":" escaped (Maildir) */
int mdname_host(const char *host, char *out, size_t cap)
{
    size_t o = 0;
    const char *esc;

    for (; *host; host++) {
        esc = *host == '/' ? "\\057" : *host == ':' ? "\\072" : NULL;
        if (esc == NULL && ((unsigned char)*host <= ' ' || *host == 0x7f))
            continue;           /* never a space or control in a name */
        if (o + (esc ? 4 : 1) >= cap)
            return -1;
        if (esc) {
            memcpy(out + o, esc, 4);
            o += 4;
        } else {
            out[o++] = *host;
        }
    }
    if (o == 0) {
        if (cap < 10)
            return -1;
        memcpy(out, "localhost", 10);
        return 0;
    }
    out[o] = '\0';
    return 0;
}

/* mdname_base - the unique part, used in tmp/ */
int mdname_base(char *out, size_t cap, long sec, long usec, long pid,
                const char *host)
{
    int n = snprintf(out, cap, "%ld.M%06ldP%ld.%s", sec, usec, pid, host);

    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* mdname_final - the name in new/, with the sizes */
int mdname_final(char *out, size_t cap, const char *base, uint64_t size,
                 uint64_t crlf_size)
{
    int n = snprintf(out, cap, "%s,S=%llu,W=%llu", base,
                     (unsigned long long)size,
                     (unsigned long long)crlf_size);

    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/*
 * mdname_folder - the directory name ".<name>" for a folder, or -1 when
 * the name must not be used (the caller then delivers to INBOX).
 * Refused: empty, INBOX itself, longer than a directory name can be
 * with its dot (254 bytes; NAME_MAX is 255), a leading ".", "..",
 * "/", control characters and 8-bit bytes.  IMAP servers read Maildir++
 * names as modified UTF-7 (RFC 3501 5.1.3), so "&" is written "&-".
 */
int mdname_folder(const char *name, char *out, size_t cap)
{
    size_t len = strlen(name), o = 0;
    const unsigned char *p;

    if (len == 0 || len > 254 || name[0] == '.' || strstr(name, "..")
        || strcasecmp(name, "INBOX") == 0)
        return -1;
    if (cap < 2)
        return -1;
    out[o++] = '.';
    for (p = (const unsigned char *)name; *p; p++) {
        if (*p == '/' || *p < ' ' || *p >= 0x7f)
            return -1;
        if (o + (*p == '&' ? 2 : 1) >= cap)
            return -1;
        out[o++] = (char)*p;
        if (*p == '&')
            out[o++] = '-';
    }
    if (out[o - 1] == '.')
        return -1;              /* "a." would name an empty child */
    if (o > 255)
        return -1;              /* NAME_MAX, once "&" is escaped */
    out[o] = '\0';
    return 0;
}
