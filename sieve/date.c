/*
 * date.c - the date and currentdate tests (RFC 5260)
 *
 *   date [:zone <zone> / :originalzone] [COMPARATOR] [MATCH-TYPE]
 *        <header-name> <date-part> <key-list>
 *   currentdate [:zone <zone>] [COMPARATOR] [MATCH-TYPE]
 *        <date-part> <key-list>
 *
 * As Pigeonhole: only the first field of the name is looked at (a
 * Received field's date is after its last ';'); a field that is no
 * date-time makes the test false; without :zone the local zone is
 * used.  Parsing follows what Dovecot accepts: an optional day name
 * with a comma, 1-2 digit day, month name (its first three letters),
 * 2 or 4 digit year (2-digit: below 70 is 20xx), hh:mm[:ss] (60
 * seconds read as 59), a numeric zone, a named one (UT, GMT, the US
 * zones, military letters) or none (+0000); what follows is ignored.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "date.h"
#include "run.h"

static const char *const months[] = {"jan", "feb", "mar", "apr", "may",
    "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
static const char *const mon_names[] = {"Jan", "Feb", "Mar", "Apr", "May",
    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const day_names[] = {"Sun", "Mon", "Tue", "Wed", "Thu",
    "Fri", "Sat"};

/* days_from_civil - days since 1970-01-01 of a proleptic Gregorian date */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* civil_from_days - the inverse */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int mdays(int64_t y, int m)
{
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && leap(y) ? 29 : n[m - 1];
}

/* A cursor over the value: blanks and comments are skipped. */
struct cur {
    const char *p, *end;
};

static void skip_cfws(struct cur *c)
{
    int depth = 0;

    for (; c->p < c->end; c->p++) {
        if (*c->p == '(')
            depth++;
        else if (depth && *c->p == ')')
            depth--;
        else if (depth && *c->p == '\\' && c->p + 1 < c->end)
            c->p++;
        else if (!depth && !isspace((unsigned char)*c->p))
            break;
    }
}

/* digits - up to max digits: their count (*v the number) */
static int digits(struct cur *c, int max, int *v)
{
    int n = 0;

    *v = 0;
    while (c->p < c->end && n < max && isdigit((unsigned char)*c->p)) {
        *v = *v * 10 + (*c->p++ - '0');
        n++;
    }
    if (c->p < c->end && isdigit((unsigned char)*c->p))
        return -1;              /* too many */
    return n;
}

static size_t word(struct cur *c)
{
    size_t n = 0;

    while (c->p + n < c->end && isalpha((unsigned char)c->p[n]))
        n++;
    return n;
}

/* zone_name - a named zone (RFC 5322 4.3, case as written); 0 if none */
static int zone_name(const char *s, size_t n, int *minutes)
{
    static const struct {
        const char *name;
        int hours;
    } z[] = {{"UT", 0}, {"GMT", 0}, {"EST", -5}, {"EDT", -4}, {"CST", -6},
             {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8},
             {"PDT", -7}};
    size_t i;

    if (n == 1) {
        char l = s[0];
        /* military: A-I +1..+9, K-M +10..+12, N-Y -1..-12, Z and J 0 */
        if (l >= 'A' && l <= 'I')
            *minutes = (l - 'A' + 1) * 60;
        else if (l >= 'K' && l <= 'M')
            *minutes = (l - 'K' + 10) * 60;
        else if (l >= 'N' && l <= 'Y')
            *minutes = -(l - 'N' + 1) * 60;
        else
            *minutes = 0;
        return 1;
    }
    for (i = 0; i < sizeof(z) / sizeof(z[0]); i++)
        if (strlen(z[i].name) == n && memcmp(z[i].name, s, n) == 0) {
            *minutes = z[i].hours * 60;
            return 1;
        }
    *minutes = 0;               /* unknown names: +0000 */
    return 1;
}

