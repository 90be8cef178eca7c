/*
 * actions.c - the actions a run decides, and the rules between them
 *
 * Actions are kept in execution order.  Storing twice into one folder
 * is one store, at the first one's place with the later one's flags;
 * redirecting twice to one address is one redirect (RFC 5228 2.10.3).
 * reject and ereject conflict with storing, redirecting and vacation,
 * and a second reject or vacation is an error, as in Pigeonhole.  The
 * limits (max_actions, max_redirects) count what is left after merging.
 * The implicit keep is added last, unless an explicit store into the
 * default folder already does its work.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "actions.h"

#define SV_DAY 86400ULL

void sv_act_clear(struct sieve_action *x)
{
    struct sieve_vacation *v = x->vacation;

    free(x->folder);
    sv_flags_free(x->flags, x->nflags);
    free(x->address);
    free(x->reason);
    if (v) {
        int j;

        free(v->subject);
        free(v->from);
        for (j = 0; j < v->naddresses; j++)
            free(v->addresses[j]);
        free(v->addresses);
        free(v->handle);
        free(v->reason);
        free(v->to);
        free(v);
    }
    memset(x, 0, sizeof(*x));
}

void sv_act_free(struct sv_actions *a)
{
    int i;

    for (i = 0; i < a->n; i++)
        sv_act_clear(&a->act[i]);
    free(a->act);
    free(a->node);
    free(a->flags);
    sv_globals_reset(a);
    memset(a, 0, sizeof(*a));
}

/* push - a new action of type t made by n (NULL: the implicit keep) */
static struct sieve_action *push(struct sv_run *r, const struct sv_node *n,
                                 enum sieve_action_type t)
{
    struct sv_actions *a = r->acts;
    struct sieve_action *x;

    if (a->n == a->cap) {
        int cap = a->cap ? a->cap * 2 : 8;
        struct sieve_action *act;
        const struct sv_node **node;

        act = realloc(a->act, (size_t)cap * sizeof(*act));
        if (act == NULL)
            return NULL;
        a->act = act;
        node = realloc(a->node, (size_t)cap * sizeof(*node));
        if (node == NULL)
            return NULL;
        a->node = node;
        a->cap = cap;
    }
    x = &a->act[a->n];
    memset(x, 0, sizeof(*x));
    x->type = t;
    if (r->script)
        snprintf(x->script, sizeof(x->script), "%s", r->script->name);
    x->line = n ? n->line : 0;
    a->node[a->n++] = n;
    return x;
}

/* name - how Pigeonhole names an action in its conflict messages */
static const char *name(const struct sieve_action *x)
{
    switch (x->type) {
    case SIEVE_KEEP:
        return "store";
    case SIEVE_REDIRECT:
        return "redirect";
    case SIEVE_REJECT:
        return "reject";
    case SIEVE_EREJECT:
        return "ereject";
    case SIEVE_VACATION:
        return "vacation";
    default:
        return "discard";
    }
}

/* error_at - a runtime error at the place of action i, as Pigeonhole
 * reports a conflict at the reject, whichever came first */
static int error_at(struct sv_run *r, int i, const char *text)
{
    const struct sieve_action *x = &r->acts->act[i];
    const struct sv_node *n = r->acts->node[i];

    snprintf(r->err->text, sizeof(r->err->text), "%s", text);
    snprintf(r->err->file, sizeof(r->err->file), "%s", x->script);
    r->err->line = n ? n->line : x->line;
    r->err->col = n ? n->col : 0;
    return -1;
}

static int is_reject(const struct sieve_action *x)
{
    return x->type == SIEVE_REJECT || x->type == SIEVE_EREJECT;
}

/*
 * conflict - may an action of type t made at n join the result?
 * 0, or -1 with the runtime error set.  Only the running script's
 * actions count: Pigeonhole checks each script of the sequence apart
 * (a store in sieve_before and a reject in the user's script both
 * happen).
 */
static int conflict(struct sv_run *r, const struct sv_node *n,
                    enum sieve_action_type t)
{
    struct sv_actions *a = r->acts;
    char text[sizeof(r->err->text)];
    int i;

