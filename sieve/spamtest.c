/*
 * spamtest.c - spamtest, spamtestplus and virustest (RFC 5235)
 *
 *   spamtest [:percent] [COMPARATOR] [MATCH-TYPE] <value>
 *   virustest [COMPARATOR] [MATCH-TYPE] <value>
 *
 * The scanner's verdict is read from the message as Pigeonhole's
 * settings describe it: the status header's value (or a regex's first
 * group of it) is a score scaled against a maximum (sieve_*_max_value,
 * or a number from sieve_*_max_header), the length of a run of one
 * character ("*****"), or a text compared with text_value0..10 whose
 * index becomes the score.  The ratio score/maximum, clamped to 0..1,
 * maps to 1..10 (virustest 1..5, :percent 0..100) the way Pigeonhole
 * computes it, in float; "0" means the message was not tested, or the
 * settings or the header could not be used.
 */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "run.h"
#include "spamtest.h"

enum { T_SCORE, T_STRLEN, T_TEXT };

/* A header setting: the field's name, and a regex or none. */
struct spec {
    char name[128];
    regex_t re;
    int has_re;
};

/* spec_parse - "Name" or "Name: regex" (blanks after ':' not in it) */
static int spec_parse(const char *s, struct spec *sp)
{
    size_t n;

    sp->has_re = 0;
    while (*s == ' ' || *s == '\t')
        s++;
    n = strcspn(s, ": \t");
    if (n == 0 || n >= sizeof(sp->name))
        return -1;
    memcpy(sp->name, s, n);
    sp->name[n] = '\0';
    s += n;
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '\0')
        return 0;
    if (*s != ':')
        return -1;
    s++;
    while (*s == ' ' || *s == '\t')
        s++;
    if (regcomp(&sp->re, s, REG_EXTENDED) != 0)
        return -1;
    sp->has_re = 1;
    return 0;
}

static void spec_free(struct spec *sp)
{
    if (sp->has_re)
        regfree(&sp->re);
    sp->has_re = 0;
}

/* decimal - Pigeonhole's number: [+-]digits[(.|,)digits], at most 5 on
 * each side of the point; 0 or -1 */
static int decimal(const char *s, float *v)
{
    float sign = 1, x = 0, radix = .1f;
    int n = 0;

    if (*s == '\0')
        return -1;
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    for (; isdigit((unsigned char)*s); s++) {
        if (++n > 5)
            return -1;
        x = x * 10 + (float)(*s - '0');
    }
    if (*s == '.' || *s == ',') {
        for (s++, n = 0; isdigit((unsigned char)*s); s++) {
            if (++n > 5)
                return -1;
            x = x + (float)(*s - '0') * radix;
            radix /= 10;
        }
    }
    if (*s != '\0')
        return -1;
    *v = x * sign;
    return 0;
}

/* run_length - how many of one character the value is; -1 if mixed */
static int run_length(const char *s, float *v)
{
    size_t n = 0;

    while (s[n] && s[n] == s[0])
        n++;
    if (s[n])
        return -1;
    *v = (float)n;
    return 0;
}

/* extract - the header's value, or its regex's first group: 1, 0 when
 * there is none (absent, no match), -1 on error */
static int extract(const struct spec *sp,
                   int (*header)(void *, const char *, char *, size_t),
                   void *arg, char *buf, size_t cap)
{
    regmatch_t m[2];
    int rc = header(arg, sp->name, buf, cap);

    if (rc <= 0)
        return rc;
    if (!sp->has_re)
        return 1;
    if (regexec(&sp->re, buf, 2, m, 0) != 0 || m[1].rm_so < 0)
        return 0;
    memmove(buf, buf + m[1].rm_so, (size_t)(m[1].rm_eo - m[1].rm_so));
    buf[m[1].rm_eo - m[1].rm_so] = '\0';
    return 1;
}

