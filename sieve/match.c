/*
 * match.c - values against keys: comparators, match types, relational
 * operators, match variables
 *
 * Comparators (RFC 4790): i;octet compares bytes; i;ascii-casemap
 * folds a-z to A-Z first; i;ascii-numeric compares the numbers the
 * strings start with (any length: digits are compared as text once
 * leading zeros are gone), a string without a leading digit being
 * +infinity, equal to every other such.  i;ascii-numeric has no
 * substring match, so :contains, :matches and :regex with it are a
 * runtime error (the parser refuses them first).
 *
 * :matches ("*", "?", "\" escaping) runs in one pass that returns only
 * to the last "*" seen, so a pattern costs at most O(value x pattern)
 * steps, never exponential time; "?" is one octet, as in Pigeonhole.
 * Past 2^28 steps (a key of many kilobytes against a long value) a
 * :matches or :contains is a runtime error rather than minutes of CPU.
 * Captures give each "*" as few characters as possible, left to right
 * (RFC 5229 3.2).  :regex is POSIX extended (regcomp), compiled for
 * each key on each use; a key that does not compile matches nothing.
 * Keys are expanded into sv_string's slot 3.
 */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"

#define KEY_SLOT 3
#define MATCH_VARS SV_MATCH_VARS
/* byte comparisons one :matches or :contains may make (some tenths of
 * a second): a long enough key against a long value could otherwise
 * run for minutes between two of the evaluator's CPU time checks */
#define MATCH_BUDGET (1UL << 28)

/* fold - a byte as the comparator sees it */
static unsigned char fold(enum sv_cmp cmp, unsigned char c)
{
    return cmp == SV_CASEMAP ? (unsigned char)toupper(c) : c;
}

/* num_span - the number s starts with, leading zeros skipped: its
 * digits at *d, their count; -1 when s has no leading digit */
static long num_span(const char *s, size_t len, const char **d)
{
    size_t i = 0, n;

    if (len == 0 || !isdigit((unsigned char)s[0]))
        return -1;
    while (i + 1 < len && s[i] == '0' && isdigit((unsigned char)s[i + 1]))
        i++;
    for (n = i; n < len && isdigit((unsigned char)s[n]); n++)
        ;
    *d = s + i;
    return (long)(n - i);
}

/* compare - the order of a and b under cmp: <0, 0, >0 */
static int compare(enum sv_cmp cmp, const char *a, size_t alen,
                   const char *b, size_t blen)
{
    const char *da = NULL, *db = NULL;
    long na, nb;
    size_t i;
    int c;

    if (cmp == SV_NUMERIC) {
        na = num_span(a, alen, &da);
        nb = num_span(b, blen, &db);
        if (na < 0 || nb < 0)
            return (na < 0) - (nb < 0);     /* +infinity */
        if (na != nb)
            return na < nb ? -1 : 1;
        c = memcmp(da, db, (size_t)na);
        return (c > 0) - (c < 0);
    }
    for (i = 0; i < alen && i < blen; i++) {
        c = fold(cmp, (unsigned char)a[i]) - fold(cmp, (unsigned char)b[i]);
        if (c != 0)
            return c;
    }
    return (alen > i) - (blen > i);
}

/* contains - whether b occurs in a under cmp (octet or casemap); -1
 * when that took more than MATCH_BUDGET comparisons */
static int contains(enum sv_cmp cmp, const char *a, size_t alen,
                    const char *b, size_t blen)
{
    unsigned long steps = 0;
    size_t i, j;

    for (i = 0; i + blen <= alen; i++) {
        for (j = 0; j < blen; j++)
            if (fold(cmp, (unsigned char)a[i + j])
                != fold(cmp, (unsigned char)b[j]))
                break;
        if (j == blen)
            return 1;
        if ((steps += j + 1) > MATCH_BUDGET)
            return -1;
    }
    return 0;
}

