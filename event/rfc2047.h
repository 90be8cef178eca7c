/* rfc2047.h - header text to UTF-8: encoded words decoded, bad bytes out */
#ifndef LDA_RFC2047_H
#define LDA_RFC2047_H

#include <stddef.h>

/*
 * rfc2047_decode - an unstructured header value (Subject, Date, a display
 * name) as UTF-8 in out: RFC 2047 encoded words decoded (unknown charset
 * or malformed word: left as written), blanks between adjacent words
 * dropped, runs of blanks holding a tab, CR, LF or control become one
 * space (runs of plain spaces are kept), both ends trimmed, invalid bytes
 * and decoded NULs become U+FFFD.  out is always NUL-terminated valid
 * UTF-8 of at most cap-1 bytes, cut between characters; cap 0 writes
 * nothing.  Returns strlen(out).
 */
size_t rfc2047_decode(const char *in, char *out, size_t cap);

/*
 * rfc2047_decode_keep - the same, but tabs, CR, LF and other controls
 * stay as written (only spaces at both ends are trimmed) and a word in
 * a charset iconv does not know gives its bytes (invalid ones as
 * U+FFFD), as Sieve's header tests see values in Pigeonhole
 */
size_t rfc2047_decode_keep(const char *in, char *out, size_t cap);

/*
 * utf8_clean - the len bytes at in as valid UTF-8 (RFC 3629) in out: each
 * byte not part of a valid character (overlong, surrogate, above
 * U+10FFFF, cut short) and each NUL becomes U+FFFD.  NUL-terminated, at
 * most cap-1 bytes, cut between characters; returns strlen(out).
 */
size_t utf8_clean(const char *in, size_t len, char *out, size_t cap);

/* the value of a base64 character or a hex digit, -1 when it is none */
int rfc2047_b64_value(int c);
int rfc2047_hex_value(int c);

#endif