int sv_date_parse(const char *s, size_t len, struct sv_date *d)
{
    struct cur c = {s, s + len};
    const char *semi = NULL, *q;
    int day, mon, year, hh, mm, ss = 0, n, zone = 0;
    size_t w;

    /* Received: the date-time follows the last ';' */
    for (q = s; q < s + len; q++)
        if (*q == ';')
            semi = q;
    if (semi)
        c.p = semi + 1;
    skip_cfws(&c);
    w = word(&c);
    if (w > 0) {                /* a day name, which a ',' must follow */
        c.p += w;
        skip_cfws(&c);
        if (c.p >= c.end || *c.p != ',')
            return -1;
        c.p++;
        skip_cfws(&c);
    }
    if ((n = digits(&c, 2, &day)) < 1 || day < 1)
        return -1;
    skip_cfws(&c);
    w = word(&c);
    if (w < 3)
        return -1;
    for (mon = 0; mon < 12; mon++)
        if (strncasecmp(c.p, months[mon], 3) == 0)
            break;
    if (mon == 12)
        return -1;
    mon++;
    c.p += w;
    skip_cfws(&c);
    n = digits(&c, 4, &year);
    if (n == 2)
        year += year < 70 ? 2000 : 1900;
    else if (n != 4)
        return -1;
    skip_cfws(&c);
    if (digits(&c, 2, &hh) != 2 || c.p >= c.end || *c.p != ':')
        return -1;
    c.p++;
    if (digits(&c, 2, &mm) != 2)
        return -1;
    if (c.p < c.end && *c.p == ':') {
        c.p++;
        if (digits(&c, 2, &ss) != 2)
            return -1;
    }
    if (hh > 23 || mm > 59 || ss > 60 || day > mdays(year, mon))
        return -1;
    if (ss == 60)
        ss = 59;
    skip_cfws(&c);
    if (c.p < c.end && (*c.p == '+' || *c.p == '-')) {
        int sign = *c.p == '-' ? -1 : 1, hhmm;
        struct cur z = {c.p + 1, c.end};

        if (digits(&z, 4, &hhmm) == 4)
            zone = sign * (hhmm / 100 * 60 + hhmm % 100);
    } else if ((w = word(&c)) > 0)
        zone_name(c.p, w, &zone);
    d->zone = zone;
    d->t = (days_from_civil(year, mon, day) * 86400 + hh * 3600 + mm * 60
            + ss) - (int64_t)zone * 60;
    return 0;
}

int sv_date_zone(const char *s, int *minutes)
{
    int i;

    if ((s[0] != '+' && s[0] != '-') || strlen(s) != 5)
        return -1;
    for (i = 1; i < 5; i++)
        if (!isdigit((unsigned char)s[i]))
            return -1;
    *minutes = ((s[1] - '0') * 10 + (s[2] - '0')) * 60
        + (s[3] - '0') * 10 + (s[4] - '0');
    if (s[0] == '-')
        *minutes = -*minutes;
    return 0;
}

int sv_date_local(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (!localtime_r(&tt, &tm))
        return 0;
    return (int)(tm.tm_gmtoff / 60);
}

