/*
 * address.c - the address and envelope tests (RFC 5228 5.1, 5.4) and
 * address parts, subaddress included (RFC 5233)
 *
 * Header values are parsed as address lists by event/addr.c (groups
 * give their members, comments and display names are dropped).  As in
 * Pigeonhole: an address needs a local part and a domain; a non-empty
 * value holding none (a bare group "undisclosed-recipients:;", a word
 * without "@") is matched whole with :all and gives nothing for the
 * other parts; an empty value is "" for every part.  Up to ADDR_MAX
 * addresses of one value are seen (Pigeonhole parses 256 too).
 *
 * Parts: :localpart is what precedes the last "@", unquoted; :domain
 * what follows it; :user and :detail split the local part at the first
 * of the recipient_delimiter characters, and an address without one
 * has no detail (RFC 5233 4: the test is false for it, even for "").
 * The envelope's null sender is "" for every part (RFC 5228 5.4); its
 * "to" is the original recipient when there is one, as Pigeonhole's.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eval.h"
#include "../event/addr.h"

#define ADDR_MAX 256

/* Headers the address test accepts (Pigeonhole's list, RFC 5228 5.1). */
static const char *const allowed[] = {
    "from", "to", "cc", "bcc", "sender", "resent-from", "resent-to",
    "reply-to", "resent-reply-to", "resent-sender", "resent-cc",
    "resent-bcc", "for-approval", "for-handling", "for-comment",
    "apparently-to", "errors-to", "delivered-to", "return-receipt-to",
    "x-admin", "read-receipt-to", "x-confirm-reading-to",
    "return-receipt-requested", "registered-mail-reply-requested-by",
    "mail-followup-to", "mail-reply-to", "abuse-reports-to",
    "x-complaints-to", "x-report-abuse-to", "x-beenthere",
    "x-original-to", NULL
};

/* sv_address_header_ok - whether the address test may name this header */
int sv_address_header_ok(const char *name)
{
    int i;

    for (i = 0; allowed[i] != NULL; i++)
        if (strcasecmp(allowed[i], name) == 0)
            return 1;
    return 0;
}

/* One address or envelope test's walk over addresses. */
struct awalk {
    struct sv_match_ctx m;
    struct sv_run *r;
    enum sv_part part;
    const char *delim;
    struct addr *list;          /* ADDR_MAX entries, made on first use */
    int rc;                     /* 1 decided, -1 error */
};

/* give - one string to the match */
static int give(struct awalk *w, const char *s, size_t len)
{
    w->rc = sv_match_value(&w->m, s, len);
    return w->rc != 0;
}

/* unquote - a local part without its quoting ("a b" -> a b) into out */
static size_t unquote(const char *s, size_t len, char *out)
{
    size_t i, o = 0;

    if (len < 2 || s[0] != '"' || s[len - 1] != '"') {
        memcpy(out, s, len);
        return len;
    }
    for (i = 1; i + 1 < len; i++) {
        if (s[i] == '\\' && i + 2 < len)
            i++;
        out[o++] = s[i];
    }
    return o;
}

/* dot_atom - whether s[0..len) is a dot-atom (RFC 5322 3.2.3) */
static int dot_atom(const char *s, size_t len)
{
    size_t i;

    if (len == 0 || s[0] == '.' || s[len - 1] == '.')
        return 0;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '.' ? s[i + 1] == '.'
            : c <= ' ' || c >= 0x7f || strchr("()<>[]:;@\\,\"", c) != NULL)
            return 0;
    }
    return 1;
}

/* give_all - the address whole, a local part quoted for no reason
 * without its quotes ("joe"@x.org is joe@x.org, as Pigeonhole gives) */
static int give_all(struct awalk *w, const char *a, const char *at)
{
    char buf[ADDR_ADDRESS_MAX];
    size_t llen;

    if (at == NULL || a[0] != '"')
        return give(w, a, strlen(a));
    llen = unquote(a, (size_t)(at - a), buf);
    if (!dot_atom(buf, llen) || llen + strlen(at) >= sizeof(buf))
        return give(w, a, strlen(a));
    memcpy(buf + llen, at, strlen(at) + 1);
    return give(w, buf, strlen(buf));
}

/*
 * give_part - the walk's part of address a (local@domain, or a local
 * part alone from the envelope) to the match; nothing when a has no
 * such part
 */
