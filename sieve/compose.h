/* compose.h - the text of a message lda writes itself */
#ifndef LDA_SIEVE_COMPOSE_H
#define LDA_SIEVE_COMPOSE_H

#include <stddef.h>
#include <time.h>

/* A growing buffer: on allocation failure it stops growing and failed
 * says so, so that a text is built without a check at every step. */
struct compose {
    char *s;                    /* NUL-terminated; free() it */
    size_t n, cap;
    int failed;
};

void compose_add(struct compose *b, const char *p, size_t n);
void compose_str(struct compose *b, const char *s);
void compose_printf(struct compose *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* compose_is_ascii - no byte above 0x7f */
int compose_is_ascii(const char *s);
/* compose_words - UTF-8 text as RFC 2047 B words, sep between them */
void compose_words(struct compose *b, const char *s, const char *sep);
/* compose_fold - ASCII text starting at column col, folded before
 * blanks near 78 columns */
void compose_fold(struct compose *b, const char *s, size_t col);
/* compose_clean - text fit for a header: valid UTF-8, controls as
 * blanks, at most max code points (0: all); malloc'd, NULL: no memory */
char *compose_clean(const char *in, size_t max);
/* compose_mailbox - "name <address>" (name quoted or encoded as
 * needed), or the address alone when name is empty */
void compose_mailbox(struct compose *b, const char *name,
                     const char *address);
/* compose_date - a "Date: " line for now, local time */
void compose_date(struct compose *b, time_t now);
/* compose_qp - text as quoted-printable (RFC 2045 6.7) */
void compose_qp(struct compose *b, const char *s);

#endif
