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
static int folder_name(const char *name, int escape, char *out, size_t cap);

int mdname_folder(const char *name, char *out, size_t cap)
{
    return folder_name(name, 1, out, cap);
}

/* mdname_folder_utf7 - mdname_folder() for a name already in modified
 * UTF-7, whose "&" is not escaped again */
int mdname_folder_utf7(const char *name, char *out, size_t cap)
{
    return folder_name(name, 0, out, cap);
}

/* folder_name - mdname_folder(), "&" written "&-" when escape */
static int folder_name(const char *name, int escape, char *out, size_t cap)
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
        if (o + (*p == '&' && escape ? 2 : 1) >= cap)
            return -1;
        out[o++] = (char)*p;
        if (*p == '&' && escape)
            out[o++] = '-';
    }
    if (out[o - 1] == '.')
        return -1;              /* "a." would name an empty child */
    if (o > 255)
        return -1;              /* NAME_MAX, once "&" is escaped */
    out[o] = '\0';
    return 0;
}

/* utf8_next - the code point at *p, advancing it; -1 when invalid */
static long utf8_next(const unsigned char **p)
{
    const unsigned char *s = *p;
    long c;
    int n, i;

    if (s[0] < 0x80) {
        *p = s + 1;
        return s[0];
    }
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 1, c = s[0] & 0x1f;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 2, c = s[0] & 0x0f;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 3, c = s[0] & 0x07;
    else
        return -1;
    for (i = 1; i <= n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return -1;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if ((n == 2 && c < 0x800) || (n == 3 && (c < 0x10000 || c > 0x10ffff))
        || (c >= 0xd800 && c <= 0xdfff))
        return -1;
    *p = s + n + 1;
    return c;
}

/*
 * mdname_imap_folder - mdname_folder() for a folder named as IMAP
 * clients and Sieve scripts name it: UTF-8, "/" or "." between levels.
 * The levels are joined with "." and non-ASCII characters written in
 * modified UTF-7 (RFC 3501 5.1.3), as Dovecot names them on disk, so
 * "Archiv/Entwürfe" is ".Archiv.Entw&APw-rfe".  -1 as mdname_folder().
 */
int mdname_imap_folder(const char *name, char *out, size_t cap)
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
    char ascii[1024];
    const unsigned char *p = (const unsigned char *)name;
    size_t o = 0;
    unsigned long bits = 0;
    int nbits = 0, open = 0;
    long c;

    while (*p) {
        if ((c = utf8_next(&p)) < 0 || c < 0x20 || c == 0x7f)
            return -1;
        if (c < 0x7f) {
            if (open) {
                if (nbits && o < sizeof(ascii))
                    ascii[o++] = b64[(bits << (6 - nbits)) & 0x3f];
                if (o < sizeof(ascii))
                    ascii[o++] = '-';
                open = nbits = 0;
            }
            if (o + 3 >= sizeof(ascii))
                return -1;
            ascii[o++] = c == '/' ? '.' : (char)c;
            if (c == '&')
                ascii[o++] = '-';
            continue;
        }
        if (!open) {
            if (o >= sizeof(ascii))
                return -1;
            ascii[o++] = '&';
            open = 1;
            bits = 0;
        }
        /* UTF-16: a pair of surrogates above U+FFFF */
        {
            unsigned long u[2];
            int k, nu = 0;

            if (c >= 0x10000) {
                u[nu++] = 0xd800 + (((unsigned long)c - 0x10000) >> 10);
                u[nu++] = 0xdc00 + (((unsigned long)c - 0x10000) & 0x3ff);
            } else {
                u[nu++] = (unsigned long)c;
            }
            for (k = 0; k < nu; k++) {
                bits = (bits << 16) | u[k];
                nbits += 16;
                while (nbits >= 6) {
                    nbits -= 6;
                    if (o >= sizeof(ascii))
                        return -1;
                    ascii[o++] = b64[(bits >> nbits) & 0x3f];
                }
            }
        }
    }
    if (open) {
        if (nbits && o < sizeof(ascii))
            ascii[o++] = b64[(bits << (6 - nbits)) & 0x3f];
        if (o < sizeof(ascii))
            ascii[o++] = '-';
    }
    if (o >= sizeof(ascii))
        return -1;
    ascii[o] = '\0';
    return mdname_folder_utf7(ascii, out, cap);
}