/* rel_holds - whether order c (value against key) satisfies rel */
static int rel_holds(enum sv_rel rel, int c)
{
    switch (rel) {
    case SV_GT: return c > 0;
    case SV_GE: return c >= 0;
    case SV_LT: return c < 0;
    case SV_LE: return c <= 0;
    case SV_EQ: return c == 0;
    case SV_NE: return c != 0;
    }
    return 0;
}

/* What a :matches found: where each wildcard's text starts, and length. */
struct caps {
    size_t start[MATCH_VARS - 1];
    size_t len[MATCH_VARS - 1];
    int n;                      /* wildcards in the pattern (31 kept) */
};

/* cap_set - wildcard k matched t[start..start+len) */
static void cap_set(struct caps *c, int k, size_t start, size_t len)
{
    if (k < MATCH_VARS - 1) {
        c->start[k] = start;
        c->len[k] = len;
    }
    if (k + 1 > c->n)
        c->n = k + 1;
}

/*
 * glob - whether t matches pattern p under cmp (RFC 5228 2.7.1): one
 * pass that, on a mismatch, lets the last "*" take one more byte and
 * starts over after it; with only "*" as a variable-length wildcard
 * returning to the last one is enough, and bounds the work (-1 past
 * MATCH_BUDGET steps)
 */
static int glob(enum sv_cmp cmp, const char *p, size_t plen,
                const char *t, size_t tlen, struct caps *c)
{
    size_t pi = 0, ti = 0, star_pi = 0, star_ti = 0, w;
    unsigned long steps = 0;
    int k = 0, star_k = -1;
    unsigned char lit;

    c->n = 0;
    for (;;) {
        if (++steps > MATCH_BUDGET)
            return -1;
        if (pi < plen) {
            if (p[pi] == '*') {
                star_pi = pi++;
                star_k = k;
                star_ti = ti;
                cap_set(c, k++, ti, 0);
                continue;
            }
            if (ti < tlen) {
                if (p[pi] == '?') {
                    cap_set(c, k++, ti++, 1);
                    pi++;
                    continue;
                }
                w = p[pi] == '\\' && pi + 1 < plen ? 2 : 1;
                lit = (unsigned char)p[pi + w - 1];
                if (fold(cmp, lit) == fold(cmp, (unsigned char)t[ti])) {
                    pi += w;
                    ti++;
                    continue;
                }
            }
        } else if (ti == tlen) {
            return 1;
        }
        if (star_k < 0 || star_ti >= tlen)
            return 0;
        star_ti++;
        if (star_k < MATCH_VARS - 1)
            c->len[star_k] = star_ti - c->start[star_k];
        ti = star_ti;
        pi = star_pi + 1;
        k = star_k + 1;
    }
}

/* vars_wanted - whether match variables are to be set */
static int vars_wanted(const struct sv_run *r)
{
    return r->script != NULL && (r->script->ext & SV_EXT_VARIABLES);
}

/* matches - :matches of v against key, match variables set on success */
static int matches(struct sv_match_ctx *m, const char *v, size_t len,
                   const char *key, size_t klen)
{
    const char *val[MATCH_VARS];
    size_t vl[MATCH_VARS];
    struct caps c;
    int i, n;

    i = glob(m->n->cmp, key, klen, v, len, &c);
    if (i < 0)
        return sv_error(m->r, m->n, "matches: key too costly to match");
    if (i == 0)
        return 0;
    if (vars_wanted(m->r)) {
        n = c.n < MATCH_VARS - 1 ? c.n : MATCH_VARS - 1;
        val[0] = v;
        vl[0] = len;
        for (i = 0; i < n; i++) {
            val[i + 1] = v + c.start[i];
            vl[i + 1] = c.len[i];
        }
        sv_match_vars_set(m->r, val, vl, n + 1);
    }
    return 1;
}

