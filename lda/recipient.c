/*
 * recipient.c - the recipient address, checked and split
 *
 * The local part and the domain become parts of a path (the maildir
 * template), so anything that could climb out of the Maildir base is
 * refused here with 5.1.3 (bad destination address syntax): "/", a
 * leading ".", "..", control characters.  Addresses are lower-cased:
 * mailbox names are case-insensitive in practice, as Postfix's "h" and
 * "u" pipe flags assume.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "recipient.h"

/* has_ctl - whether s holds a control character */
static int has_ctl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < ' ' || *s == 0x7f)
            return 1;
    return 0;
}

/* part_ok - whether one part may appear in a path */
static int part_ok(const char *s)
{
    return *s != '\0' && *s != '.' && strstr(s, "..") == NULL
        && strchr(s, '/') == NULL && !has_ctl(s);
}

/* lower - copy lower-cased; -1 if it does not fit */
static int lower(char *out, size_t cap, const char *in, size_t len)
{
    size_t i;

    if (len >= cap)
        return -1;
    for (i = 0; i < len; i++)
        out[i] = (char)tolower((unsigned char)in[i]);
    out[len] = '\0';
    return 0;
}

/* recipient_parse - split "local+ext@domain"; 5.1.3 when unsafe */
int recipient_parse(const char *arg, const char *delimiters,
                    struct recipient *r, struct status *st)
{
    size_t len = strlen(arg), llen, cut;
    const char *at;

    memset(r, 0, sizeof(*r));
    if (len >= 2 && arg[0] == '<' && arg[len - 1] == '>') {
        arg++;
        len -= 2;
    }
    if (lower(r->address, sizeof(r->address), arg, len) < 0)
        return status_set(st, "5.1.3", "recipient address too long");
    at = strrchr(r->address, '@');
    llen = at ? (size_t)(at - r->address) : len;
    if (lower(r->local, sizeof(r->local), r->address, llen) < 0
        || (at && lower(r->domain, sizeof(r->domain), at + 1,
                        strlen(at + 1)) < 0))
        return status_set(st, "5.1.3", "recipient address too long");
    /* The extension starts at the first delimiter, as in Postfix. */
    cut = strcspn(r->local, delimiters);
    if (*delimiters && cut > 0 && cut < llen) {
        snprintf(r->ext, sizeof(r->ext), "%s", r->local + cut + 1);
        r->local[cut] = '\0';
    }
    if (!part_ok(r->local) || (at && !part_ok(r->domain))
        || has_ctl(r->address))
        return status_set(st, "5.1.3", "bad recipient address '%s'",
                          part_ok(r->address) ? r->address : "(unsafe)");
    if (at)
        snprintf(r->user, sizeof(r->user), "%s@%s", r->local, r->domain);
    else
        snprintf(r->user, sizeof(r->user), "%s", r->local);
    snprintf(r->full, sizeof(r->full), "%s", r->address);
    return 0;
}

/* recipient_set_ext - an extension given apart (-e ${extension}) */
void recipient_set_ext(struct recipient *r, const char *ext,
                       const char *delimiters)
{
    char d = *delimiters ? *delimiters : '+';

    if (has_ctl(ext))
        return;                 /* never into a header or a name */
    snprintf(r->ext, sizeof(r->ext), "%s", ext);
    if (*r->domain)
        snprintf(r->full, sizeof(r->full), "%s%c%s@%s", r->local, d, ext,
                 r->domain);
    else
        snprintf(r->full, sizeof(r->full), "%s%c%s", r->local, d, ext);
}

/* recipient_matches - whether a header value names this recipient */
int recipient_matches(const struct recipient *r, const char *value)
{
    char buf[600], *end;
    size_t len;

    while (*value == ' ' || *value == '\t')
        value++;
    if (*value == '<')
        value++;
    len = strlen(value);
    if (len >= sizeof(buf))
        return 0;
    memcpy(buf, value, len + 1);
    end = buf + len;
    while (end > buf && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '>'))
        *--end = '\0';
    return strcasecmp(buf, r->address) == 0 || strcasecmp(buf, r->user) == 0
        || strcasecmp(buf, r->full) == 0;
}
