/*
 * msg.c - the message's header as tests see it: fields indexed by
 * offset, values read back with pread, unfolded, trimmed, decoded
 *
 * The message is never held whole: on first use one pass reads the
 * header in MSG_BLOCK blocks and keeps, per field, where its name and
 * value lie; a test then reads only the values it asks for.  Bounds,
 * as the input comes from strangers: at most MSG_MAX_FIELDS fields are
 * indexed (later ones are not seen by tests; Received lines come
 * first, so a flood of them hides what follows, which is the same
 * trade every bounded reader makes), a value is read up to
 * MSG_MAX_VALUE bytes (the rest is cut), names longer than
 * MSG_MAX_NAME never match.  A line without a colon is no field and is
 * skipped, as is a continuation line before the first field.  The
 * header ends at the first empty line (LF or CRLF); without one the
 * whole message is header.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eval.h"
#include "../event/rfc2047.h"

#define MSG_BLOCK 8192
#define MSG_MAX_FIELDS 4096
#define MSG_MAX_VALUE 65536
#define MSG_MAX_NAME 128
/* The first bytes are kept: a header mostly fits, and tests read its
 * values again and again (each a system call, dear on a busy host). */
#define MSG_CACHE 16384

struct field {
    uint64_t value;             /* after the colon */
    uint64_t end;               /* the value's last line end */
    char name[MSG_MAX_NAME];    /* "" when too long */
};

struct sv_msg {
    long (*pread)(void *, void *, size_t, uint64_t);
    void *arg;
    uint64_t size;
    int indexed;
    struct field *f;
    int nf, cap;
    uint64_t body;
    char *cache;                /* the first clen bytes, once read */
    size_t clen;
    int cached;
};

/* sv_msg_open - a reader over the message; NULL when out of memory */
struct sv_msg *sv_msg_open(long (*pread)(void *, void *, size_t, uint64_t),
                           void *arg, uint64_t size)
{
    struct sv_msg *m = calloc(1, sizeof(*m));

    if (m == NULL)
        return NULL;
    m->pread = pread;
    m->arg = arg;
    m->size = size;
    m->body = size;
    return m;
}

/* sv_msg_free - the reader and its index */
void sv_msg_free(struct sv_msg *m)
{
    if (m == NULL)
        return;
    free(m->f);
    free(m->cache);
    free(m);
}

