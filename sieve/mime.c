/*
 * mime.c - the parts of a stored message, for the body test (RFC 5173)
 *
 * The message is read once, line by line, as Dovecot's parser reads
 * it: each entity's header for its first Content-Type and
 * Content-Transfer-Encoding; a stack of the open multiparts (at most
 * SV_MIME_DEPTH), whose boundaries are looked for at each line starting
 * "--", the innermost first, a prefix being enough; the line break
 * before a delimiter belongs to it (RFC 2046 5.1.1).  A part wanted is
 * read again when its end is seen, transfer-decoded and converted, and
 * held up to SV_MIME_MAX bytes: nothing else of the message is held.
 *
 * What a test sees follows Pigeonhole (checked with sieve-test): a
 * part's text without the line break before the next delimiter; a
 * multipart's preamble (even empty) and epilogue (when not) as two
 * strings; for a message/rfc822 part, the enclosed header with CRLF
 * line ends; nothing for an entity whose header has no empty line.
 * Known difference: a second Content-Type field of the same header
 * is ignored (Pigeonhole matches the part by the last one).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime.h"

#define BLOCK 16384
#define FIELD_MAX 2048          /* a Content-* value kept, unfolded */

/* A line reader over [off, end) of the source, a block at a time. */
struct rd {
    const struct sv_mime_src *src;
    uint64_t end;
    uint64_t boff;              /* file offset of buf[0] */
    size_t pos, len;
    char last;                  /* the last line's byte before its LF */
    char buf[BLOCK];
};


/* What an entity's header says of its content. */
struct entity {
    char type[128];             /* "type/subtype", lowercase */
    char boundary[128];
    char charset[128];
    enum sv_mime_cte cte;
    int typed;                  /* a Content-Type field gave the type */
    int has_body;               /* a blank line ended the header */
    int coded;                  /* a Content-Transfer-Encoding seen */
    uint64_t hdr_end;           /* the blank line's offset */
    uint64_t body;              /* after the blank line */
};

static void rd_init(struct rd *r, const struct sv_mime_src *src,
                    uint64_t off, uint64_t end)
{
    r->src = src;
    r->end = end < src->size ? end : src->size;
    r->boff = off;
    r->pos = r->len = 0;
}

/* rd_fill - more bytes: 1, 0 at the range's end, -1 on error */
static int rd_fill(struct rd *r)
{
    uint64_t off = r->boff + r->len;
    size_t want = BLOCK;
    long got;

    if (off >= r->end)
        return 0;
    if (r->end - off < want)
        want = (size_t)(r->end - off);
    got = r->src->pread(r->src->arg, r->buf, want, off);
    if (got < 0)
        return -1;
    if (got == 0)
        return 0;
    r->boff = off;
    r->pos = 0;
    r->len = (size_t)got;
    return 1;
}

/*
 * rd_line - the next line: its first cap-1 bytes into line (without the
 * LF, NUL-terminated), *total its full length, *start its offset, *next
 * the offset after its LF.  1, 0 at the end, -1 on error.
 */
static int rd_line(struct rd *r, char *line, size_t cap, size_t *total,
                   uint64_t *start, uint64_t *next)
{
    size_t n = 0;
    int rc, any = 0;

    *start = r->boff + r->pos;
    r->last = '\0';
    for (;;) {
        if (r->pos == r->len) {
            rc = rd_fill(r);
            if (rc < 0)
                return -1;
            if (rc == 0) {
                if (!any)
                    return 0;
                break;
            }
            if (!any)
                *start = r->boff;
        }
        char *p = r->buf + r->pos;
        size_t avail = r->len - r->pos;
        char *lf = memchr(p, '\n', avail);
        size_t take = lf ? (size_t)(lf - p) : avail;

        any = 1;
        if (n + 1 < cap) {
            size_t c = take < cap - 1 - n ? take : cap - 1 - n;
            memcpy(line + n, p, c);
        }
        n += take;
        if (take > 0)
            r->last = p[take - 1];
        r->pos += take + (lf != NULL);
        if (lf)
            break;
    }
    line[n < cap ? n : cap - 1] = '\0';
    *total = n;
    *next = r->boff + r->pos;
    return 1;
}
/* skip_cfws - past blanks and (nested) comments */
static const char *skip_cfws(const char *p)
{
    int depth = 0;

    for (; *p; p++) {
        if (depth) {
            if (*p == '\\' && p[1])
                p++;
            else if (*p == '(')
                depth++;
            else if (*p == ')')
                depth--;
        } else if (*p == '(')
            depth++;
        else if (!isspace((unsigned char)*p))
            break;
    }
    return p;
}

