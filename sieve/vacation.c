/*
 * vacation.c - the vacation action carried out (RFC 5230, RFC 3834)
 *
 * The rules are Pigeonhole's, checked when the action is carried out,
 * in this order; the first that holds suppresses the reply (return 1,
 * st->text saying which):
 *   - the envelope sender is <>, or the recipient is;
 *   - the sender is the user's own address (recipient, original
 *     recipient, one of :addresses);
 *   - the sender is a system address (RFC 5230 4.6): local part
 *     MAILER-DAEMON, LISTSERV or majordomo, holding "-request" or
 *     starting with "owner-";
 *   - a mailing list's header field is there: List-Id, List-Owner,
 *     List-Subscribe, List-Post, List-Unsubscribe, List-Help,
 *     List-Archive (RFC 2919, RFC 2369);
 *   - Auto-Submitted is there with a value other than "no" (RFC 3834);
 *   - Precedence is bulk, list or junk;
 *   - X-Auto-Response-Suppress holds All or OOF (Microsoft's);
 *   - none of the user's addresses is in To, Cc, Bcc, Resent-To,
 *     Resent-Cc or Resent-Bcc (RFC 5230 4.5): a message that reached
 *     the user by Bcc, or through an alias or a list, is not answered;
 *   - the sender was answered with this handle within the period.
 * Addresses compare whole and case-insensitively, as Pigeonhole's.
 *
 * The reply (RFC 5230 section 5) goes to the envelope sender with a
 * null return path (sendmail -f <>: Pigeonhole's default,
 * sieve_vacation_send_from_recipient = no).  Its From: is :from, else
 * the user's address that was found in the message; its To: the
 * sender, with the display name of a Sender, Resent-From or From field
 * of that address; its Subject: :subject, else "Auto: " and the
 * original's (decoded), else "Automated reply", RFC 2047 encoded when
 * not ASCII; In-Reply-To and References from the original's;
 * Auto-Submitted: auto-replied (vacation), Precedence: bulk and
 * X-Auto-Response-Suppress: All, as Pigeonhole sends.  The reason is
 * text/plain UTF-8 (8bit, or quoted-printable when a line is over
 * 998 bytes) or, with :mime, a MIME entity as written.
 *
 * Whom was answered is kept in DIR/lda-vacation (sent.c), keyed by
 * the sender (in lower case) and the handle: :handle, or else reason,
 * :subject, :from and :mime as RFC 5230 4.2 says, each counted.  The
 * answer is remembered only after sendmail took the reply.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../event/addr.h"
#include "../event/rfc2047.h"
#include "../util/log.h"
#include "compose.h"
#include "eval.h"
#include "send.h"

#define VAC_FILE "lda-vacation"
#define VAC_SUBJECT_CHARS 256   /* code points of a Subject kept */
#define VAC_LINE_MAX 998        /* RFC 5322 2.1.1 */
#define VAC_MAX_PERIOD (100ULL * 366 * 86400)   /* "no limit" */

/* not_sent - a rule held: 1 with st saying which */
__attribute__((format(printf, 2, 3)))
static int not_sent(struct status *st, const char *fmt, ...)
{
    va_list ap;
    int n;

    snprintf(st->code, sizeof(st->code), "2.0.0");
    n = snprintf(st->text, sizeof(st->text), "not sent: ");
    va_start(ap, fmt);
    vsnprintf(st->text + n, sizeof(st->text) - (size_t)n, fmt, ap);
    va_end(ap);
    return 1;
}

/* same_address - a and b are the same address (case-insensitive) */
static int same_address(const char *a, const char *b)
{
    return a != NULL && b != NULL && a[0] && strcasecmp(a, b) == 0;
}

/* is_system - an address that only software reads (RFC 5230 4.6) */
static int is_system(const char *addr)
{
    static const char *const names[] = {"mailer-daemon", "listserv",
                                        "majordomo", NULL};
    const char *at = strrchr(addr, '@');
    size_t n = at ? (size_t)(at - addr) : strlen(addr);
    char local[ADDR_ADDRESS_MAX];
    int i;

    if (n >= sizeof(local))
        n = sizeof(local) - 1;
    for (i = 0; (size_t)i < n; i++)
        local[i] = (char)tolower((unsigned char)addr[i]);
    local[n] = '\0';
    for (i = 0; names[i]; i++)
        if (strcmp(local, names[i]) == 0)
            return 1;
    return strstr(local, "-request") != NULL
        || strncmp(local, "owner-", 6) == 0;
}