    for (i = a->base; i < a->n; i++) {
        const struct sieve_action *x = &a->act[i];

        if (t == SIEVE_REJECT || t == SIEVE_EREJECT) {
            if (is_reject(x))
                return sv_error(r, n, "duplicate reject/ereject action not "
                                "allowed (previously triggered one was "
                                "here: %.200s: line %d)", x->script, x->line);
            if (x->type == SIEVE_KEEP || x->type == SIEVE_REDIRECT)
                return sv_error(r, n, "reject/ereject action conflicts with "
                                "other action: the %s action (%.200s: line "
                                "%d) tries to deliver the message", name(x),
                                x->script, x->line);
            if (x->type == SIEVE_VACATION)
                return sv_error(r, n, "reject/ereject action conflicts with "
                                "other action: the vacation action (%.200s: "
                                "line %d) also sends a response to the "
                                "sender", x->script, x->line);
        } else if (t == SIEVE_VACATION) {
            if (x->type == SIEVE_VACATION)
                return sv_error(r, n, "duplicate vacation action not "
                                "allowed (previously triggered one was "
                                "here: %.200s: line %d)", x->script, x->line);
            if (is_reject(x))
                return sv_error(r, n, "vacation action conflicts with other "
                                "action: the %s action (%.200s: line %d) also "
                                "sends a response back to the sender",
                                name(x), x->script, x->line);
        } else if (is_reject(x)) {
            snprintf(text, sizeof(text), "reject/ereject action conflicts "
                     "with other action: the %s action (%.200s: line %d) "
                     "tries to deliver the message",
                     t == SIEVE_KEEP ? "store" : "redirect",
                     r->script ? r->script->name : "", n ? n->line : 0);
            return error_at(r, i, text);
        }
    }
    return 0;
}

/* limits - max_actions and max_redirects, on the running script's
 * actions once merged */
static int limits(struct sv_run *r, const struct sv_node *n)
{
    const struct sieve_conf *c = r->conf;
    struct sv_actions *a = r->acts;
    uint64_t redirects = 0;
    int i;

    if (c->max_actions && (uint64_t)(a->n - a->base) > c->max_actions)
        return sv_error(r, n, "total number of actions exceeds policy "
                        "limit (%d > %llu)", a->n - a->base,
                        (unsigned long long)c->max_actions);
    for (i = a->base; i < a->n; i++)
        redirects += a->act[i].type == SIEVE_REDIRECT;
    if (c->max_redirects && redirects > c->max_redirects)
        return sv_error(r, n, "number of redirect actions exceeds policy "
                        "limit (%llu > %llu)", (unsigned long long)redirects,
                        (unsigned long long)c->max_redirects);
    return 0;
}

static const char *default_folder(const struct sv_run *r)
{
    const char *f = r->env->default_folder;

    return f && *f ? f : "INBOX";
}

/* same_folder - IMAP's INBOX is so in any case; other names as written */
static int same_folder(const char *x, const char *y)
{
    if (strcasecmp(x, "INBOX") == 0 && strcasecmp(y, "INBOX") == 0)
        return 1;
    return strcmp(x, y) == 0;
}

/* store - keep or fileinto: folder's copy gets flags (taken over) */
static int store(struct sv_run *r, const struct sv_node *n,
                 const char *folder, int create, int copy, char **flags,
                 int nflags)
{
    struct sv_actions *a = r->acts;
    struct sieve_action *x = NULL;
    int i;

    if (conflict(r, n, SIEVE_KEEP) < 0)
        goto fail;
    for (i = 0; i < a->n; i++)
        if (a->act[i].type == SIEVE_KEEP &&
            same_folder(a->act[i].folder, folder)) {
            x = &a->act[i];
            break;
        }
    if (x) {
        /* one store: the first one's place, the later one's flags */
        sv_flags_free(x->flags, x->nflags);
        x->create |= create;
    } else {
        x = push(r, n, SIEVE_KEEP);
        if (x == NULL || (x->folder = strdup(folder)) == NULL) {
            if (x)
                a->n--;
            sv_flags_free(flags, nflags);
            return sv_oom(r, n);
        }
        x->create = create;
    }
    x->flags = flags;
    x->nflags = nflags;
    if (!copy)
        a->keep = 0;
    return limits(r, n);
fail:
    sv_flags_free(flags, nflags);
    return -1;
}