/* token - a token or quoted string at p into out; the rest */
static const char *token(const char *p, char *out, size_t cap)
{
    size_t n = 0;

    p = skip_cfws(p);
    if (*p == '"') {
        for (p++; *p && *p != '"'; p++) {
            if (*p == '\\' && p[1])
                p++;
            if (n + 1 < cap)
                out[n++] = *p;
        }
        if (*p == '"')
            p++;
    } else {
        for (; *p && !isspace((unsigned char)*p) && !strchr("()<>@,;:\\\"/[]?=",
                                                          *p); p++)
            if (n + 1 < cap)
                out[n++] = *p;
    }
    out[n] = '\0';
    return skip_cfws(p);
}

/* content_type - the type, boundary and charset of a Content-Type value
 * (RFC 2045 5.1); a value without a '/' leaves the default */
static void content_type(const char *v, struct entity *e)
{
    char type[64], sub[64], name[64], val[128];
    const char *p = token(v, type, sizeof(type));
    size_t i;

    if (!type[0] && !*p)
        return;                 /* empty: the default */
    /* not a type: Dovecot keeps it, so that only :content "" matches */
    e->type[0] = '\0';
    if (*p != '/' || !type[0])
        return;
    p = token(p + 1, sub, sizeof(sub));
    if (!sub[0])
        return;
    snprintf(e->type, sizeof(e->type), "%s/%s", type, sub);
    for (i = 0; e->type[i]; i++)
        e->type[i] = (char)tolower((unsigned char)e->type[i]);
    while (*p == ';') {
        p = token(p + 1, name, sizeof(name));
        if (*p != '=')
            continue;
        p = token(p + 1, val, sizeof(val));
        if (strcasecmp(name, "boundary") == 0)
            snprintf(e->boundary, sizeof(e->boundary), "%s", val);
        else if (strcasecmp(name, "charset") == 0)
            snprintf(e->charset, sizeof(e->charset), "%s", val);
        while (*p && *p != ';')
            p++;
    }
}

/* The header of an entity being read, line by line. */
struct hdr {
    struct entity e;
    int which;                  /* 1: Content-Type, 2: -Transfer-, 0 */
    size_t flen;
    char field[FIELD_MAX];
};

/* An open multipart. */
struct frame {
    char boundary[128];
    size_t bl;
    int wanted;                 /* its preamble and epilogue are values */
    int digest;
    int state;                  /* 0 preamble, 1 parts, 2 epilogue */
    int depth;
    uint64_t seg;               /* where the preamble / epilogue began */
    struct entity e;
};

/* The walk over the message's structure. */
struct walker {
    const struct sv_mime_src *src;
    enum sv_mime_mode mode;
    const char *const *types;
    int ntypes;
    int (*fn)(void *arg, const char *v, size_t len);
    void *arg;
    struct rd rd;               /* the lines of the message */
    char blk[BLOCK];            /* emit's reads */
    struct frame frames[SV_MIME_DEPTH];
    int nframes;
    int cur;                    /* CUR_*: the entity being read */
    struct hdr hdr;             /* its header */
    uint64_t hstart;            /* where that header began */
    int emit_header;            /* it is an enclosed message's, wanted */
    int depth;
};

/* hdr_init - deftype is the type when none is given (RFC 2046 5.1.5:
 * message/rfc822 in a multipart/digest) */
static void hdr_init(struct hdr *h, const char *deftype, uint64_t end)
{
    memset(&h->e, 0, sizeof(h->e));
    snprintf(h->e.type, sizeof(h->e.type), "%s", deftype);
    h->e.hdr_end = h->e.body = end;
    h->which = 0;
    h->flen = 0;
}