static int give_part(struct awalk *w, const char *a)
{
    char local[ADDR_ADDRESS_MAX];
    const char *at = strrchr(a, '@');
    size_t llen, cut;

    if (w->part == SV_ALL)
        return give_all(w, a, at);
    if (w->part == SV_DOMAIN)
        return at != NULL ? give(w, at + 1, strlen(at + 1)) : 0;
    llen = at != NULL ? (size_t)(at - a) : strlen(a);
    if (llen >= sizeof(local))
        llen = sizeof(local) - 1;
    llen = unquote(a, llen, local);
    local[llen] = '\0';
    if (w->part == SV_LOCALPART)
        return give(w, local, llen);
    cut = *w->delim != '\0' ? strcspn(local, w->delim) : llen;
    if (w->part == SV_USER)
        return give(w, local, cut);
    if (cut == llen)
        return 0;               /* no detail: RFC 5233 4 */
    return give(w, local + cut + 1, llen - cut - 1);
}

/* valid - an address with a local part and a domain */
static int valid(const char *a)
{
    const char *at = strrchr(a, '@');

    return at != NULL && at != a && at[1] != '\0';
}

/* addr_value - a header value: its addresses' parts to the match */
static int addr_value(void *arg, const char *value, size_t len)
{
    struct awalk *w = arg;
    int i, n, good = 0;

    if (len == 0)
        return give(w, "", 0);
    if (w->list == NULL) {
        w->list = malloc(ADDR_MAX * sizeof(*w->list));
        if (w->list == NULL) {
            w->rc = sv_error(w->r, w->m.n, "address: out of memory");
            return 1;
        }
    }
    n = addr_parse_list(value, w->list, ADDR_MAX);
    for (i = 0; i < n; i++) {
        if (!valid(w->list[i].address))
            continue;
        good++;
        if (give_part(w, w->list[i].address))
            return 1;
    }
    if (good == 0 && w->part == SV_ALL)
        return give(w, value, len);     /* not an address list: as is */
    return 0;
}

/* walk_init - start a walk for test n */
static void walk_init(struct awalk *w, struct sv_run *r,
                      const struct sv_node *n)
{
    memset(w, 0, sizeof(*w));
    w->r = r;
    w->part = n->part;
    w->delim = r->conf != NULL ? r->conf->delimiter : "+";
    sv_match_begin(&w->m, r, n, n->pos[1]);
}

/* nstrings - how many strings a string or string-list argument holds */
static int nstrings(const struct sv_arg *a)
{
    if (a == NULL || a->v == NULL)
        return 0;
    return a->type == SV_STR ? 1 : a->n;
}

/*
 * sv_test_address - address [ADDRESS-PART] [COMPARATOR] [MATCH-TYPE]
 * <headers> <keys> (RFC 5228 5.1)
 */
int sv_test_address(struct sv_run *r, const struct sv_node *n)
{
    struct awalk w;
    const char *name;
    size_t len;
    int i, rc = 0;

    if (n->npos < 2)
        return sv_error(r, n, "address: missing arguments");
    walk_init(&w, r, n);
    for (i = 0; i < nstrings(n->pos[0]) && w.rc == 0 && rc == 0; i++) {
        name = sv_string(r, &n->pos[0]->v[i], 0, &len);
        rc = sv_header_each(r, name, 0, addr_value, &w);
    }
    free(w.list);
    if (rc < 0 || w.rc < 0)
        return -1;
    return sv_match_end(&w.m);
}

/*
 * sv_test_envelope - envelope [ADDRESS-PART] [COMPARATOR] [MATCH-TYPE]
 * <parts> <keys> (RFC 5228 5.4): "from" is the sender ("" for <>), "to"
 * the original recipient when the delivery knows one (LMTP's ORCPT,
 * lda -a), else the recipient: Pigeonhole's choice, the address the
 * sender wrote (RFC 5228 5.4 lets either be); other parts have no value
 */
int sv_test_envelope(struct sv_run *r, const struct sv_node *n)
{
    struct awalk w;
    const char *part, *a;
    size_t len;
    int i;

    if (n->npos < 2)
        return sv_error(r, n, "envelope: missing arguments");
    walk_init(&w, r, n);
    for (i = 0; i < nstrings(n->pos[0]) && w.rc == 0; i++) {
        part = sv_string(r, &n->pos[0]->v[i], 0, &len);
        if (strcasecmp(part, "from") == 0)
            a = r->env != NULL ? r->env->from : NULL;
        else if (strcasecmp(part, "to") == 0)
            a = r->env == NULL ? NULL
                : r->env->orig_to != NULL && *r->env->orig_to != '\0'
                ? r->env->orig_to : r->env->to;
        else
            continue;
        if (a == NULL)
            continue;
        if (*a == '\0')
            give(&w, "", 0);    /* the null sender, whatever the part */
        else
            give_part(&w, a);
    }
    if (w.rc < 0)
        return -1;
    return sv_match_end(&w.m);
}