/* regex - :regex of v against key, groups to match variables */
static int regex(struct sv_match_ctx *m, const char *v, size_t len,
                 const char *key)
{
    const char *val[MATCH_VARS];
    size_t vl[MATCH_VARS];
    regmatch_t pm[MATCH_VARS];
    int flags = REG_EXTENDED, rc, i, n = 0, want = vars_wanted(m->r);
    regex_t re;
    char *s;

    if (m->n->cmp == SV_CASEMAP)
        flags |= REG_ICASE;
    if (!want)
        flags |= REG_NOSUB;
    if (regcomp(&re, key, flags) != 0)
        return 0;
    s = malloc(len + 1);        /* regexec needs a terminated string */
    if (s == NULL) {
        regfree(&re);
        return sv_error(m->r, m->n, "regex: out of memory");
    }
    memcpy(s, v, len);
    s[len] = '\0';
    rc = regexec(&re, s, want ? MATCH_VARS : 0, want ? pm : NULL, 0);
    if (rc == 0 && want) {
        n = (int)re.re_nsub + 1 < MATCH_VARS ? (int)re.re_nsub + 1
            : MATCH_VARS;
        for (i = 0; i < n; i++) {
            val[i] = pm[i].rm_so >= 0 ? v + pm[i].rm_so : "";
            vl[i] = pm[i].rm_so >= 0
                ? (size_t)(pm[i].rm_eo - pm[i].rm_so) : 0;
        }
        sv_match_vars_set(m->r, val, vl, n);
    }
    free(s);
    regfree(&re);
    return rc == 0;
}

/* sv_match_begin - start matching values against keys for test n */
void sv_match_begin(struct sv_match_ctx *m, struct sv_run *r,
                    const struct sv_node *n, const struct sv_arg *keys)
{
    m->r = r;
    m->n = n;
    m->keys = keys;
    m->count = 0;
    m->matched = 0;
}

/* nkeys - how many strings keys holds */
static int nkeys(const struct sv_arg *keys)
{
    if (keys == NULL || keys->v == NULL)
        return 0;
    return keys->type == SV_STR ? 1 : keys->n;
}

/* sv_match_value - one value against every key: 1 matched, 0, -1 error */
int sv_match_value(struct sv_match_ctx *m, const char *v, size_t len)
{
    const struct sv_node *n = m->n;
    const char *key;
    size_t klen;
    int i, hit = 0;

    if (n->match == SV_COUNT) {
        m->count++;
        return 0;
    }
    if (n->cmp == SV_NUMERIC
        && (n->match == SV_CONTAINS || n->match == SV_MATCHES
            || n->match == SV_REGEX))
        return sv_error(m->r, n, "comparator 'i;ascii-numeric' does not "
                        "support this match type");
    for (i = 0; i < nkeys(m->keys) && !hit; i++) {
        key = sv_string(m->r, &m->keys->v[i], KEY_SLOT, &klen);
        switch (n->match) {
        case SV_IS:
            hit = compare(n->cmp, v, len, key, klen) == 0;
            break;
        case SV_CONTAINS:
            hit = contains(n->cmp, v, len, key, klen);
            if (hit < 0)
                return sv_error(m->r, n, "contains: key too costly to "
                                "match");
            break;
        case SV_MATCHES:
            hit = matches(m, v, len, key, klen);
            break;
        case SV_REGEX:
            hit = regex(m, v, len, key);
            break;
        case SV_VALUE:
            hit = rel_holds(n->rel, compare(n->cmp, v, len, key, klen));
            break;
        case SV_COUNT:
            break;
        }
        if (hit < 0)
            return -1;
    }
    if (hit)
        m->matched = 1;
    return hit;
}

/* sv_match_end - the test's result; :count compares the count here */
int sv_match_end(struct sv_match_ctx *m)
{
    const char *key;
    char num[24];
    size_t klen, nlen;
    int i;

    if (m->n->match != SV_COUNT)
        return m->matched;
    nlen = (size_t)snprintf(num, sizeof(num), "%llu",
                            (unsigned long long)m->count);
    for (i = 0; i < nkeys(m->keys); i++) {
        key = sv_string(m->r, &m->keys->v[i], KEY_SLOT, &klen);
        if (rel_holds(m->n->rel, compare(m->n->cmp, num, nlen, key, klen)))
            return m->matched = 1;
    }
    return 0;
}