/* hdr_field - the field being gathered is complete */
static void hdr_field(struct hdr *h)
{
    h->field[h->flen] = '\0';
    /* the first of each field counts, as in Dovecot */
    if (h->which == 1 && !h->e.typed) {
        content_type(h->field, &h->e);
        h->e.typed = 1;
    } else if (h->which == 2 && !h->e.coded) {
        h->e.cte = sv_mime_cte(h->field);
        h->e.coded = 1;
    }
    h->which = 0;
}

/* hdr_line - one header line (its first bytes, without the LF): 1 when
 * it is the empty line that ends the header */
static int hdr_line(struct hdr *h, char *line, size_t l, uint64_t start,
                    uint64_t next)
{
    int folded = l > 0 && (line[0] == ' ' || line[0] == '\t');

    if (l > 0 && line[l - 1] == '\r')
        line[--l] = '\0';
    if (h->which && !folded)
        hdr_field(h);
    if (l == 0) {
        h->e.hdr_end = start;
        h->e.body = next;
        h->e.has_body = 1;
        return 1;
    }
    if (folded && h->which) {
        size_t c = l < sizeof(h->field) - 1 - h->flen ? l
            : sizeof(h->field) - 1 - h->flen;
        memcpy(h->field + h->flen, line, c);
        h->flen += c;
    } else if (!folded && (strncasecmp(line, "content-type:", 13) == 0
               || strncasecmp(line, "content-transfer-encoding:", 26) == 0)) {
        const char *v = strchr(line, ':') + 1;

        h->which = line[12] == ':' ? 1 : 2;  /* "content-type:" */
        h->flen = strlen(v) < sizeof(h->field) - 1 ? strlen(v)
            : sizeof(h->field) - 1;
        memcpy(h->field, v, h->flen);
    }
    return 0;
}

/* header - the message's own header, for :raw: 0 or -1 */
static int header(struct walker *w, struct entity *e)
{
    struct hdr *h = &w->hdr;
    char line[1024];
    size_t total;
    uint64_t start, next;
    int rc;

    hdr_init(h, "text/plain", w->src->size);
    rd_init(&w->rd, w->src, 0, w->src->size);
    while ((rc = rd_line(&w->rd, line, sizeof(line), &total, &start,
                         &next)) > 0)
        if (hdr_line(h, line, total < sizeof(line) ? total
                     : sizeof(line) - 1, start, next))
            break;
    *e = h->e;
    return rc < 0 ? -1 : 0;
}

/* wanted - whether a part of this type is tested */
static int wanted(const struct walker *w, const char *type)
{
    int i;

    if (w->mode == SV_MIME_TEXT)
        return strncmp(type, "text/", 5) == 0;
    for (i = 0; i < w->ntypes; i++) {
        const char *t = w->types[i];
        size_t n = strlen(t);

        if (n == 0 || strcasecmp(t, type) == 0)
            return 1;
        if (!strchr(t, '/') && strncasecmp(t, type, n) == 0
            && type[n] == '/')
            return 1;
    }
    return 0;
}

/* emit - the bytes at [a, b), decoded as e says, to the test's fn */
/* crlf - b's bare line feeds made CRLF */
static void crlf(struct sv_mime_buf *b)
{
    struct sv_mime_buf o = {.max = b->max};
    size_t i, from = 0;

    for (i = 0; i < b->len; i++)
        if (b->p[i] == '\n' && (i == 0 || b->p[i - 1] != '\r')) {
            sv_mime_buf_add(&o, b->p + from, i - from);
            sv_mime_buf_add(&o, "\r\n", 2);
            from = i + 1;
        }
    if (from == 0)
        return;
    sv_mime_buf_add(&o, b->p + from, b->len - from);
    o.cut |= b->cut;
    sv_mime_buf_free(b);
    *b = o;
}

/* emit - the bytes at [a, b) to the test's fn: decoded as e says
 * (decode), or a header, whose lines end in CRLF as Pigeonhole gives
 * them (decode -1) */