/* The header values a check collects. */
struct values {
    char **v;
    int n;
    int failed;
};

/* collect - keep a copy of each value, controls turned to blanks */
static int collect(void *arg, const char *value, size_t len)
{
    struct values *vs = arg;
    char **v, *c;
    size_t i;

    if (vs->failed)
        return 0;
    if ((v = realloc(vs->v, sizeof(*v) * (size_t)(vs->n + 1))) == NULL
        || (c = malloc(len + 1)) == NULL) {
        if (v != NULL)
            vs->v = v;
        vs->failed = 1;
        return 0;
    }
    vs->v = v;
    for (i = 0; i < len; i++)
        c[i] = (unsigned char)value[i] < ' ' ? ' ' : value[i];
    c[len] = '\0';
    vs->v[vs->n++] = c;
    return 0;
}

static void values_free(struct values *vs)
{
    int i;

    for (i = 0; i < vs->n; i++)
        free(vs->v[i]);
    free(vs->v);
    memset(vs, 0, sizeof(*vs));
}

/* One delivery's vacation, while it is decided and made. */
struct vac {
    const struct sieve_send *s;
    const struct sieve_vacation *v;
    struct sv_msg *m;
    const char *sender;
    const char *mine;           /* the user's address found in the message */
    int failed;                 /* out of memory or a read failed */
};

/* header - the values of the fields name (decoded or raw) into vs */
static int header(struct vac *x, const char *name, int decode,
                  struct values *vs)
{
    memset(vs, 0, sizeof(*vs));
    if (sv_msg_header_each(x->m, name, decode, collect, vs) < 0
        || vs->failed) {
        values_free(vs);
        x->failed = 1;
        return -1;
    }
    return vs->n;
}

/* trimmed - the first token of a value: blanks and a comment or
 * parameters after it dropped, into out */
static void first_token(const char *v, char *out, size_t cap)
{
    size_t n = 0;

    while (*v == ' ' || *v == '\t')
        v++;
    while (*v && *v != ' ' && *v != '\t' && *v != ';' && *v != '('
           && *v != ',' && n + 1 < cap)
        out[n++] = *v++;
    out[n] = '\0';
}

/* list_rule - a header field that makes the reply wrong; NULL if none */
static int header_rules(struct vac *x, struct status *st)
{
    static const char *const lists[] = {"List-Id", "List-Owner",
        "List-Subscribe", "List-Post", "List-Unsubscribe", "List-Help",
        "List-Archive", NULL};
    struct values vs;
    char tok[64];
    int i, j, rc = 0;

    for (i = 0; lists[i]; i++) {
        if ((j = header(x, lists[i], 0, &vs)) < 0)
            return -1;
        values_free(&vs);
        if (j > 0)
            return not_sent(st, "sender is a mailing list (%s)", lists[i]);
    }
    if (header(x, "Auto-Submitted", 0, &vs) < 0)
        return -1;
    for (j = 0; j < vs.n && !rc; j++) {
        first_token(vs.v[j], tok, sizeof(tok));
        if (strcasecmp(tok, "no") != 0)
            rc = not_sent(st, "message is auto-submitted (%s)", tok);
    }
    values_free(&vs);
    if (rc || header(x, "Precedence", 0, &vs) < 0)
        return rc ? rc : -1;
    for (j = 0; j < vs.n && !rc; j++) {
        first_token(vs.v[j], tok, sizeof(tok));
        if (strcasecmp(tok, "bulk") == 0 || strcasecmp(tok, "list") == 0
            || strcasecmp(tok, "junk") == 0)
            rc = not_sent(st, "message has Precedence: %s", tok);
    }
    values_free(&vs);
    if (rc || header(x, "X-Auto-Response-Suppress", 0, &vs) < 0)
        return rc ? rc : -1;
    for (j = 0; j < vs.n && !rc; j++) {
        const char *p = vs.v[j];

        while (*p && !rc) {
            p += strspn(p, " \t,");
            first_token(p, tok, sizeof(tok));
            if (strcasecmp(tok, "All") == 0 || strcasecmp(tok, "OOF") == 0)
                rc = not_sent(st, "message has X-Auto-Response-Suppress: "
                              "%s", tok);
            p += strcspn(p, ",");
        }
    }
    values_free(&vs);
    return rc;
}

