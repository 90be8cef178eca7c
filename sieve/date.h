/*
 * date.h - date-time values for the date and currentdate tests
 * (RFC 5260): a header's RFC 5322 date-time parsed as Dovecot parses
 * it, and the date parts of an instant seen in a zone
 */
#ifndef LDA_SIEVE_DATE_H
#define LDA_SIEVE_DATE_H

#include <stddef.h>
#include <stdint.h>

struct sv_date {
    int64_t t;                  /* seconds since the epoch, UTC */
    int zone;                   /* the zone written, minutes east */
};

/* sv_date_parse - a date-time header value: 0, or -1 when it is none */
int sv_date_parse(const char *s, size_t len, struct sv_date *d);

/* sv_date_zone - "+hhmm" / "-hhmm" to minutes east: 0 or -1 */
int sv_date_zone(const char *s, int *minutes);

/* sv_date_local - the local zone's offset at t, minutes east */
int sv_date_local(int64_t t);

/*
 * sv_date_part - the date part (RFC 5260 4.2: "year" ... "weekday",
 * any case) of t seen in zone, NUL-terminated in out (cap >= 32):
 * 0, or -1 for an unknown part
 */
int sv_date_part(int64_t t, int zone, const char *part, char *out,
                 size_t cap);

#endif