static int emit(struct walker *w, uint64_t a, uint64_t b,
                const struct entity *e, int decode)
{
    struct sv_mime_buf raw = {.max = SV_MIME_MAX};
    struct sv_mime_dec dec = {.cte = decode > 0 ? e->cte : SV_CTE_NONE};
    char *blk = w->blk;
    int rc = 0;

    while (a < b && !raw.cut) {
        size_t want = b - a < BLOCK ? (size_t)(b - a) : BLOCK;
        long got = w->src->pread(w->src->arg, blk, want, a);

        if (got < 0) {
            sv_mime_buf_free(&raw);
            return -1;
        }
        if (got == 0)
            break;
        sv_mime_decode(&dec, blk, (size_t)got, &raw);
        a += (uint64_t)got;
    }
    sv_mime_decode_end(&dec, &raw);
    if (decode < 0) {
        crlf(&raw);
        decode = 0;
    }
    if (decode && strncmp(e->type, "text/", 5) == 0)
        sv_mime_utf8(&raw, e->charset);
    if (decode && w->mode == SV_MIME_TEXT
        && strcmp(e->type, "text/html") == 0) {
        struct sv_mime_buf txt = {.max = SV_MIME_MAX};

        sv_mime_html2text(raw.p ? raw.p : "", raw.len, &txt);
        sv_mime_buf_free(&raw);
        raw = txt;
    }
    rc = w->fn(w->arg, raw.p ? raw.p : "", raw.len);
    sv_mime_buf_free(&raw);
    return rc;
}

/*
 * The structure is read in one pass over the lines, as Dovecot's parser
 * does: a stack of the open multiparts, and the entity being read (its
 * header, or its body).  A line "--BOUNDARY..." of an open multipart
 * (the innermost first, a prefix being enough) ends what is inside it;
 * a part's value is emitted when its end is seen.
 */

enum { CUR_NONE, CUR_HEADER, CUR_BODY };

/* leaf_end - the entity being read ends at end */
static int leaf_end(struct walker *w, uint64_t end)
{
    int state = w->cur;

    w->cur = CUR_NONE;
    if (state == CUR_BODY && wanted(w, w->hdr.e.type))
        return emit(w, w->hdr.e.body, end > w->hdr.e.body ? end
                    : w->hdr.e.body, &w->hdr.e, 1);
    return 0;                   /* a header never ended: no body */
}

/* frame_end - the open multipart f ends at end (no close delimiter) */
static int frame_end(struct walker *w, struct frame *f, uint64_t end)
{
    if (!f->wanted)
        return 0;
    /* as Pigeonhole: the preamble even when empty, the epilogue not */
    if (f->state == 0 || (f->state == 2 && end > f->seg))
        return emit(w, f->seg, end, &f->e, 0);
    return 0;
}

/* entity_start - a part (or an enclosed message) begins at off */
static void entity_start(struct walker *w, uint64_t off, const char *deftype,
                         int emit_header, int depth)
{
    hdr_init(&w->hdr, deftype, off);
    w->hstart = off;
    w->emit_header = emit_header;
    w->depth = depth;
    w->cur = CUR_HEADER;
}

/* header_end - the header of the entity being read is complete */
static int header_end(struct walker *w, uint64_t next)
{
    struct entity *e = &w->hdr.e;
    int rc;

    if (w->emit_header
        && (rc = emit(w, w->hstart, e->hdr_end, e, -1)) != 0)
        return rc;
    /* deeper than SV_MIME_DEPTH, an entity is one part, its structure
     * not looked into */
    if (strncmp(e->type, "multipart/", 10) == 0 && e->boundary[0]
        && w->depth < SV_MIME_DEPTH && w->nframes < SV_MIME_DEPTH) {
        struct frame *f = &w->frames[w->nframes++];

        snprintf(f->boundary, sizeof(f->boundary), "%s", e->boundary);
        f->bl = strlen(f->boundary);
        f->wanted = wanted(w, e->type);
        f->digest = strcmp(e->type, "multipart/digest") == 0;
        f->state = 0;
        f->depth = w->depth;
        f->seg = next;
        f->e = *e;
        w->cur = CUR_NONE;
        return 0;
    }
    /* a digest's part without a type is a message, but Pigeonhole
     * sees it as an empty text/plain part before the message in it */
    if (strcmp(e->type, "message/rfc822") == 0 && w->depth < SV_MIME_DEPTH) {
        if (!e->typed && wanted(w, "text/plain")
            && (rc = w->fn(w->arg, "", 0)) != 0)
            return rc;
        entity_start(w, next, "text/plain", e->typed && wanted(w, e->type),
                     w->depth + 1);
        return 0;
    }
    w->cur = CUR_BODY;
    return 0;
}

