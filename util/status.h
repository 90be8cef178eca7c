/* status.h - one error model: an RFC 3463 enhanced status code plus text */
#ifndef LDA_STATUS_H
#define LDA_STATUS_H

#include <stddef.h>

/*
 * Every function that can fail returns 0 or -1 and, on -1, fills a
 * struct status.  The code decides everything Postfix will do with the
 * message: 4.x.x is retried (exit 75), 5.1.x is an unknown or bad
 * recipient (exit 67), any other 5.x.x is a deliberate rejection (77).
 */
struct status {
    char code[8];               /* "4.3.0" */
    char text[512];             /* "create 'tmp/x': No space left" */
};

/* sysexits codes, named once for lda and lda-notifyd */
#define EX_USAGE_       64      /* sysexits EX_USAGE: lda-notifyd's usage */
#define EX_NOUSER_      67      /* sysexits EX_NOUSER */
#define EX_TEMPFAIL_    75      /* sysexits EX_TEMPFAIL: the only retry */
#define EX_NOPERM_      77      /* sysexits EX_NOPERM */
#define EX_CONFIG_      78      /* sysexits EX_CONFIG: lda-notifyd's
                                 * configuration; systemd does not
                                 * restart on it */

int status_set(struct status *st, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int status_errno(struct status *st, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int status_errno_as(struct status *st, const char *code, int err,
                    const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int status_exit(const struct status *st);
void status_detail(int err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void status_detail_clear(void);

#endif