/* parse_list - the addresses of a header value, as many as it has */
static struct addr *parse_list(const char *value, int *n)
{
    int max = 1;
    const char *p;
    struct addr *a;

    for (p = value; *p; p++)
        max += *p == '@';
    if ((a = calloc((size_t)max, sizeof(*a))) == NULL)
        return NULL;
    *n = addr_parse_list(value, a, max);
    return a;
}

/* find_mine - which of the user's addresses the message names in its
 * To, Cc, Bcc, Resent-To, Resent-Cc or Resent-Bcc: 1 (x->mine set), 0
 * none, -1 on a failure */
static int find_mine(struct vac *x)
{
    static const char *const fields[] = {"To", "Cc", "Bcc", "Resent-To",
        "Resent-Cc", "Resent-Bcc", NULL};
    const struct sieve_send *s = x->s;
    struct values vs;
    struct addr *a;
    int f, i, j, k, n;

    for (f = 0; fields[f] && x->mine == NULL; f++) {
        if (header(x, fields[f], 0, &vs) < 0)
            return -1;
        for (i = 0; i < vs.n && x->mine == NULL; i++) {
            if ((a = parse_list(vs.v[i], &n)) == NULL) {
                values_free(&vs);
                x->failed = 1;
                return -1;
            }
            for (j = 0; j < n && x->mine == NULL; j++) {
                if (same_address(a[j].address, s->recipient))
                    x->mine = s->recipient;
                else if (same_address(a[j].address, s->orig_recipient))
                    x->mine = s->orig_recipient;
                for (k = 0; k < x->v->naddresses && x->mine == NULL; k++)
                    if (same_address(a[j].address, x->v->addresses[k]))
                        x->mine = x->v->addresses[k];
            }
            free(a);
        }
        values_free(&vs);
    }
    return x->mine != NULL;
}

/* answer_key - the memory's key for sender and this vacation: the
 * handle, or reason, :subject, :from and :mime (RFC 5230 4.2) */
static void answer_key(const char *sender, const struct sieve_vacation *v,
                       char out[33])
{
    const char *parts[6];

    parts[0] = sender;
    if (v->handle != NULL) {
        parts[1] = "handle";
        parts[2] = v->handle;
        sieve_sent_key(out, 1, parts, 3);
        return;
    }
    parts[1] = "arguments";
    parts[2] = v->reason;
    parts[3] = v->subject;
    parts[4] = v->from;
    parts[5] = v->mime ? "mime" : "text";
    sieve_sent_key(out, 1, parts, 6);
}

/* reply_to_name - the display name the message gives the sender, in
 * Sender, Resent-From or From; "" when none */
static int sender_name(struct vac *x, char *out, size_t cap)
{
    static const char *const fields[] = {"Sender", "Resent-From", "From",
                                         NULL};
    struct values vs;
    struct addr *a;
    int f, i, j, n;

    out[0] = '\0';
    for (f = 0; fields[f]; f++) {
        if (header(x, fields[f], 0, &vs) < 0)
            return -1;
        for (i = 0; i < vs.n; i++) {
            if ((a = parse_list(vs.v[i], &n)) == NULL) {
                values_free(&vs);
                return -1;
            }
            for (j = 0; j < n; j++)
                if (same_address(a[j].address, x->sender)) {
                    snprintf(out, cap, "%s", a[j].name);
                    free(a);
                    values_free(&vs);
                    return 0;
                }
            free(a);
        }
        values_free(&vs);
    }
    return 0;
}

/* put_subject - "Subject: ", folded or encoded */
static int put_subject(struct vac *x, struct compose *b)
{
    struct values vs;
    struct compose text = {0};
    char *subj;

    if (x->v->subject != NULL && x->v->subject[0]) {
        compose_str(&text, x->v->subject);
    } else {
        if (header(x, "Subject", 1, &vs) < 0)
            return -1;
        if (vs.n > 0) {
            compose_str(&text, "Auto: ");
            compose_str(&text, vs.v[0]);
        } else {
            compose_str(&text, "Automated reply");
        }
        values_free(&vs);
    }
    if (text.failed
        || (subj = compose_clean(text.s, VAC_SUBJECT_CHARS)) == NULL) {
        free(text.s);
        return -1;
    }
    free(text.s);
    compose_str(b, "Subject: ");
    if (compose_is_ascii(subj))
        compose_fold(b, subj, 9);
    else
        compose_words(b, subj, "\n ");
    compose_str(b, "\n");
    free(subj);
    return 0;
}