/* delimiter - the open multipart whose boundary starts line (the
 * innermost first), or -1; *close for "--BOUNDARY--" */
static int delimiter(const struct walker *w, const char *line, size_t l,
                     int *close)
{
    int k;

    if (l < 2 || line[0] != '-' || line[1] != '-')
        return -1;
    for (k = w->nframes - 1; k >= 0; k--) {
        const struct frame *f = &w->frames[k];

        if (f->state != 2 && l >= 2 + f->bl
            && memcmp(line + 2, f->boundary, f->bl) == 0) {
            *close = l >= 4 + f->bl && line[2 + f->bl] == '-'
                && line[3 + f->bl] == '-';
            return k;
        }
    }
    return -1;
}

/* at_delimiter - frame k's delimiter line at [start, next): what is
 * inside k ends at before */
static int at_delimiter(struct walker *w, int k, int close, uint64_t before,
                        uint64_t next)
{
    struct frame *f;
    int rc;

    if ((rc = leaf_end(w, before)) != 0)
        return rc;
    while (w->nframes > k + 1)
        if ((rc = frame_end(w, &w->frames[--w->nframes], before)) != 0)
            return rc;
    f = &w->frames[k];
    if (f->state == 0 && (rc = frame_end(w, f, before)) != 0)
        return rc;
    if (close) {
        f->state = 2;
        f->seg = next;
        return 0;
    }
    f->state = 1;
    entity_start(w, next, f->digest ? "message/rfc822" : "text/plain", 0,
                 f->depth + 1);
    return 0;
}

/* walk - the whole message, line by line */
static int walk(struct walker *w)
{
    char line[1024];
    size_t total, l;
    uint64_t start, next, seg = 0, prev_end = 0;
    int rc, k, close;

    w->nframes = 0;
    entity_start(w, 0, "text/plain", 0, 0);
    rd_init(&w->rd, w->src, 0, w->src->size);
    while ((rc = rd_line(&w->rd, line, sizeof(line), &total, &start,
                         &next)) > 0) {
        l = total < sizeof(line) ? total : sizeof(line) - 1;
        if ((k = delimiter(w, line, l, &close)) >= 0) {
            /* the line break before the delimiter is the delimiter's */
            rc = at_delimiter(w, k, close, start == seg ? start : prev_end,
                              next);
            if (rc != 0)
                return rc;
            seg = next;
        } else if (w->cur == CUR_HEADER
                   && hdr_line(&w->hdr, line, l, start, next)) {
            if ((rc = header_end(w, next)) != 0)
                return rc;
            seg = next;
        }
        prev_end = start + total - (w->rd.last == '\r');
    }
    if (rc < 0)
        return -1;
    /* the end of the message ends everything still open */
    if (w->cur == CUR_HEADER && w->hdr.which)
        hdr_field(&w->hdr);
    if ((rc = leaf_end(w, w->src->size)) != 0)
        return rc;
    while (w->nframes > 0)
        if ((rc = frame_end(w, &w->frames[--w->nframes],
                            w->src->size)) != 0)
            return rc;
    return 0;
}

int sv_mime_body(const struct sv_mime_src *src, enum sv_mime_mode mode,
                 const char *const *types, int ntypes,
                 int (*fn)(void *arg, const char *v, size_t len),
                 void *arg)
{
    struct walker *w = calloc(1, sizeof(*w));
    struct entity e;
    int rc;

    if (!w)
        return -1;
    w->src = src;
    w->mode = mode;
    w->types = types;
    w->ntypes = ntypes;
    w->fn = fn;
    w->arg = arg;
    if (mode == SV_MIME_RAW) {
        rc = header(w, &e);
        if (rc == 0 && e.body < src->size)     /* none: no value */
            rc = emit(w, e.body, src->size, &e, 0);
    } else
        rc = walk(w);
    free(w);
    return rc;
}