int sv_cmd_keep(struct sv_run *r, const struct sv_node *n)
{
    char **flags = NULL;
    int nflags = 0;

    if (sv_flags_of(r, n, &flags, &nflags) < 0)
        return -1;
    /* keep leaves the implicit keep in effect: the two are one store */
    return store(r, n, default_folder(r), 0, 1, flags, nflags);
}

int sv_cmd_discard(struct sv_run *r, const struct sv_node *n)
{
    r->acts->keep = 0;
    r->acts->discard_script = r->script;
    r->acts->discard_line = n->line;
    return 0;
}

/* utf8_valid - s[0..len) is well-formed UTF-8 (RFC 3629) */
static int utf8_valid(const unsigned char *s, size_t len)
{
    size_t i = 0, k, n;
    uint32_t c;

    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        if (s[i] >= 0xc2 && s[i] <= 0xdf) {
            n = 1;
            c = s[i] & 0x1f;
        } else if (s[i] >= 0xe0 && s[i] <= 0xef) {
            n = 2;
            c = s[i] & 0x0f;
        } else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
            n = 3;
            c = s[i] & 0x07;
        } else {
            return 0;
        }
        if (len - i <= n)
            return 0;
        for (k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            c = c << 6 | (s[i + k] & 0x3f);
        }
        if ((n == 2 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
            (n == 3 && (c < 0x10000 || c > 0x10ffff)))
            return 0;
        i += n + 1;
    }
    return 1;
}

/*
 * sv_cmd_fileinto - the folder as written: the delivery maps it and
 * falls back to INBOX when it cannot be made.  Only a name that is not
 * UTF-8 is an error here (RFC 5228 2.7.2, as Pigeonhole checks it).
 */
int sv_cmd_fileinto(struct sv_run *r, const struct sv_node *n)
{
    char **flags = NULL, *folder;
    const char *s;
    size_t len;
    int nflags = 0, rc;

    if (n->npos < 1 || sv_list_count(n->pos[0]) < 1)
        return sv_error(r, n, "fileinto: no folder");
    s = sv_string(r, &n->pos[0]->v[0], 0, &len);
    if (s == NULL)
        return -1;
    if (!utf8_valid((const unsigned char *)s, len))
        return sv_error(r, n, "fileinto command: invalid folder name '%s' "
                        "specified: invalid utf-8", s);
    /* INBOX is the one name IMAP reads in any case (RFC 3501 5.1) */
    folder = strdup(strcasecmp(s, "INBOX") == 0 ? "INBOX" : s);
    if (folder == NULL)
        return sv_oom(r, n);
    if (sv_flags_of(r, n, &flags, &nflags) < 0) {
        free(folder);
        return -1;
    }
    rc = store(r, n, folder, sv_tag(n, "create") != NULL,
               sv_tag(n, "copy") != NULL, flags, nflags);
    free(folder);
    return rc;
}

/* same_address - local parts as written, domains in any case */
static int same_address(const char *x, const char *y)
{
    const char *ax = strrchr(x, '@'), *ay = strrchr(y, '@');

    if (ax == NULL || ay == NULL)
        return strcmp(x, y) == 0;
    return ax - x == ay - y && strncmp(x, y, (size_t)(ax - x)) == 0 &&
        strcasecmp(ax, ay) == 0;
}

/* valid_address - a redirect's address: local@domain, nothing in it
 * that sendmail could take for an option or a second address */
static int valid_address(const char *s)
{
    const char *at = strrchr(s, '@');

    if (*s == '\0' || *s == '-' || at == NULL || at == s || at[1] == '\0')
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || *s == 0x7f || *s == '<' ||
            *s == '>' || *s == ',' || *s == '"')
            return 0;
    return 1;
}

/*
 * redirect_address - the address a redirect names, as Pigeonhole reads
 * it: blanks around it dropped, "Name <local@domain>" and <local@domain>
 * as local@domain; NULL (errno 0) when it is not one such address,
 * NULL (errno ENOMEM) when out of memory
 */
static char *redirect_address(const char *s)
{
    const char *b = s, *e = s + strlen(s), *lt = strchr(s, '<'), *gt;
    char *c;

    errno = 0;
    if (lt) {
        gt = strchr(lt, '>');
        if (gt == NULL || gt[1 + strspn(gt + 1, " \t")] != '\0')
            return NULL;
        b = lt + 1;
        e = gt;
    }
    while (b < e && (*b == ' ' || *b == '\t'))
        b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    c = strndup(b, (size_t)(e - b));
    if (c == NULL)
        return NULL;
    if (!valid_address(c)) {
        free(c);
        errno = 0;
        return NULL;
    }
    return c;
}