/* ratio - the score over the maximum, clamped; -1: unusable */
static int ratio(const struct sv_spam_conf *c, int virus, int type,
                 const struct spec *status, const struct spec *maxh,
                 int (*header)(void *, const char *, char *, size_t),
                 void *arg, float *r)
{
    char buf[1024];
    float max, v;
    int rc, i, ntext = virus ? 5 : 10;

    *r = -1;
    if (type == T_TEXT)
        max = (float)ntext;
    else if (maxh) {
        if ((rc = extract(maxh, header, arg, buf, sizeof(buf))) <= 0)
            return rc;
        if (decimal(buf, &max) < 0)
            return 0;
    } else if (decimal(c->max_value, &max) < 0)
        return 0;
    if (max == 0)
        return 0;
    if ((rc = extract(status, header, arg, buf, sizeof(buf))) <= 0)
        return rc;
    switch (type) {
    case T_SCORE:
        if (decimal(buf, &v) < 0)
            return 0;
        break;
    case T_STRLEN:
        if (run_length(buf, &v) < 0)
            return 0;
        break;
    default:
        for (i = 0; i <= ntext; i++)
            if (c->text_value[i][0] && strcmp(buf, c->text_value[i]) == 0)
                break;
        if (i > ntext)
            return 0;
        v = (float)i;
        break;
    }
    *r = v < 0 ? 0 : v > max ? 1 : v / max;
    return 0;
}

int sv_spamtest_value(const struct sv_spam_conf *c, int virus, int percent,
                      int (*header)(void *arg, const char *name, char *buf,
                                    size_t cap),
                      void *arg, char *out, size_t cap)
{
    struct spec status, maxh;
    int type, rc = 0, score;
    float r = -1;

    snprintf(out, cap, "0");
    if (!c->status_header[0])
        return 0;               /* not configured */
    if (!c->status_type[0] || strcasecmp(c->status_type, "score") == 0)
        type = T_SCORE;
    else if (strcasecmp(c->status_type, "strlen") == 0)
        type = T_STRLEN;
    else if (strcasecmp(c->status_type, "text") == 0)
        type = T_TEXT;
    else
        return 0;
    /* a maximum from exactly one place, except for text */
    if (type != T_TEXT && !c->max_header[0] == !c->max_value[0])
        return 0;
    if (spec_parse(c->status_header, &status) < 0)
        return 0;
    if (type != T_TEXT && c->max_header[0]
        && spec_parse(c->max_header, &maxh) < 0) {
        spec_free(&status);
        return 0;
    }
    rc = ratio(c, virus, type, &status,
               type != T_TEXT && c->max_header[0] ? &maxh : NULL, header,
               arg, &r);
    spec_free(&status);
    if (type != T_TEXT && c->max_header[0])
        spec_free(&maxh);
    if (rc < 0 || r < 0)
        return rc;
    if (percent)
        score = (int)(r * 100 + 0.001);
    else if (virus)
        score = (int)(r * 4 + 1.001);
    else
        score = (int)(r * 9 + 1.001);
    snprintf(out, cap, "%d", score);
    return 0;
}

/* The tests' side: the first field of a name, decoded. */

struct first {
    char *buf;
    size_t cap;
    int found;
};

static int first_value(void *arg, const char *v, size_t len)
{
    struct first *f = arg;

    if (len >= f->cap)
        len = f->cap - 1;
    memcpy(f->buf, v, len);
    f->buf[len] = '\0';
    f->found = 1;
    return 1;
}

static int run_header(void *arg, const char *name, char *buf, size_t cap)
{
    struct first f = {buf, cap, 0};

    if (sv_header_each(arg, name, 1, first_value, &f) < 0)
        return -1;
    return f.found;
}

static int test(struct sv_run *r, const struct sv_node *n, int virus)
{
    const struct sieve_conf *conf = sv_conf(r);
    const char *text[SIEVE_MAX_TEXT_VALUES + 1];
    struct sv_spam_conf c;
    struct sv_match_ctx m;
    char value[16];
    int i;

    for (i = 0; i <= SIEVE_MAX_TEXT_VALUES; i++)
        text[i] = virus ? conf->virus_text_value[i]
            : conf->spam_text_value[i];
    c.status_type = virus ? conf->virus_status_type : conf->spam_status_type;
    c.status_header = virus ? conf->virus_status_header
        : conf->spam_status_header;
    c.max_header = virus ? conf->virus_max_header : conf->spam_max_header;
    c.max_value = virus ? conf->virus_max_value : conf->spam_max_value;
    c.text_value = text;
    if (sv_spamtest_value(&c, virus, !virus && sv_tag(n, "percent") != NULL,
                          run_header, r, value, sizeof(value)) < 0)
        return -1;
    sv_match_begin(&m, r, n, n->pos[0]);
    if (sv_match_value(&m, value, strlen(value)) < 0)
        return -1;
    return sv_match_end(&m);
}

int sv_test_spamtest(struct sv_run *r, const struct sv_node *n)
{
    return test(r, n, 0);
}

int sv_test_virustest(struct sv_run *r, const struct sv_node *n)
{
    return test(r, n, 1);
}