int sv_date_part(int64_t t, int zone, const char *part, char *out,
                 size_t cap)
{
    int64_t l = t + (int64_t)zone * 60, days, y, sec;
    int m, d, hh, mi, ss, wd, az = zone < 0 ? -zone : zone;
    char zs = zone < 0 ? '-' : '+';

    days = (l >= 0 ? l : l - 86399) / 86400;
    sec = l - days * 86400;
    civil_from_days(days, &y, &m, &d);
    hh = (int)(sec / 3600);
    mi = (int)(sec / 60 % 60);
    ss = (int)(sec % 60);
    wd = (int)((days % 7 + 11) % 7);   /* 1970-01-01 was a Thursday */
    if (strcasecmp(part, "year") == 0)
        snprintf(out, cap, "%04lld", (long long)y);
    else if (strcasecmp(part, "month") == 0)
        snprintf(out, cap, "%02d", m);
    else if (strcasecmp(part, "day") == 0)
        snprintf(out, cap, "%02d", d);
    else if (strcasecmp(part, "date") == 0)
        snprintf(out, cap, "%04lld-%02d-%02d", (long long)y, m, d);
    else if (strcasecmp(part, "julian") == 0)   /* Modified Julian Day */
        snprintf(out, cap, "%lld", (long long)(days + 40587));
    else if (strcasecmp(part, "hour") == 0)
        snprintf(out, cap, "%02d", hh);
    else if (strcasecmp(part, "minute") == 0)
        snprintf(out, cap, "%02d", mi);
    else if (strcasecmp(part, "second") == 0)
        snprintf(out, cap, "%02d", ss);
    else if (strcasecmp(part, "time") == 0)
        snprintf(out, cap, "%02d:%02d:%02d", hh, mi, ss);
    else if (strcasecmp(part, "iso8601") == 0) {
        /* RFC 3339 as Pigeonhole writes it: "Z" for +0000 */
        int k = snprintf(out, cap, "%04lld-%02d-%02dT%02d:%02d:%02d",
                         (long long)y, m, d, hh, mi, ss);
        if (zone == 0)
            snprintf(out + k, cap - (size_t)k, "Z");
        else
            snprintf(out + k, cap - (size_t)k, "%c%02d:%02d", zs, az / 60,
                     az % 60);
    } else if (strcasecmp(part, "std11") == 0)
        snprintf(out, cap, "%s, %02d %s %04lld %02d:%02d:%02d %c%02d%02d",
                 day_names[wd], d, mon_names[m - 1], (long long)y, hh, mi,
                 ss, zs, az / 60, az % 60);
    else if (strcasecmp(part, "zone") == 0)
        snprintf(out, cap, "%c%02d%02d", zs, az / 60, az % 60);
    else if (strcasecmp(part, "weekday") == 0)
        snprintf(out, cap, "%d", wd);
    else
        return -1;
    return 0;
}

/* The test's side. */

struct first {
    char v[1024];
    int found;
};

static int first_value(void *arg, const char *v, size_t len)
{
    struct first *f = arg;

    if (len >= sizeof(f->v))
        len = sizeof(f->v) - 1;
    memcpy(f->v, v, len);
    f->v[len] = '\0';
    f->found = 1;
    return 1;
}

/* date_match - the part of t (NULL: no date) in the zone the node asks
 * for, matched: no date is no value, which only :count tells */
static int date_match(struct sv_run *r, const struct sv_node *n,
                      const int64_t *t, int orig_zone,
                      const struct sv_arg *partarg,
                      const struct sv_arg *keys)
{
    const struct sv_arg *za = sv_tag(n, "zone");
    struct sv_match_ctx m;
    char part[32], out[64];
    const char *s;
    size_t len;
    int zone;

    sv_match_begin(&m, r, n, keys);
    if (!t)
        return sv_match_end(&m);
    if (sv_tag(n, "originalzone"))
        zone = orig_zone;
    else if (za && za->type == SV_STR) {
        if (!(s = sv_string(r, za->v, 0, &len)))
            return -1;
        if (sv_date_zone(s, &zone) < 0)
            zone = sv_date_local(*t);   /* not a zone: as if none */
    } else
        zone = sv_date_local(*t);
    if (!(s = sv_string(r, partarg->v, 0, &len)))
        return -1;
    snprintf(part, sizeof(part), "%s", s);
    if (sv_date_part(*t, zone, part, out, sizeof(out)) < 0)
        return 0;               /* an unknown part: false, even :count */
    if (sv_match_value(&m, out, strlen(out)) < 0)
        return -1;
    return sv_match_end(&m);
}

int sv_test_date(struct sv_run *r, const struct sv_node *n)
{
    struct first f = {.found = 0};
    struct sv_date d;
    const char *name;
    size_t len;

    if (!(name = sv_string(r, n->pos[0]->v, 1, &len)))
        return -1;
    if (sv_header_each(r, name, 0, first_value, &f) < 0)
        return -1;
    if (!f.found || sv_date_parse(f.v, strlen(f.v), &d) < 0)
        return date_match(r, n, NULL, 0, n->pos[1], n->pos[2]);
    return date_match(r, n, &d.t, d.zone, n->pos[1], n->pos[2]);
}

int sv_test_currentdate(struct sv_run *r, const struct sv_node *n)
{
    int64_t now = (int64_t)sv_env(r)->now;

    return date_match(r, n, &now, sv_date_local(now), n->pos[0], n->pos[1]);
}