/* put_threading - In-Reply-To and References (RFC 5322 3.6.4) */
static int put_threading(struct vac *x, struct compose *b)
{
    struct values id, refs;
    struct compose r = {0};

    if (header(x, "Message-ID", 0, &id) < 0)
        return -1;
    if (header(x, "References", 0, &refs) < 0) {
        values_free(&id);
        return -1;
    }
    if (id.n > 0) {
        const char *v = id.v[0] + strspn(id.v[0], " \t");

        compose_str(b, "In-Reply-To: ");
        compose_str(b, v);
        compose_str(b, "\n");
        if (refs.n > 0) {
            compose_str(&r, refs.v[0] + strspn(refs.v[0], " \t"));
            compose_str(&r, " ");
        }
        compose_str(&r, v);
    } else if (refs.n > 0) {
        compose_str(&r, refs.v[0] + strspn(refs.v[0], " \t"));
    }
    if (r.n > 0) {
        compose_str(b, "References: ");
        compose_fold(b, r.s, 12);
        compose_str(b, "\n");
    }
    free(r.s);
    values_free(&id);
    values_free(&refs);
    return r.failed ? -1 : 0;
}

/* put_body - the MIME header and the reason, LF line ends */
static int put_body(struct vac *x, struct compose *b)
{
    const char *reason = x->v->reason ? x->v->reason : "";
    size_t len = strlen(reason), i, line = 0, longest = 0, n = 0;
    char *text = malloc(3 * len + 2);

    if (text == NULL)
        return -1;
    /* CR LF and lone CR become LF: sendmail is given LF lines */
    for (i = 0; i < len; i++) {
        if (reason[i] == '\r' && reason[i + 1] == '\n')
            continue;
        text[n++] = reason[i] == '\r' ? '\n' : reason[i];
    }
    if (n == 0 || text[n - 1] != '\n')
        text[n++] = '\n';
    text[n] = '\0';
    compose_str(b, "MIME-Version: 1.0\n");
    if (x->v->mime) {
        compose_str(b, text);
        free(text);
        return 0;
    }
    {
        char *utf8 = malloc(3 * n + 4);

        if (utf8 == NULL) {
            free(text);
            return -1;
        }
        utf8_clean(text, n, utf8, 3 * n + 4);
        free(text);
        text = utf8;
    }
    for (i = 0; text[i]; i++) {
        line = text[i] == '\n' ? 0 : line + 1;
        if (line > longest)
            longest = line;
    }
    compose_str(b, "Content-Type: text/plain; charset=utf-8\n");
    if (longest > VAC_LINE_MAX) {
        compose_str(b, "Content-Transfer-Encoding: quoted-printable\n\n");
        compose_qp(b, text);
    } else {
        compose_str(b, "Content-Transfer-Encoding: 8bit\n\n");
        compose_str(b, text);
    }
    free(text);
    return 0;
}

/* put_from - "From: " :from (a mailbox, re-encoded), else the user's
 * address found in the message */
static void put_from(struct vac *x, struct compose *b)
{
    const char *from = x->v->from;
    struct addr a;
    char *c;

    compose_str(b, "From: ");
    if (from != NULL && from[0] && addr_parse_list(from, &a, 1) == 1) {
        compose_mailbox(b, a.name, a.address);
    } else if (from != NULL && from[0] && compose_is_ascii(from)
               && (c = compose_clean(from, 0)) != NULL) {
        compose_str(b, c);
        free(c);
    } else {
        compose_str(b, x->mine);
    }
    compose_str(b, "\n");
}

/* make_reply - the whole reply into b: 0, or -1 (out of memory or a
 * header that could not be read) */
static int make_reply(struct vac *x, struct compose *b)
{
    char id[400], name[ADDR_NAME_MAX];

    sieve_message_id(id, sizeof(id), x->s->now);
    compose_printf(b, "X-Sieve: lda\nMessage-ID: %s\n", id);
    compose_date(b, x->s->now);
    put_from(x, b);
    if (sender_name(x, name, sizeof(name)) < 0)
        return -1;
    compose_str(b, "To: ");
    compose_mailbox(b, name, x->sender);
    compose_str(b, "\n");
    if (put_subject(x, b) < 0 || put_threading(x, b) < 0)
        return -1;
    compose_str(b, "Auto-Submitted: auto-replied (vacation)\n"
           "Precedence: bulk\n"
           "X-Auto-Response-Suppress: All\n");
    if (put_body(x, b) < 0)
        return -1;
    return b->failed ? -1 : 0;
}

