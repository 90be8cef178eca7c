/*
 * run.h - the evaluator's services to the commands and tests
 *
 * eval.c walks the tree and calls one function per command or test id;
 * those living in their own files (body.c, date.c, spamtest.c) use only
 * what is declared here: the message, strings with variables expanded,
 * the match of values against keys, runtime errors.
 */
#ifndef LDA_SIEVE_RUN_H
#define LDA_SIEVE_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "ast.h"

struct sv_run;

/* A test returns 1 (true), 0 (false) or -1 (a runtime error, set). */
typedef int (*sv_test_fn)(struct sv_run *r, const struct sv_node *n);

/* the delivery and the settings */
const struct sieve_env *sv_env(const struct sv_run *r);
const struct sieve_conf *sv_conf(const struct sv_run *r);

/* sv_error - a runtime error at n: always -1 */
int sv_error(struct sv_run *r, const struct sv_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * sv_string - the string s with variables expanded (when the script
 * required "variables"), valid until the next sv_string call with the
 * same slot (0..3); *len gets its length (it may hold NULs? no: a NUL
 * never survives parsing or expansion)
 */
const char *sv_string(struct sv_run *r, const struct sv_str *s, int slot,
                      size_t *len);

/*
 * Reading the message: the bytes as stored (LF line ends).  sv_pread
 * reads at off, returns the count (0 at the end) or -1 (runtime error
 * set).  Header fields are indexed once per run.
 */
long sv_pread(struct sv_run *r, void *buf, size_t len, uint64_t off);
uint64_t sv_size(const struct sv_run *r);
uint64_t sv_body_offset(struct sv_run *r);     /* after the blank line */

/*
 * sv_header_each - call fn for each field named name (case-insensitive)
 * in order, with its value unfolded (CRLF/LF + WSP → WSP), leading and
 * trailing blanks trimmed, and, with decode, RFC 2047 words decoded to
 * UTF-8.  fn returns 0 to go on, 1 to stop.  Returns 0 or -1 (error).
 */
int sv_header_each(struct sv_run *r, const char *name, int decode,
                   int (*fn)(void *arg, const char *value, size_t len),
                   void *arg);

/*
 * Matching values against keys with n's comparator, match type and
 * relational operator.  sv_match_begin, then sv_match_value for each
 * value (it returns 1 once the test is decided true and the caller may
 * stop, 0 to go on, -1 on error), then sv_match_end for the result
 * (1 or 0; :count decides there).  Match variables (${1}...) are set
 * from the value that matched, as RFC 5229 says.  Keys are expanded
 * into sv_string's slot 3: a value must not live there.
 */
struct sv_match_ctx {
    struct sv_run *r;
    const struct sv_node *n;
    const struct sv_arg *keys;
    uint64_t count;
    int matched;
};
void sv_match_begin(struct sv_match_ctx *m, struct sv_run *r,
                    const struct sv_node *n, const struct sv_arg *keys);
int sv_match_value(struct sv_match_ctx *m, const char *v, size_t len);
int sv_match_end(struct sv_match_ctx *m);

/* The tests written in files of their own. */
int sv_test_body(struct sv_run *r, const struct sv_node *n);
int sv_test_date(struct sv_run *r, const struct sv_node *n);
int sv_test_currentdate(struct sv_run *r, const struct sv_node *n);
int sv_test_spamtest(struct sv_run *r, const struct sv_node *n);
int sv_test_virustest(struct sv_run *r, const struct sv_node *n);

#endif