/* read_full - len bytes at off, fewer only at the end: count or -1 */
static long read_full(struct sv_msg *m, char *buf, size_t len, uint64_t off)
{
    size_t got = 0;
    long n;

    if (!m->cached) {
        /* no cache (out of memory) is only slower */
        m->cached = 1;
        if ((m->cache = malloc(MSG_CACHE)) != NULL) {
            n = read_full(m, m->cache, MSG_CACHE, 0);
            if (n < 0) {
                free(m->cache);
                m->cache = NULL;
                return -1;
            }
            m->clen = (size_t)n;
        }
    }
    if (off < m->clen) {
        got = m->clen - (size_t)off < len ? m->clen - (size_t)off : len;
        memcpy(buf, m->cache + off, got);
        if (got == len || m->clen < MSG_CACHE)
            return (long)got;
    }
    while (got < len) {
        n = m->pread(m->arg, buf + got, len - got, off + got);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (long)got;
}

/* Where the index scan is within a line. */
enum state { LINE_START, NAME, VALUE, SKIP, CR_START };

/* field_new - start a field named name[0..len) at the value's offset */
static int field_new(struct sv_msg *m, const char *name, size_t len,
                     int toolong, uint64_t value)
{
    struct field *f;
    int cap;

    if (m->nf >= MSG_MAX_FIELDS)
        return 0;
    if (m->nf == m->cap) {
        cap = m->cap ? m->cap * 2 : 32;
        f = realloc(m->f, (size_t)cap * sizeof(*f));
        if (f == NULL)
            return -1;
        m->f = f;
        m->cap = cap;
    }
    f = &m->f[m->nf++];
    while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
        len--;                  /* "Subject :" of RFC 5322 4.5 */
    memcpy(f->name, name, toolong ? 0 : len);
    f->name[toolong ? 0 : len] = '\0';
    f->value = f->end = value;
    return 1;
}

/* index_header - one pass over the header: fields and the body offset */
static int index_header(struct sv_msg *m)
{
    char buf[MSG_BLOCK], name[MSG_MAX_NAME];
    enum state st = LINE_START;
    size_t nlen = 0;
    uint64_t off = 0;
    struct field *cur = NULL;
    int toolong = 0, rc;
    long n, i;

    m->indexed = 1;
    m->body = m->size;
    for (off = 0; off < m->size; off += (uint64_t)n) {
        n = read_full(m, buf, sizeof(buf), off);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        for (i = 0; i < n; i++) {
            char c = buf[i];
            uint64_t at = off + (uint64_t)i;

            switch (st) {
            case CR_START:
                if (c == '\n') {
                    m->body = at + 1;
                    goto done;
                }
                st = SKIP;      /* a lone CR starts no field */
                /* FALLTHROUGH */
            case SKIP:
            case VALUE:
                if (c == '\n') {
                    if (st == VALUE && cur != NULL)
                        cur->end = at;
                    st = LINE_START;
                }
                break;
            case LINE_START:
                if (c == '\n') {
                    m->body = at + 1;
                    goto done;
                }
                if (c == '\r') {
                    st = CR_START;
                } else if (c == ' ' || c == '\t') {
                    st = cur != NULL ? VALUE : SKIP;    /* folded */
                } else {
                    cur = NULL;
                    st = NAME;
                    nlen = 0;
                    toolong = 0;
                    name[nlen++] = c;
                }
                break;
            case NAME:
                if (c == ':') {
                    rc = field_new(m, name, nlen, toolong, at + 1);
                    if (rc < 0)
                        return -1;
                    cur = rc > 0 ? &m->f[m->nf - 1] : NULL;
                    st = VALUE;
                } else if (c == '\n') {
                    st = LINE_START;    /* no colon: not a field */
                } else if (nlen + 1 < sizeof(name)) {
                    name[nlen++] = c;
                } else {
                    toolong = 1;
                }
                break;
            }
        }
    }
    if (st == VALUE && cur != NULL)
        cur->end = m->size;
done:
    return 0;
}

/* sv_msg_body_offset - where the body starts (the size: no body) */
uint64_t sv_msg_body_offset(struct sv_msg *m)
{
    if (!m->indexed && index_header(m) < 0)
        return m->size;
    return m->body;
}

/*
 * unfold - drop the line ends of a folded value and trim both ends; a
 * tab that starts a continuation line becomes a space, as Dovecot's
 * header parser makes it (other tabs stay)
 */
static size_t unfold(char *s, size_t len, const char **start)
{
    size_t i, o = 0;
    char *b;

    for (i = 0; i < len; i++) {
        if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
            continue;
        if (s[i] == '\n') {
            if (i + 1 < len && s[i + 1] == '\t')
                s[i + 1] = ' ';
            continue;
        }
        s[o++] = s[i];
    }
    while (o > 0 && (s[o - 1] == ' ' || s[o - 1] == '\t'
                     || s[o - 1] == '\r'))
        o--;
    s[o] = '\0';
    b = s;
    while (*b == ' ' || *b == '\t')
        b++;
    *start = b;
    return o - (size_t)(b - s);
}

/*
 * sv_msg_header_each - fn over each value of the fields named name, in
 * order, until it returns non-zero: 0, or -1 (read error or memory,
 * errno set); fn keeps its own errors
 */
int sv_msg_header_each(struct sv_msg *m, const char *name, int decode,
                       int (*fn)(void *arg, const char *value, size_t len),
                       void *arg)
{
    char *raw = NULL, *dec = NULL;
    const char *v;
    size_t len, cap;
    long got;
    int i, rc = 0;

    if (!m->indexed && index_header(m) < 0)
        return -1;
    for (i = 0; i < m->nf && rc == 0; i++) {
        struct field *f = &m->f[i];

        if (f->name[0] == '\0' || strcasecmp(f->name, name) != 0)
            continue;
        len = f->end - f->value;
        if (len > MSG_MAX_VALUE)
            len = MSG_MAX_VALUE;
        raw = malloc(len + 1);
        if (raw == NULL)
            return -1;
        got = read_full(m, raw, len, f->value);
        if (got < 0) {
            free(raw);
            return -1;
        }
        len = unfold(raw, (size_t)got, &v);
        if (decode) {
            cap = 3 * len + 16;     /* a bad byte grows to U+FFFD */
            dec = malloc(cap);
            if (dec == NULL) {
                free(raw);
                return -1;
            }
            len = rfc2047_decode_keep(v, dec, cap);
            v = dec;
        }
        rc = fn(arg, v, len);
        free(dec);
        free(raw);
        dec = raw = NULL;
    }
    return 0;
}

/* msg_of - the run's reader, opened on first use */
static struct sv_msg *msg_of(struct sv_run *r)
{
    if (r->msg == NULL && r->env != NULL)
        r->msg = sv_msg_open(r->env->pread, r->env->arg, r->env->size);
    return r->msg;
}

/* sv_pread - the stored bytes at off: count, 0 at the end, or -1 */
long sv_pread(struct sv_run *r, void *buf, size_t len, uint64_t off)
{
    struct sv_msg *m = msg_of(r);
    long n;

    if (m == NULL)
        return sv_error(r, NULL, "read message: out of memory");
    n = read_full(m, buf, len, off);
    if (n < 0)
        return sv_error(r, NULL, "read message: %s", strerror(errno));
    return n;
}

/* sv_size - the message's size as stored */
uint64_t sv_size(const struct sv_run *r)
{
    return r->env != NULL ? r->env->size : 0;
}

/* sv_body_offset - where the body starts */
uint64_t sv_body_offset(struct sv_run *r)
{
    struct sv_msg *m = msg_of(r);

    return m != NULL ? sv_msg_body_offset(m) : sv_size(r);
}

/* sv_header_each - sv_msg_header_each over the run's message */
int sv_header_each(struct sv_run *r, const char *name, int decode,
                   int (*fn)(void *arg, const char *value, size_t len),
                   void *arg)
{
    struct sv_msg *m = msg_of(r);

    if (m == NULL)
        return sv_error(r, NULL, "read message: out of memory");
    if (sv_msg_header_each(m, name, decode, fn, arg) < 0)
        return sv_error(r, NULL, "read message header: %s",
                        strerror(errno));
    return 0;
}

/* sv_msg_error_at - a read error already set, placed at test n: -1 */
int sv_msg_error_at(struct sv_run *r, const struct sv_node *n)
{
    r->err->line = n->line;
    r->err->col = n->col;
    return -1;
}

/* One header, exists or size test's walk over the values. */
struct walk {
    struct sv_match_ctx m;
    int rc;                     /* sv_match_value's last: 1 decided */
    int seen;                   /* exists: a field was found */
};

/* walk_value - a value to the match; stop once decided or failed */
static int walk_value(void *arg, const char *value, size_t len)
{
    struct walk *w = arg;

    w->seen = 1;
    w->rc = sv_match_value(&w->m, value, len);
    return w->rc != 0;
}

/* nstrings - how many strings a string or string-list argument holds */
static int nstrings(const struct sv_arg *a)
{
    if (a == NULL || a->v == NULL)
        return 0;
    return a->type == SV_STR ? 1 : a->n;
}

/*
 * sv_test_header - header [COMPARATOR] [MATCH-TYPE] <names> <keys>
 * (RFC 5228 5.7): values decoded (RFC 2047); true when any value of
 * any named field matches any key; no field, no match (but :count 0)
 */
int sv_test_header(struct sv_run *r, const struct sv_node *n)
{
    struct walk w = {.rc = 0};
    const char *name;
    size_t len;
    int i;

    if (n->npos < 2)
        return sv_error(r, n, "header: missing arguments");
    sv_match_begin(&w.m, r, n, n->pos[1]);
    for (i = 0; i < nstrings(n->pos[0]) && w.rc == 0; i++) {
        name = sv_string(r, &n->pos[0]->v[i], 0, &len);
        if (sv_header_each(r, name, 1, walk_value, &w) < 0)
            return sv_msg_error_at(r, n);
    }
    if (w.rc < 0)
        return -1;
    return sv_match_end(&w.m);
}

/* exists_value - any value: the field exists */
static int exists_value(void *arg, const char *value, size_t len)
{
    (void)value;
    (void)len;
    *(int *)arg = 1;
    return 1;
}

/* sv_test_exists - exists <names> (RFC 5228 5.5): all of them present */
int sv_test_exists(struct sv_run *r, const struct sv_node *n)
{
    const char *name;
    size_t len;
    int i, seen;

    if (n->npos < 1)
        return sv_error(r, n, "exists: missing arguments");
    for (i = 0; i < nstrings(n->pos[0]); i++) {
        seen = 0;
        name = sv_string(r, &n->pos[0]->v[i], 0, &len);
        if (sv_header_each(r, name, 0, exists_value, &seen) < 0)
            return sv_msg_error_at(r, n);
        if (!seen)
            return 0;
    }
    return 1;
}

/*
 * sv_test_size - size <":over" / ":under"> <limit> (RFC 5228 5.9): the
 * size as stored, strictly over or under; the limit is the tag's value
 * or, when the grammar keeps it apart, the positional number
 */
int sv_test_size(struct sv_run *r, const struct sv_node *n)
{
    const struct sv_arg *over = sv_tag(n, "over");
    const struct sv_arg *under = sv_tag(n, "under");
    const struct sv_arg *lim = over != NULL ? over : under;

    if (lim == NULL || lim->type != SV_NUM)
        lim = n->npos > 0 ? n->pos[0] : NULL;
    if (lim == NULL || lim->type != SV_NUM || (over == NULL && under == NULL))
        return sv_error(r, n, "size: missing :over or :under");
    return over != NULL ? sv_size(r) > lim->num : sv_size(r) < lim->num;
}