/* reply_feed - the reply, made beforehand, to sendmail */
static int reply_feed(void *arg, struct sieve_out *o, struct status *st)
{
    const struct compose *b = arg;

    (void)st;
    return sieve_out_write(o, b->s, b->n);
}

/* decide - the rules up to the memory: 0 to answer, 1 not, -1 */
static int decide(struct vac *x, struct status *st)
{
    const struct sieve_send *s = x->s;
    int i, rc;

    if (x->sender == NULL || x->sender[0] == '\0')
        return not_sent(st, "sender is <>");
    if (s->recipient == NULL || s->recipient[0] == '\0')
        return not_sent(st, "recipient is <>");
    for (i = 0; x->sender[i]; i++)
        if ((unsigned char)x->sender[i] <= ' ' || x->sender[i] == 0x7f)
            return not_sent(st, "sender is no plain address");
    if (same_address(x->sender, s->recipient)
        || same_address(x->sender, s->orig_recipient))
        return not_sent(st, "sender <%s> is the user's own address",
                        x->sender);
    for (i = 0; i < x->v->naddresses; i++)
        if (same_address(x->sender, x->v->addresses[i]))
            return not_sent(st, "sender <%s> is the user's own address "
                            "(:addresses)", x->sender);
    if (is_system(x->sender))
        return not_sent(st, "sender <%s> is a system address", x->sender);
    if ((x->m = sv_msg_open(s->pread, s->arg, s->size)) == NULL)
        return status_set(st, "4.3.0", "vacation failed: read message");
    if ((rc = header_rules(x, st)) != 0)
        return rc < 0 ? status_set(st, "4.3.0", "vacation failed: read "
                                   "message") : rc;
    if ((rc = find_mine(x)) < 0)
        return status_set(st, "4.3.0", "vacation failed: read message");
    if (rc == 0)
        return not_sent(st, "no address of the user's in To, Cc, Bcc, "
                        "Resent-To, Resent-Cc or Resent-Bcc");
    return 0;
}

/*
 * sieve_vacation - answer as v says, under RFC 3834 and RFC 5230's
 * rules: 0 sent, 1 not sent by a rule (which, in st->text), -1 with st
 */
int sieve_vacation(const struct sieve_send *s,
                   const struct sieve_vacation *v, struct status *st)
{
    struct vac x = {.s = s, .v = v};
    struct status wst;
    struct compose reply = {0};
    char key[33], what[400];
    char *argv[7];
    int rc;

    x.sender = v->to ? v->to : s->sender;
    if ((rc = decide(&x, st)) != 0)
        goto out;
    answer_key(x.sender, v, key);
    if ((rc = sieve_sent_check(s, VAC_FILE, key, st)) != 0) {
        if (rc > 0)
            rc = not_sent(st, "<%s> was answered within the period",
                          x.sender);
        else
            snprintf(st->code, sizeof(st->code), "4.3.0");
        goto out;
    }
    if (make_reply(&x, &reply) < 0) {
        rc = status_set(st, "4.3.0", "vacation failed: make the reply");
        goto out;
    }
    snprintf(what, sizeof(what), "vacation reply to <%s>", x.sender);
    argv[0] = (char *)s->sendmail;
    argv[1] = (char *)"-i";
    argv[2] = (char *)"-f";
    argv[3] = (char *)"<>";
    argv[4] = (char *)"--";
    argv[5] = (char *)x.sender;
    argv[6] = NULL;
    if ((rc = sieve_sendmail(s, argv, reply_feed, &reply, what, st)) < 0)
        goto out;
    /* a period of 0 (vacation-seconds) answers every message */
    if (v->period > 0
        && sieve_sent_mark(s, VAC_FILE, key, (long long)s->now
                           + (long long)(v->period > VAC_MAX_PERIOD ?
                                         VAC_MAX_PERIOD : v->period),
                           &wst) < 0)
        log_warn("%s: sent, but not remembered: %s %s", what, wst.code,
                 wst.text);
    rc = 0;
  out:
    free(reply.s);
    if (x.m)
        sv_msg_free(x.m);
    return rc;
}