int sv_cmd_redirect(struct sv_run *r, const struct sv_node *n)
{
    struct sv_actions *a = r->acts;
    struct sieve_action *x;
    const char *s;
    char *addr;
    size_t len;
    int i;

    if (n->npos < 1 || sv_list_count(n->pos[0]) < 1)
        return sv_error(r, n, "redirect: no address");
    s = sv_string(r, &n->pos[0]->v[0], 0, &len);
    if (s == NULL)
        return -1;
    addr = redirect_address(s);
    if (addr == NULL)
        return errno ? sv_oom(r, n) : sv_error(r, n, "specified redirect "
                                               "address '%s' is invalid", s);
    if (conflict(r, n, SIEVE_REDIRECT) < 0) {
        free(addr);
        return -1;
    }
    if (sv_tag(n, "copy") == NULL)
        a->keep = 0;
    for (i = 0; i < a->n; i++)
        if (a->act[i].type == SIEVE_REDIRECT &&
            same_address(a->act[i].address, addr)) {
            free(addr);
            return 0;
        }
    x = push(r, n, SIEVE_REDIRECT);
    if (x == NULL) {
        free(addr);
        return sv_oom(r, n);
    }
    x->address = addr;
    return limits(r, n);
}

/* sv_cmd_reject - reject and ereject (RFC 5429): the reason as given */
int sv_cmd_reject(struct sv_run *r, const struct sv_node *n)
{
    enum sieve_action_type t =
        n->def->id == SV_EREJECT ? SIEVE_EREJECT : SIEVE_REJECT;
    struct sieve_action *x;
    const char *s;
    size_t len;

    if (n->npos < 1 || sv_list_count(n->pos[0]) < 1)
        return sv_error(r, n, "%s: no reason", n->name);
    s = sv_string(r, &n->pos[0]->v[0], 0, &len);
    if (s == NULL)
        return -1;
    if (conflict(r, n, t) < 0)
        return -1;
    x = push(r, n, t);
    if (x == NULL || (x->reason = strdup(s)) == NULL) {
        if (x)
            r->acts->n--;
        return sv_oom(r, n);
    }
    r->acts->keep = 0;
    return limits(r, n);
}

/* tag_string - a copy of the tag's string value expanded; NULL and *set
 * 0 when absent, NULL and *set 1 on failure */
static char *tag_string(struct sv_run *r, const struct sv_node *n,
                        const char *tag, int *fail)
{
    const struct sv_arg *t = sv_tag(n, tag);
    const char *s;
    char *c;
    size_t len;

    if (t == NULL || sv_list_count(t) < 1)
        return NULL;
    s = sv_string(r, &t->v[0], 0, &len);
    if (s == NULL) {
        *fail = 1;
        return NULL;
    }
    c = strdup(s);
    if (c == NULL) {
        sv_oom(r, n);
        *fail = 1;
    }
    return c;
}

/* period - :days or :seconds, or the default; within min and max */
static uint64_t period(const struct sv_run *r, const struct sv_node *n)
{
    const struct sieve_conf *c = r->conf;
    const struct sv_arg *t;
    uint64_t p = c->vacation_default_period;

    if ((t = sv_tag(n, "days")) != NULL)
        p = t->num > UINT64_MAX / SV_DAY ? UINT64_MAX : t->num * SV_DAY;
    else if ((t = sv_tag(n, "seconds")) != NULL)
        p = t->num;
    if (p < c->vacation_min_period)
        p = c->vacation_min_period;
    if (c->vacation_max_period && p > c->vacation_max_period)
        p = c->vacation_max_period;
    return p;
}

/* vacation_addresses - :addresses, expanded */
static int vacation_addresses(struct sv_run *r, const struct sv_node *n,
                              struct sieve_vacation *v)
{
    const struct sv_arg *t = sv_tag(n, "addresses");
    int i, cnt = sv_list_count(t);

