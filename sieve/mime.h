/*
 * mime.h - the body of a message as the body test (RFC 5173) sees it
 *
 * The message is read through a pread callback in blocks, never whole:
 * the MIME structure is found in one pass over its lines, and only a
 * part the test wants is read again, transfer-decoded (quoted-printable,
 * base64), converted to UTF-8 from its charset and, for :text, text/html
 * turned into plain text.
 * A part's decoded content is held up to SV_MIME_MAX bytes; beyond
 * that it is cut, so a key found only past the first MiB of one part
 * does not match.
 */
#ifndef LDA_SIEVE_MIME_H
#define LDA_SIEVE_MIME_H

#include <stddef.h>
#include <stdint.h>

#define SV_MIME_MAX (1024 * 1024)      /* a part's decoded bytes held */
#define SV_MIME_DEPTH 100      /* nested multiparts/messages, as Dovecot */

/* The stored message: the bytes at [0, size). */
struct sv_mime_src {
    long (*pread)(void *arg, void *buf, size_t len, uint64_t off);
    void *arg;
    uint64_t size;
};

/* What the body test asks for (RFC 5173 section 5). */
enum sv_mime_mode {
    SV_MIME_RAW,                /* the body after the header, undecoded */
    SV_MIME_CONTENT,            /* the parts whose type is in the list */
    SV_MIME_TEXT                /* text parts, text/html made plain */
};

/*
 * sv_mime_body - call fn for each string the body test matches against:
 * with SV_MIME_RAW the whole body once; otherwise each wanted part,
 * decoded (for a multipart its preamble and epilogue, for a
 * message/rfc822 part the enclosed header).  types (ntypes of them) are
 * the :content list: "" matches every part, "text" every text/ subtype,
 * "text/plain" only that.  fn returns 0 to go on, 1 to stop, -1 on
 * error.  Returns 0, 1 (stopped) or -1 (a read failed, or fn's -1).
 */
int sv_mime_body(const struct sv_mime_src *src, enum sv_mime_mode mode,
                 const char *const *types, int ntypes,
                 int (*fn)(void *arg, const char *v, size_t len),
                 void *arg);

/* A growing buffer of at most max bytes; cut says bytes were dropped. */
struct sv_mime_buf {
    char *p;
    size_t len, cap, max;
    int cut;
};
void sv_mime_buf_add(struct sv_mime_buf *b, const char *s, size_t len);
void sv_mime_buf_free(struct sv_mime_buf *b);

/*
 * Transfer decoding, fed in blocks of any size: the state carries a
 * quoted-printable escape or base64 quantum split across two blocks.
 */
enum sv_mime_cte { SV_CTE_NONE, SV_CTE_QP, SV_CTE_BASE64 };
struct sv_mime_dec {
    enum sv_mime_cte cte;
    unsigned acc;               /* base64: bits not yet a byte */
    int nbits;
    int st;                     /* qp: where in an escape */
    int hex;                    /* qp: the escape's first digit */
    char hold[80];              /* qp: blanks that may end a line */
    size_t nhold;
};
enum sv_mime_cte sv_mime_cte(const char *value);
void sv_mime_decode(struct sv_mime_dec *d, const char *in, size_t len,
                    struct sv_mime_buf *out);
void sv_mime_decode_end(struct sv_mime_dec *d, struct sv_mime_buf *out);

/* sv_mime_utf8 - b's text from charset to UTF-8, in place (unknown
 * charsets and undecodable bytes: U+FFFD for the bytes, rest kept) */
void sv_mime_utf8(struct sv_mime_buf *b, const char *charset);

/* sv_mime_html2text - HTML to text as Dovecot's indexer does it: tags
 * become one blank, comments, scripts and styles go, entities decoded */
void sv_mime_html2text(const char *in, size_t len, struct sv_mime_buf *out);

#endif
