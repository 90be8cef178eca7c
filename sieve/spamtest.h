/*
 * spamtest.h - the value spamtest, spamtestplus and virustest
 * (RFC 5235) match against, computed from the scanner's header fields
 * as Pigeonhole's sieve_spamtest_* / sieve_virustest_* settings say
 */
#ifndef LDA_SIEVE_SPAMTEST_H
#define LDA_SIEVE_SPAMTEST_H

#include <stddef.h>

/* the settings of one test (struct sieve_conf's spam_* or virus_*) */
struct sv_spam_conf {
    const char *status_type;    /* "score", "strlen", "text"; "": score */
    const char *status_header;  /* "Name" or "Name: regex"; "": off */
    const char *max_header;
    const char *max_value;
    const char *const *text_value;      /* [0..10] */
};

/*
 * sv_spamtest_value - "0" (not tested, or not configured, or the
 * header unusable), else "1".."10" ("1".."5" for virustest, "0".."100"
 * with :percent) into out.  header(arg, name, buf, cap) gives the first
 * field of that name, RFC 2047 decoded: 1 found, 0 absent, -1 error.
 * Returns 0, or -1 when header failed.
 */
int sv_spamtest_value(const struct sv_spam_conf *c, int virus, int percent,
                      int (*header)(void *arg, const char *name, char *buf,
                                    size_t cap),
                      void *arg, char *out, size_t cap);

#endif