    if (cnt == 0)
        return 0;
    v->addresses = calloc((size_t)cnt, sizeof(*v->addresses));
    if (v->addresses == NULL)
        return sv_oom(r, n);
    for (i = 0; i < cnt; i++) {
        size_t len;
        const char *s = sv_string(r, &t->v[i], 0, &len);

        if (s == NULL)
            return -1;
        v->addresses[i] = strdup(s);
        if (v->addresses[i] == NULL)
            return sv_oom(r, n);
        v->naddresses++;
    }
    return 0;
}

int sv_cmd_vacation(struct sv_run *r, const struct sv_node *n)
{
    struct sieve_vacation *v;
    struct sieve_action *x;
    const char *s;
    size_t len;
    int fail = 0;

    if (n->npos < 1 || sv_list_count(n->pos[0]) < 1)
        return sv_error(r, n, "vacation: no reason");
    if (conflict(r, n, SIEVE_VACATION) < 0)
        return -1;
    v = calloc(1, sizeof(*v));
    if (v == NULL)
        return sv_oom(r, n);
    v->period = period(r, n);
    v->mime = sv_tag(n, "mime") != NULL;
    v->subject = tag_string(r, n, "subject", &fail);
    if (!fail)
        v->from = tag_string(r, n, "from", &fail);
    if (!fail)
        v->handle = tag_string(r, n, "handle", &fail);
    if (!fail && vacation_addresses(r, n, v) < 0)
        fail = 1;
    if (!fail) {
        s = sv_string(r, &n->pos[0]->v[0], 0, &len);
        if (s == NULL)
            fail = 1;
        else if ((v->reason = strdup(s)) == NULL ||
                 (v->to = strdup(r->env->from ? r->env->from : "")) == NULL)
            fail = sv_oom(r, n);
    }
    x = fail ? NULL : push(r, n, SIEVE_VACATION);
    if (x == NULL) {
        struct sieve_action tmp = { .vacation = v };

        sv_act_clear(&tmp);
        return fail ? -1 : sv_oom(r, n);
    }
    x->vacation = v;
    return limits(r, n);
}

/* exists - a folder for mailboxexists: INBOX always; the others as the
 * delivery says, none when it cannot tell */
static int exists(const struct sv_run *r, const char *folder)
{
    const struct sieve_env *e = r->env;

    if (strcasecmp(folder, "INBOX") == 0)
        return 1;
    if (e->mailbox_exists == NULL)
        return 0;
    return e->mailbox_exists(e->arg, folder) > 0;
}

/* sv_test_mailboxexists - RFC 5490: true when every folder exists */
int sv_test_mailboxexists(struct sv_run *r, const struct sv_node *n)
{
    const struct sv_arg *l = n->npos > 0 ? n->pos[0] : NULL;
    int i, cnt = sv_list_count(l);

    for (i = 0; i < cnt; i++) {
        size_t len;
        const char *s = sv_string(r, &l->v[i], 0, &len);

        if (s == NULL)
            return -1;
        if (!exists(r, s))
            return 0;
    }
    return 1;
}

int sv_act_finish(struct sv_run *r, const struct sieve_script *last)
{
    struct sv_actions *a = r->acts;
    const char *folder = default_folder(r);
    struct sieve_action *x;
    char **flags = NULL;
    int i, nflags = 0;

    if (a->keep) {
        for (i = 0; i < a->n; i++)
            if (a->act[i].type == SIEVE_KEEP &&
                same_folder(a->act[i].folder, folder))
                break;
        if (i == a->n) {
            if (a->flags && sv_flags_split(a->flags, &flags, &nflags) < 0)
                return sv_oom(r, NULL);
            x = push(r, NULL, SIEVE_KEEP);
            if (x == NULL || (x->folder = strdup(folder)) == NULL) {
                if (x)
                    a->n--;
                sv_flags_free(flags, nflags);
                return sv_oom(r, NULL);
            }
            x->implicit = 1;
            x->flags = flags;
            x->nflags = nflags;
            snprintf(x->script, sizeof(x->script), "%s",
                     last ? last->name : "");
        }
    }
    if (a->n == 0) {
        /* only a discard empties the result: it is where that was */
        x = push(r, NULL, SIEVE_DISCARD);
        if (x == NULL)
            return sv_oom(r, NULL);
        if (a->discard_script)
            snprintf(x->script, sizeof(x->script), "%s",
                     a->discard_script->name);
        x->line = a->discard_line;
    }
    return 0;
}
