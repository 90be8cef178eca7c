/*
 * parse.c - a Sieve script into a validated tree (RFC 5228 section 8.2
 * and section 3, the extensions' commands through grammar.c), and the
 * scripts it includes (RFC 6609)
 *
 * The parser is recursive descent with its depth bounded before each
 * descent (SV_MAX_NESTING blocks, as many tests in tests), so no script
 * drives the stack.  Each command is validated as soon as it is read:
 * require must take effect before the strings after it are decoded
 * (encoded-character).  The first error ends the parse.
 *
 * Memory: one pool per script; an included script has its own pool and
 * is owned by the script sieve_load or sieve_parse_text returned (its
 * includes[] lists every script loaded, at any depth, each once).
 */
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../event/rfc2047.h"
#include "lex.h"

int sv_parse_error(struct sv_parser *p, int line, int col,
                   const char *fmt, ...)
{
    va_list ap;

    if (p->err->file[0] == '\0')
        snprintf(p->err->file, sizeof(p->err->file), "%s", p->s->name);
    p->err->line = line;
    p->err->col = col;
    va_start(ap, fmt);
    vsnprintf(p->err->text, sizeof(p->err->text), fmt, ap);
    va_end(ap);
    return -1;
}

/* next - the next token into p->tok; a lexical error names the script */
static int next(struct sv_parser *p)
{
    /* where the token moved past ends: a missing ';' is reported there,
     * on the line of the command that lacks it, as Pigeonhole does */
    p->end_line = p->lx.line;
    p->end_col = (int)(p->lx.p - p->lx.bol) + 1;
    if (sv_lex_next(&p->lx, &p->tok) < 0) {
        if (p->err->file[0] == '\0')
            snprintf(p->err->file, sizeof(p->err->file), "%s", p->s->name);
        return -1;
    }
    return 0;
}

/* nomem - an allocation failed: always -1 */
static int nomem(struct sv_parser *p)
{
    return sv_parse_error(p, p->tok.line, p->tok.col, "out of memory");
}

/* grow - room for one more of size in *v (n used, *a allocated) */
static int grow(struct sv_parser *p, void **v, int n, int *a, size_t size)
{
    void *nv;
    int na;

    if (n < *a)
        return 0;
    na = *a ? *a * 2 : 4;
    nv = sv_pool_alloc(p->pool, (size_t)na * size);
    if (nv == NULL)
        return nomem(p);
    if (n)
        memcpy(nv, *v, (size_t)n * size);
    *v = nv;
    *a = na;
    return 0;
}

int sv_declare(struct sv_parser *p, const struct sv_str *s, int global)
{
    int i, g;

    /* a name declared global is that variable everywhere after */
    for (g = global; g <= 1; g++)
        for (i = 0; i < p->nvars[g]; i++)
            if (strcasecmp(p->vars[g][i], s->s) == 0)
                return 0;
    if (p->nvars[global] == SV_MAX_VARS)
        return sv_parse_error(p, s->line, s->col, "declaration of new %s"
                              "variable '%s' exceeds the limit (max "
                              "variables: %d)", global ? "global " : "",
                              s->s, SV_MAX_VARS);
    p->vars[global][p->nvars[global]++] = s->s;
    return 0;
}

/* ---- strings: encoded-character (RFC 5228 2.4.2.4) ---- */

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/*
 * encoded - decode one "${hex:...}" or "${unicode:...}" at s (len bytes
 * left) into o: the bytes consumed (o gets *olen bytes), 0 when it is
 * not a well-formed sequence (left as written), -1 on an invalid code
 * point or an encoded NUL (errors: a NUL would cut the C string every
 * user of the string sees; Pigeonhole keeps it).
 */
static long encoded(struct sv_parser *p, const struct sv_str *str,
                    const char *s, size_t len, char *o, size_t *olen)
{
    size_t i, k, ndig;
    int uni, items = 0;
    uint32_t v;

    if (len > 6 && strncasecmp(s, "${hex:", 6) == 0) {
        uni = 0;
        i = 6;
    } else if (len > 10 && strncasecmp(s, "${unicode:", 10) == 0) {
        uni = 1;
        i = 10;
    } else {
        return 0;
    }
    /* first check the whole form, then emit */
    for (k = i;;) {
        while (k < len && is_blank(s[k]))
            k++;
        if (k >= len)
            return 0;
        if (s[k] == '}')
            break;
        if (items > 0 && !is_blank(s[k - 1]))
            return 0;
        for (ndig = 0; k < len && rfc2047_hex_value(s[k]) >= 0; k++)
            ndig++;
        if (ndig == 0 || (!uni && ndig > 2))
            return 0;
        items++;
    }
    if (items == 0)
        return 0;
    *olen = 0;
    while (i < k) {
        while (is_blank(s[i]))
            i++;
        if (i >= k)
            break;
        for (v = 0; rfc2047_hex_value(s[i]) >= 0; i++)
            v = v > 0x10ffff ? v : v * 16 + (uint32_t)rfc2047_hex_value(s[i]);
        if (uni && (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)))
            return sv_parse_error(p, str->line, str->col, "invalid unicode "
                                  "character 0x%08x in encoded character "
                                  "substitution", v > 0x10ffff ? 0x110000u
                                  : v);
        if (v == 0)
            return sv_parse_error(p, str->line, str->col, "encoded NUL "
                                  "character in string");
        if (uni)
            *olen += put_utf8(o + *olen, v);
        else
            o[(*olen)++] = (char)v;
    }
    return (long)(k + 1);
}

/*
 * check_vars - the variable references of str, when "variables" is on
 * (RFC 5229 3): a namespace is an error (none is supported), so is a
 * match variable beyond ${32}, as Pigeonhole says; anything that is not
 * a well-formed reference is text
 */
static int check_vars(struct sv_parser *p, const struct sv_str *str)
{
    const char *r = str->s, *q, *first_end;
    unsigned long idx;
    int parts, digits;

    while ((r = strstr(r, "${")) != NULL) {
        q = r += 2;
        parts = 0;
        first_end = NULL;
        digits = 0;
        for (;;) {
            const char *b = q;

            if ((*q >= '0' && *q <= '9')) {
                while (*q >= '0' && *q <= '9')
                    q++;
                digits = 1;
            } else if (*q == '_' || (*q >= 'a' && *q <= 'z')
                       || (*q >= 'A' && *q <= 'Z')) {
                while (*q == '_' || (*q >= '0' && *q <= '9')
                       || (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z'))
                    q++;
                digits = 0;
            } else {
                break;
            }
            if (parts++ == 0)
                first_end = q;
            if (*q != '.' || q == b)
                break;
            q++;
        }
        if (*q != '}' || parts == 0)
            continue;
        if (parts > 1)
            return sv_parse_error(p, str->line, str->col, "referring to "
                                  "variable in unknown namespace '%.*s'",
                                  (int)(first_end - r), r);
        if (digits) {
            const char *d;

            for (idx = 0, d = r; d < q && idx <= 32; d++)
                idx = idx * 10 + (unsigned long)(*d - '0');
            if (idx > 32)
                return sv_parse_error(p, str->line, str->col, "match value "
                                      "index %.*s out of range (max: 32)",
                                      (int)(q - r), r);
        }
    }
    return 0;
}

/* make_str - the token's string, decoded when encoded-character is on */
static int make_str(struct sv_parser *p, const struct sv_token *t,
                    struct sv_str *str)
{
    const char *s = t->text;
    size_t i, olen;
    char *o;
    long n;

    str->line = t->line;
    str->col = t->col;
    str->s = t->text;
    str->len = t->len;
    if ((p->s->ext & SV_EXT_ENCODED_CHARACTER) && strstr(s, "${") != NULL) {
        /* a sequence never decodes to more bytes than it is written in */
        o = sv_pool_alloc(p->pool, t->len + 1);
        if (o == NULL)
            return nomem(p);
        str->s = o;
        for (i = 0, str->len = 0; i < t->len;) {
            n = s[i] == '$' ? encoded(p, str, s + i, t->len - i,
                                      o + str->len, &olen) : 0;
            if (n < 0)
                return -1;
            if (n == 0) {
                o[str->len++] = s[i++];
                continue;
            }
            str->len += olen;
            i += (size_t)n;
        }
        o[str->len] = '\0';
    }
    str->has_var = strstr(str->s, "${") != NULL;
    if (str->has_var && (p->s->ext & SV_EXT_VARIABLES))
        return check_vars(p, str);
    return 0;
}

/* ---- arguments ---- */

static int parse_list(struct sv_parser *p, struct sv_arg *a)
{
    int alloc = 0;

    a->type = SV_LIST;
    if (next(p) < 0)
        return -1;
    for (;;) {
        if (p->tok.type != SV_T_STR)
            return sv_parse_error(p, p->tok.line, p->tok.col, "expecting "
                                  "string after '%s' in string list, but "
                                  "found %s", a->n ? "," : "[",
                                  sv_tok_name(p->tok.type));
        if (grow(p, (void **)&a->v, a->n, &alloc, sizeof(*a->v)) < 0
            || make_str(p, &p->tok, &a->v[a->n]) < 0)
            return -1;
        a->n++;
        if (next(p) < 0)
            return -1;
        if (p->tok.type == SV_T_RBRACKET)
            return next(p);
        if (p->tok.type != SV_T_COMMA)
            return sv_parse_error(p, p->tok.line, p->tok.col, "expecting "
                                  "',' or end of string list ']', but found "
                                  "%s", sv_tok_name(p->tok.type));
        if (next(p) < 0)
            return -1;
    }
}

/* parse_args - strings, lists, numbers and tags up to what is not one */
static int parse_args(struct sv_parser *p, struct sv_node *n)
{
    struct sv_arg *a;
    int alloc = 0;

    for (;;) {
        switch (p->tok.type) {
        case SV_T_STR: case SV_T_LBRACKET: case SV_T_NUM: case SV_T_TAG:
            break;
        default:
            return 0;
        }
        if (grow(p, (void **)&n->args, n->nargs, &alloc, sizeof(*a)) < 0)
            return -1;
        a = &n->args[n->nargs++];
        memset(a, 0, sizeof(*a));
        a->line = p->tok.line;
        a->col = p->tok.col;
        switch (p->tok.type) {
        case SV_T_STR:
            a->type = SV_STR;
            a->n = 1;
            a->v = sv_pool_alloc(p->pool, sizeof(*a->v));
            if (a->v == NULL)
                return nomem(p);
            if (make_str(p, &p->tok, a->v) < 0 || next(p) < 0)
                return -1;
            break;
        case SV_T_LBRACKET:
            if (parse_list(p, a) < 0)
                return -1;
            break;
        case SV_T_NUM:
            a->type = SV_NUM;
            a->num = p->tok.num;
            if (next(p) < 0)
                return -1;
            break;
        default:
            a->type = SV_TAG;
            a->tag = p->tok.text;
            if (next(p) < 0)
                return -1;
            break;
        }
    }
}

/* ---- validation ---- */

static const char *kind_name(const struct sv_node *n)
{
    return n->def->kind == SV_TEST ? "test" : "command";
}

static int ext_on(const struct sv_parser *p, const char *ext)
{
    return ext == NULL || (p->s->ext & sv_ext_bit(ext)) != 0;
}

static const char *type_name(enum sv_argtype t)
{
    static const char *const names[] = {
        [SV_NUM] = "a number", [SV_STR] = "a string",
        [SV_LIST] = "a string list", [SV_TAG] = "a tagged argument",
    };

    return names[t];
}

/* type_ok - whether a fits the grammar letter want (any case) */
static int type_ok(const struct sv_arg *a, char want)
{
    switch (want) {
    case 'N': case 'n': return a->type == SV_NUM;
    case 'S': case 's': return a->type == SV_STR;
    default: return a->type == SV_STR || a->type == SV_LIST;
    }
}

static const char *want_name(char want)
{
    switch (want) {
    case 'N': case 'n': return "a number";
    case 'S': case 's': return "a string";
    default: return "a string list";
    }
}

static const struct {
    const char *name;
    enum sv_match match;
    const char *ext;
} match_types[] = {
    {"is", SV_IS, NULL}, {"contains", SV_CONTAINS, NULL},
    {"matches", SV_MATCHES, NULL}, {"regex", SV_REGEX, "regex"},
    {"value", SV_VALUE, "relational"}, {"count", SV_COUNT, "relational"},
};

static const struct {
    const char *name;
    enum sv_part part;
    const char *ext;
} addr_parts[] = {
    {"all", SV_ALL, NULL}, {"localpart", SV_LOCALPART, NULL},
    {"domain", SV_DOMAIN, NULL}, {"user", SV_USER, "subaddress"},
    {"detail", SV_DETAIL, "subaddress"},
};

static const char *const rel_names[] = {
    [SV_GT] = "gt", [SV_GE] = "ge", [SV_LT] = "lt", [SV_LE] = "le",
    [SV_EQ] = "eq", [SV_NE] = "ne",
};

/*
 * tag_kind - what the tag named is for n: 'M' a match type (*idx its
 * entry), 'C' the comparator, 'A' an address part, 'T' a tag of the
 * command (*td), 0 unknown (also when its extension is not required)
 */
static int tag_kind(const struct sv_parser *p, const struct sv_node *n,
                    const char *name, size_t *idx,
                    const struct sv_tagdef **td)
{
    size_t i;

    if (n->def->flags & SV_F_MATCH)
        for (i = 0; i < sizeof(match_types) / sizeof(match_types[0]); i++)
            if (strcmp(name, match_types[i].name) == 0) {
                *idx = i;
                return ext_on(p, match_types[i].ext) ? 'M' : 0;
            }
    if ((n->def->flags & SV_F_COMPARATOR) && strcmp(name, "comparator") == 0)
        return 'C';
    if (n->def->flags & SV_F_ADDRPART)
        for (i = 0; i < sizeof(addr_parts) / sizeof(addr_parts[0]); i++)
            if (strcmp(name, addr_parts[i].name) == 0) {
                *idx = i;
                return ext_on(p, addr_parts[i].ext) ? 'A' : 0;
            }
    for (*td = n->def->tags; *td != NULL && (*td)->name != NULL; (*td)++)
        if (strcmp(name, (*td)->name) == 0)
            return ext_on(p, (*td)->ext) ? 'T' : 0;
    return 0;
}

/* check_comparator - :comparator's value a known (and required) one */
static int check_comparator(struct sv_parser *p, struct sv_node *n,
                            const struct sv_arg *v)
{
    const char *c = v->v[0].s;

    if (strcasecmp(c, "i;ascii-casemap") == 0)
        n->cmp = SV_CASEMAP;
    else if (strcasecmp(c, "i;octet") == 0)
        n->cmp = SV_OCTET;
    else if (strcasecmp(c, "i;ascii-numeric") == 0
             && (p->s->ext & SV_EXT_NUMERIC))
        n->cmp = SV_NUMERIC;
    else
        return sv_parse_error(p, v->line, v->col, "unknown comparator '%s'",
                              c);
    n->cmp_arg = v;
    return 0;
}

/* check_relational - :value/:count's operator, RFC 5231 (exact case, as
 * Pigeonhole) */
static int check_relational(struct sv_parser *p, struct sv_node *n,
                            const struct sv_arg *v)
{
    for (size_t i = 0; i < sizeof(rel_names) / sizeof(rel_names[0]); i++)
        if (strcmp(v->v[0].s, rel_names[i]) == 0) {
            n->rel = (enum sv_rel)i;
            return 0;
        }
    return sv_parse_error(p, v->line, v->col, "the :%s match-type requires "
                          "a constant string argument being one of \"gt\", "
                          "\"ge\", \"lt\", \"le\", \"eq\" or \"ne\", but "
                          "\"%s\" was found", n->match_arg->tag, v->v[0].s);
}

/*
 * sv_regex_size - an estimate of how big regcomp makes pattern re, and
 * how long it takes: each atom counts once, a bounded repetition or "+"
 * multiplies its operand (glibc copies the subexpression: "x{9}" nested
 * seven times, or "x" and forty "+", take minutes and gigabytes), and
 * squares the factor when the operand matches the empty string (the
 * epsilon closures then grow with the copies: "x*" and twelve "+" take
 * ten seconds).  Saturates at SV_REGEX_MAX + 1, which also stands for
 * more than 64 levels of groups.
 */
static size_t sat(size_t x)
{
    return x > SV_REGEX_MAX ? SV_REGEX_MAX + 1 : x;
}

struct rx_est {
    size_t cur;                 /* the group so far */
    int seq_null;               /* its current branch matches "" so far */
    int alt_null;               /* an earlier branch matches "" */
    size_t atom;                /* the operand the next operator applies to */
    int atom_null, have_atom;
};

/* rx_close - the operand is complete: add it to the group */
static void rx_close(struct rx_est *e)
{
    if (e->have_atom) {
        e->cur = sat(e->cur + e->atom);
        e->seq_null &= e->atom_null;
        e->have_atom = 0;
    }
}

/* rx_atom - a new operand of size and emptiness */
static void rx_atom(struct rx_est *e, size_t size, int null)
{
    rx_close(e);
    e->atom = size;
    e->atom_null = null;
    e->have_atom = 1;
}

/* rx_repeat - the operand repeated up to n times */
static void rx_repeat(struct rx_est *e, size_t n, int min_zero)
{
    if (!e->have_atom)
        return;
    n = sat(n ? n : 1);
    e->atom = sat(e->atom * (e->atom_null ? sat(n * n) : n));
    e->atom_null |= min_zero;
}

size_t sv_regex_size(const char *re)
{
    struct rx_est stack[64], e = {.seq_null = 1};
    const char *p = re;
    size_t m, n;
    int depth = 0, g;

    while (*p) {
        switch (*p) {
        case '\\':
            p += p[1] ? 2 : 1;
            rx_atom(&e, 1, 0);
            continue;
        case '[':
            p++;
            if (*p == '^')
                p++;
            if (*p == ']')
                p++;
            while (*p && *p != ']') {
                if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
                    const char *end = strchr(p + 2, p[1]);

                    p = end != NULL && end[1] == ']' ? end + 2 : p + 1;
                } else {
                    p++;
                }
            }
            if (*p)
                p++;
            rx_atom(&e, 1, 0);
            continue;
        case '(':
            if (depth == 64)
                return SV_REGEX_MAX + 1;
            rx_close(&e);
            stack[depth++] = e;
            e = (struct rx_est){.seq_null = 1};
            p++;
            continue;
        case '|':
            rx_close(&e);
            e.alt_null |= e.seq_null;
            e.seq_null = 1;
            p++;
            continue;
        case ')':
            rx_close(&e);
            m = e.cur ? e.cur : 1;
            g = e.alt_null | e.seq_null;
            if (depth > 0)
                e = stack[--depth];
            else
                e = (struct rx_est){.seq_null = 1};
            rx_atom(&e, m, g);
            p++;
            continue;
        case '{':
            for (m = 0, p++; *p >= '0' && *p <= '9'; p++)
                m = sat(m * 10 + (size_t)(*p - '0'));
            n = m;
            if (*p == ',') {
                n = m + 1;      /* open: one copy more and a star */
                if (p[1] >= '0' && p[1] <= '9')
                    for (n = 0, p++; *p >= '0' && *p <= '9'; p++)
                        n = sat(n * 10 + (size_t)(*p - '0'));
            }
            while (*p && *p != '}')
                p++;
            if (*p)
                p++;
            rx_repeat(&e, n < m ? m : n, m == 0);
            continue;
        case '+':
            /* glibc makes "x+" "xx*" */
            rx_repeat(&e, 2, 0);
            p++;
            continue;
        case '*': case '?':
            if (e.have_atom)
                e.atom_null = 1;
            p++;
            continue;
        case '^': case '$':
            rx_atom(&e, 1, 1);
            p++;
            continue;
        default:
            rx_atom(&e, 1, 0);
            p++;
            continue;
        }
    }
    rx_close(&e);
    while (depth > 0) {
        depth--;
        e.cur = sat(e.cur + stack[depth].cur);
    }
    return e.cur;
}

/* check_regex - the constant keys of a :regex test compile */
static int check_regex(struct sv_parser *p, struct sv_node *n)
{
    const struct sv_arg *keys = n->pos[n->npos - 1];
    char msg[128];
    regex_t re;
    size_t size;
    int rc;

    if (n->cmp == SV_NUMERIC)
        return sv_parse_error(p, n->cmp_arg->line, n->cmp_arg->col, "regex "
                              "match type only supports i;octet and "
                              "i;ascii-casemap comparators");

    for (int i = 0; i < keys->n; i++) {
        if (keys->v[i].has_var && (p->s->ext & SV_EXT_VARIABLES))
            continue;
        size = sv_regex_size(keys->v[i].s);
        if (size > SV_REGEX_MAX)
            return sv_parse_error(p, keys->v[i].line, keys->v[i].col,
                                  "invalid regular expression '%s' for "
                                  "regex match: too complex", keys->v[i].s);
        /* and all of them together: compiling is the parse's cost */
        p->regex_total += size;
        if (p->regex_total > SV_REGEX_TOTAL)
            return sv_parse_error(p, keys->v[i].line, keys->v[i].col,
                                  "regular expressions of the script too "
                                  "complex together");
        rc = regcomp(&re, keys->v[i].s, REG_EXTENDED | REG_NOSUB
                     | (n->cmp == SV_CASEMAP ? REG_ICASE : 0));
        if (rc != 0) {
            regerror(rc, &re, msg, sizeof(msg));
            return sv_parse_error(p, keys->v[i].line, keys->v[i].col,
                                  "invalid regular expression '%s' for "
                                  "regex match: %s", keys->v[i].s, msg);
        }
        regfree(&re);
    }
    return 0;
}

/* check_tags - the leading tagged arguments (and their values) of n;
 * returns the index of the first positional argument */
static int check_tags(struct sv_parser *p, struct sv_node *n)
{
    const struct sv_tagdef *td = NULL;
    const struct sv_arg *a, *val;
    int i, j, kind;
    size_t idx = 0;
    char want;

    /* room for every tag among the arguments (a tag's value comes
     * between two tags) */
    for (i = 0, j = 0; i < n->nargs; i++)
        j += n->args[i].type == SV_TAG;
    if (j > 0 && (n->tags = sv_pool_alloc(p->pool, (size_t)(j < SV_MAX_TAGS
                                                             ? j : SV_MAX_TAGS)
                                          * sizeof(*n->tags))) == NULL)
        return sv_parse_error(p, n->line, n->col, "out of memory");
    for (i = 0; i < n->nargs && n->args[i].type == SV_TAG; i++) {
        a = &n->args[i];
        kind = tag_kind(p, n, a->tag, &idx, &td);
        if (kind == 0)
            return sv_parse_error(p, a->line, a->col, "unknown tagged "
                                  "argument ':%s' for the %s %s", a->tag,
                                  n->name, kind_name(n));
        if (kind == 'M' && n->match_arg != NULL)
            return sv_parse_error(p, a->line, a->col, "encountered duplicate"
                                  " MATCH-TYPE argument (:%s) for the %s %s",
                                  a->tag, n->name, kind_name(n));
        for (j = 0; kind == 'A' && j < n->ntags; j++)
            for (size_t k = 0; k < sizeof(addr_parts) / sizeof(*addr_parts);
                 k++)
                if (strcmp(n->tags[j].name, addr_parts[k].name) == 0)
                    return sv_parse_error(p, a->line, a->col, "encountered "
                                          "duplicate ADDRESS-PART argument "
                                          "(:%s) for the %s %s", a->tag,
                                          n->name, kind_name(n));
        for (j = 0; j < n->ntags; j++)
            if (strcmp(n->tags[j].name, a->tag) == 0)
                return sv_parse_error(p, a->line, a->col, "encountered "
                                      "duplicate :%s argument for the %s %s",
                                      a->tag, n->name, kind_name(n));
        if (n->ntags == SV_MAX_TAGS)
            return sv_parse_error(p, a->line, a->col, "too many tagged "
                                  "arguments for the %s %s", n->name,
                                  kind_name(n));
        want = kind == 'T' ? td->value : kind == 'C' ? 'S'
            : kind == 'M' && match_types[idx].match >= SV_VALUE ? 'S' : 0;
        val = NULL;
        if (want) {
            if (i + 1 >= n->nargs || !type_ok(&n->args[i + 1], want))
                return sv_parse_error(p, a->line, a->col, "the :%s tag for "
                                      "the %s %s requires %s as argument, "
                                      "but %s was found", a->tag, n->name,
                                      kind_name(n), want_name(want),
                                      i + 1 >= n->nargs ? "none" :
                                      type_name(n->args[i + 1].type));
            val = &n->args[++i];
        }
        n->tags[n->ntags].name = kind == 'T' ? td->name : a->tag;
        n->tags[n->ntags].tag = a;
        n->tags[n->ntags].value = val;
        n->ntags++;
        if (kind == 'M') {
            n->match = match_types[idx].match;
            n->match_arg = a;
            if (val != NULL && check_relational(p, n, val) < 0)
                return -1;
        } else if (kind == 'C') {
            if (check_comparator(p, n, val) < 0)
                return -1;
        } else if (kind == 'A') {
            n->part = addr_parts[idx].part;
        }
    }
    return i;
}

/* check_pos - the positional arguments from first, against def->pos */
static int check_pos(struct sv_parser *p, struct sv_node *n, int first)
{
    const char *want = n->def->pos;
    int max = (int)strlen(want), req = 0, given = n->nargs - first, opt, i,
        k;

    for (i = 0; i < max; i++)
        req += want[i] >= 'A' && want[i] <= 'Z';
    for (i = first; i < n->nargs; i++)
        if (n->args[i].type == SV_TAG)
            return sv_parse_error(p, n->args[i].line, n->args[i].col,
                                  "encountered an unexpected tagged argument"
                                  " ':%s' while validating positional "
                                  "arguments for the %s %s",
                                  n->args[i].tag, n->name, kind_name(n));
    if (given < req || given > max)
        return sv_parse_error(p, n->line, n->col, "the %s %s requires %d "
                              "positional argument(s), but %d is/are "
                              "specified", n->name, kind_name(n), req,
                              given);
    /* the optional ones (at the front) are taken first, as many as the
     * count allows; absent ones stay NULL in pos[] */
    opt = given - req;
    n->npos = max;
    for (i = 0, k = first; i < max; i++) {
        if (want[i] >= 'a' && want[i] <= 'z' && opt-- <= 0)
            continue;
        if (!type_ok(&n->args[k], want[i]))
            return sv_parse_error(p, n->args[k].line, n->args[k].col,
                                  "the %s %s expects %s as argument %d, but "
                                  "%s was found", n->name, kind_name(n),
                                  want_name(want[i]), i + 1,
                                  type_name(n->args[k].type));
        n->pos[i] = &n->args[k++];
    }
    return 0;
}

/* validate - n against its grammar entry; paren: its tests came as a list */
static int validate(struct sv_parser *p, struct sv_node *n, int paren)
{
    const struct sv_def *d = n->def;
    int first;

    if ((d->flags & SV_F_TEST) && (n->ntests != 1 || paren))
        return sv_parse_error(p, n->line, n->col, "the %s %s requires one "
                              "sub-test, but %s is specified", n->name,
                              kind_name(n), paren ? "a list of tests" :
                              "none");
    if ((d->flags & SV_F_TESTLIST) && (n->ntests == 0 || !paren))
        return sv_parse_error(p, n->line, n->col, "the %s test requires a "
                              "list of sub-tests, but %s is specified",
                              n->name, n->ntests ? "a single test" : "none");
    if (!(d->flags & (SV_F_TEST | SV_F_TESTLIST)) && n->ntests > 0)
        return sv_parse_error(p, n->tests[0]->line, n->tests[0]->col,
                              "the %s %s accepts no sub-tests", n->name,
                              kind_name(n));
    if ((d->flags & SV_F_BLOCK) && !n->has_block)
        return sv_parse_error(p, n->line, n->col, "the %s command requires "
                              "a command block, but it is missing", n->name);
    if (!(d->flags & SV_F_BLOCK) && n->has_block)
        return sv_parse_error(p, n->line, n->col, "the %s command does not "
                              "accept a command block", n->name);
    n->match = SV_IS;
    n->cmp = SV_CASEMAP;
    n->part = SV_ALL;
    if ((first = check_tags(p, n)) < 0 || check_pos(p, n, first) < 0)
        return -1;
    if (n->cmp == SV_NUMERIC
        && (n->match == SV_CONTAINS || n->match == SV_MATCHES))
        return sv_parse_error(p, n->match_arg->line, n->match_arg->col,
                              "the specified i;ascii-numeric comparator does"
                              " not support sub-string matching as required"
                              " by the :%s match type", n->match_arg->tag);
    if (n->match == SV_REGEX && check_regex(p, n) < 0)
        return -1;
    return d->validate ? d->validate(p, n) : 0;
}

/* do_require - require's extensions take effect now */
static int do_require(struct sv_parser *p, struct sv_node *n)
{
    const struct sv_arg *a = n->pos[0];
    unsigned long bit;

    if (p->depth > 0 || p->commands > 0)
        return sv_parse_error(p, n->line, n->col, "require commands can "
                              "only be placed at top level at the beginning "
                              "of the file");
    for (int i = 0; i < a->n; i++) {
        bit = sv_ext_bit(a->v[i].s);
        if (bit == 0 && strcmp(a->v[i].s, "comparator-i;octet") != 0
            && strcmp(a->v[i].s, "comparator-i;ascii-casemap") != 0)
            return sv_parse_error(p, a->v[i].line, a->v[i].col,
                                  "unsupported extension '%s'", a->v[i].s);
        /* spamtestplus and vacation-seconds extend, and imply, the
         * extension they build on (as Pigeonhole takes them) */
        if (bit == SV_EXT_SPAMTESTPLUS)
            bit |= SV_EXT_SPAMTEST;
        if (bit == SV_EXT_VACATION_SECONDS)
            bit |= SV_EXT_VACATION;
        p->s->ext |= bit;
    }
    return 0;
}

/* ---- commands, tests, blocks ---- */

static int parse_test(struct sv_parser *p, struct sv_node **out);

/* parse_subtests - after the arguments: one test, a test list, or none;
 * *paren set for a list */
static int parse_subtests(struct sv_parser *p, struct sv_node *n,
                          int *paren)
{
    int alloc = 0;

    *paren = 0;
    if (p->tok.type == SV_T_ID && n->def->kind == SV_COMMAND
        && !(n->def->flags & (SV_F_TEST | SV_F_TESTLIST))
        && sv_grammar_find(p->tok.text, SV_TEST) == NULL)
        return sv_parse_error(p, p->end_line, p->end_col, "missing "
                              "semicolon ';' after the %s command",
                              n->name);
    if (p->tok.type == SV_T_ID) {
        n->tests = sv_pool_alloc(p->pool, sizeof(*n->tests));
        if (n->tests == NULL)
            return nomem(p);
        n->ntests = 1;
        return parse_test(p, &n->tests[0]);
    }
    if (p->tok.type != SV_T_LPAREN)
        return 0;
    *paren = 1;
    do {
        if (next(p) < 0
            || grow(p, (void **)&n->tests, n->ntests, &alloc,
                    sizeof(*n->tests)) < 0
            || parse_test(p, &n->tests[n->ntests]) < 0)
            return -1;
        n->ntests++;
    } while (p->tok.type == SV_T_COMMA);
    if (p->tok.type != SV_T_RPAREN)
        return sv_parse_error(p, p->tok.line, p->tok.col, "expecting ',' or"
                              " end of test list ')', but found %s",
                              sv_tok_name(p->tok.type));
    return next(p);
}

/* new_node - a node for the identifier token at hand, of kind */
static int new_node(struct sv_parser *p, enum sv_kind kind,
                    struct sv_node **out)
{
    struct sv_node *n;

    if (p->tok.type != SV_T_ID)
        return sv_parse_error(p, p->tok.line, p->tok.col, "expected %s name,"
                              " but found %s", kind == SV_TEST ? "a test" :
                              "a command", sv_tok_name(p->tok.type));
    n = *out = sv_pool_alloc(p->pool, sizeof(*n));
    if (n == NULL)
        return nomem(p);
    n->name = p->tok.text;
    n->line = p->tok.line;
    n->col = p->tok.col;
    n->def = sv_grammar_find(n->name, kind);
    if (n->def == NULL || !ext_on(p, n->def->ext))
        return sv_parse_error(p, n->line, n->col, "unknown %s '%s'",
                              kind == SV_TEST ? "test" : "command", n->name);
    return next(p);
}

/* parse_test - one test and what it holds, bounded in depth */
static int parse_test(struct sv_parser *p, struct sv_node **out)
{
    int paren, rc;

    /* as Pigeonhole counts: the command holding the tests is a level */
    if (p->tdepth + 1 >= SV_MAX_NESTING)
        return sv_parse_error(p, p->tok.line, p->tok.col, "cannot nest tests"
                              " deeper than %d levels", SV_MAX_NESTING);
    p->tdepth++;
    rc = new_node(p, SV_TEST, out) < 0 || parse_args(p, *out) < 0
        || parse_subtests(p, *out, &paren) < 0
        || validate(p, *out, paren) < 0 ? -1 : 0;
    p->tdepth--;
    return rc;
}

static int parse_block(struct sv_parser *p, struct sv_node **first);

/* parse_command - one command, its tests and block; prev: the command
 * before it */
static int parse_command(struct sv_parser *p, struct sv_node **out,
                         enum sv_id prev)
{
    struct sv_node *n;
    int paren;

    if (new_node(p, SV_COMMAND, out) < 0)
        return -1;
    n = *out;
    if ((n->def->id == SV_ELSIF || n->def->id == SV_ELSE)
        && prev != SV_IF && prev != SV_ELSIF)
        return sv_parse_error(p, n->line, n->col, "the %s command must "
                              "follow an if or elsif command", n->name);
    if (parse_args(p, n) < 0 || parse_subtests(p, n, &paren) < 0)
        return -1;
    if (p->tok.type == SV_T_LBRACE) {
        /* as Pigeonhole counts: the top level is a level */
        if (p->depth + 1 >= SV_MAX_NESTING)
            return sv_parse_error(p, p->tok.line, p->tok.col, "cannot nest "
                                  "command blocks deeper than %d levels",
                                  SV_MAX_NESTING);
        n->has_block = 1;
        p->depth++;
        if (next(p) < 0 || parse_block(p, &n->block) < 0)
            return -1;
        p->depth--;
        if (p->tok.type != SV_T_RBRACE)
            return sv_parse_error(p, p->tok.line, p->tok.col, "expected end "
                                  "of compound block '}', but found %s",
                                  sv_tok_name(p->tok.type));
    } else if (p->tok.type != SV_T_SEMI) {
        return sv_parse_error(p, p->end_line, p->end_col, "expected end of "
                              "command ';' or the beginning of a compound "
                              "block '{', but found %s",
                              sv_tok_name(p->tok.type));
    }
    if (validate(p, n, paren) < 0)
        return -1;
    if (n->def->id == SV_REQUIRE) {
        if (do_require(p, n) < 0)
            return -1;
    } else {
        p->commands++;
    }
    return next(p);
}

/* parse_block - commands up to '}' or the end of the script */
static int parse_block(struct sv_parser *p, struct sv_node **first)
{
    struct sv_node **link = first;
    enum sv_id prev = SV_ID_MAX;

    while (p->tok.type == SV_T_ID) {
        if (parse_command(p, link, prev) < 0)
            return -1;
        prev = (*link)->def->id;
        link = &(*link)->next;
    }
    return 0;
}

/* ---- scripts and includes ---- */

struct sv_loader {
    const struct sieve_conf *conf;
    struct sieve_error *err;
    struct sv_inc {
        int global;
        const char *name;       /* in the including script's pool */
        struct sieve_script *s;
        int busy;               /* being parsed: including it is a cycle */
    } *v;
    int n, a;
};

/* read_script - the file at path into a malloc'd buffer (NUL added) */
static int read_script(const struct sieve_conf *conf, const char *path,
                       char **buf, size_t *len, struct sieve_error *err)
{
    struct stat st;
    ssize_t r;
    size_t got = 0;
    int fd, e;

    *buf = NULL;
    /* O_NONBLOCK: a FIFO in the script's place must not hang the
     * delivery; it is refused below, and means nothing to a file */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        goto fail;
    if (fstat(fd, &st) < 0)
        goto fail;
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        snprintf(err->text, sizeof(err->text), "read '%s': not a regular "
                 "file", path);
        errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        return -1;
    }
    if (conf->max_script_size
        && (uint64_t)st.st_size > conf->max_script_size) {
        close(fd);
        snprintf(err->text, sizeof(err->text), "script is too large "
                 "(max %llu bytes)",
                 (unsigned long long)conf->max_script_size);
        errno = EFBIG;
        return -1;
    }
    *buf = malloc((size_t)st.st_size + 1);
    if (*buf == NULL)
        goto fail;
    while (got < (size_t)st.st_size) {
        r = read(fd, *buf + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            goto fail;
        if (r == 0)
            break;              /* shrunk meanwhile: what is there */
        got += (size_t)r;
    }
    close(fd);
    (*buf)[got] = '\0';
    *len = got;
    return 0;
fail:
    e = errno;
    if (fd >= 0)
        close(fd);
    free(*buf);
    *buf = NULL;
    snprintf(err->text, sizeof(err->text), "read '%s': %s", path,
             strerror(e));
    errno = e;
    return -1;
}

/* free_one - one script's pool (the script lives in it) */
static void free_one(struct sieve_script *s)
{
    if (s != NULL)
        sv_pool_free(s->pool);
}

static int parse_script(struct sv_loader *ld, const char *name,
                        const char *text, size_t len, int depth,
                        struct sieve_script **out);

/* resolve - the include commands of p's script, loaded or found */
static int resolve(struct sv_loader *ld, struct sv_parser *p, int depth)
{
    char path[2048];
    const char *dir, *nm;
    struct sv_node *n;
    struct sieve_script *sub;
    size_t len;
    char *text;
    int i, k, global, rc;

    for (i = 0; i < p->nincs; i++) {
        n = p->incs[i];
        global = sv_tag(n, "global") != NULL;
        nm = n->pos[0]->v[0].s;
        for (k = 0; k < ld->n; k++)
            if (ld->v[k].global == global && strcmp(ld->v[k].name, nm) == 0)
                break;
        if (k < ld->n) {
            if (ld->v[k].busy)
                return sv_parse_error(p, n->line, n->col, "circular include"
                                      " of %s script '%s'", global ?
                                      "global" : "personal", nm);
            n->data = ld->v[k].s;
            continue;
        }
        if (depth + 1 > SV_MAX_INCLUDE_DEPTH)
            return sv_parse_error(p, n->line, n->col, "cannot nest includes"
                                  " deeper than %d levels",
                                  SV_MAX_INCLUDE_DEPTH);
        if (ld->n >= SV_MAX_INCLUDES)
            return sv_parse_error(p, n->line, n->col, "too many includes "
                                  "(max %d)", SV_MAX_INCLUDES);
        dir = global ? ld->conf->global_dir : ld->conf->personal_dir;
        /* Pigeonhole's file storage names script "x" x.sieve */
        if (dir[0] == '\0' || (size_t)snprintf(path, sizeof(path),
                                               "%s/%s.sieve", dir, nm)
            >= sizeof(path)) {
            errno = ENOENT;
            rc = -1;
        } else {
            rc = read_script(ld->conf, path, &text, &len, ld->err);
        }
        if (rc < 0 && errno == ENOENT) {
            if (sv_tag(n, "optional") != NULL)
                continue;
            return sv_parse_error(p, n->line, n->col, "included %s script "
                                  "'%s' does not exist", global ? "global" :
                                  "personal", nm);
        }
        if (rc < 0) {
            char why[sizeof(ld->err->text)];

            memcpy(why, ld->err->text, sizeof(why));
            return sv_parse_error(p, n->line, n->col, "include %s script "
                                  "'%s': %s", global ? "global" :
                                  "personal", nm, why);
        }
        if (ld->n == ld->a) {
            int a = ld->a ? ld->a * 2 : 8;
            struct sv_inc *v = realloc(ld->v, (size_t)a * sizeof(*v));

            if (v == NULL) {
                free(text);
                return nomem(p);
            }
            ld->v = v;
            ld->a = a;
        }
        k = ld->n++;
        ld->v[k] = (struct sv_inc){.global = global, .name = nm, .busy = 1};
        rc = parse_script(ld, path, text, len, depth + 1, &sub);
        free(text);
        if (rc < 0)
            return -1;
        ld->v[k].s = sub;
        ld->v[k].busy = 0;
        n->data = sub;
    }
    return 0;
}

/* parse_script - text as the script name, its includes resolved (depth: how
 * deep it is included) */
static int parse_script(struct sv_loader *ld, const char *name,
                        const char *text, size_t len, int depth,
                        struct sieve_script **out)
{
    struct sv_parser p;
    struct sieve_script *s;
    struct sv_pool *pool;

    *out = NULL;
    memset(&p, 0, sizeof(p));
    pool = sv_pool_new();
    if (pool == NULL || (s = sv_pool_alloc(pool, sizeof(*s))) == NULL
        || (s->text = sv_pool_alloc(pool, len + 1)) == NULL) {
        sv_pool_free(pool);
        snprintf(ld->err->file, sizeof(ld->err->file), "%s", name);
        snprintf(ld->err->text, sizeof(ld->err->text), "out of memory");
        return -1;
    }
    s->pool = pool;
    snprintf(s->name, sizeof(s->name), "%s", name);
    memcpy(s->text, text, len);
    p.conf = ld->conf;
    p.s = s;
    p.pool = pool;
    p.err = ld->err;
    if (ld->conf->max_script_size && len > ld->conf->max_script_size) {
        sv_parse_error(&p, 0, 0, "script is too large (max %llu bytes)",
                       (unsigned long long)ld->conf->max_script_size);
        goto fail;
    }
    sv_lex_init(&p.lx, s->text, len, pool, ld->err);
    if (next(&p) < 0 || parse_block(&p, &s->first) < 0)
        goto fail;
    if (p.tok.type != SV_T_EOF) {
        sv_parse_error(&p, p.tok.line, p.tok.col, "unexpected %s found at "
                       "(the presumed) end of file",
                       sv_tok_name(p.tok.type));
        goto fail;
    }
    if (resolve(ld, &p, depth) < 0)
        goto fail;
    *out = s;
    return 0;
fail:
    sv_pool_free(pool);
    return -1;
}

/* load - parse the script and its includes; the root owns them all */
static int load(const struct sieve_conf *conf, const char *name,
                const char *text, size_t len, struct sieve_script **out,
                struct sieve_error *err)
{
    struct sv_loader ld = {.conf = conf, .err = err};
    struct sieve_script *s;
    int i, rc;

    memset(err, 0, sizeof(*err));
    rc = parse_script(&ld, name, text, len, 0, &s);
    if (rc == 0 && ld.n > 0) {
        s->includes = sv_pool_alloc(s->pool,
                                    (size_t)ld.n * sizeof(*s->includes));
        if (s->includes == NULL) {
            snprintf(err->file, sizeof(err->file), "%s", name);
            snprintf(err->text, sizeof(err->text), "out of memory");
            free_one(s);
            rc = -1;
        }
    }
    for (i = 0; i < ld.n; i++) {
        if (rc == 0 && ld.v[i].s != NULL)
            s->includes[s->nincludes++] = ld.v[i].s;
        else
            free_one(ld.v[i].s);
    }
    free(ld.v);
    if (rc < 0) {
        errno = EINVAL;
        return -1;
    }
    *out = s;
    return 0;
}

int sieve_load(const struct sieve_conf *conf, const char *path,
               struct sieve_script **out, struct sieve_error *err)
{
    size_t len;
    char *text;
    int rc, e;

    *out = NULL;
    memset(err, 0, sizeof(*err));
    if (read_script(conf, path, &text, &len, err) < 0) {
        e = errno;
        snprintf(err->file, sizeof(err->file), "%s", path);
        if (e == ENOENT)
            snprintf(err->text, sizeof(err->text), "script does not exist");
        errno = e;
        return -1;
    }
    rc = load(conf, path, text, len, out, err);
    e = errno;
    free(text);
    errno = e;
    return rc;
}

int sieve_parse_text(const struct sieve_conf *conf, const char *name,
                     const char *text, size_t len,
                     struct sieve_script **out, struct sieve_error *err)
{
    *out = NULL;
    return load(conf, name, text, len, out, err);
}

void sieve_script_free(struct sieve_script *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < s->nincludes; i++)
        free_one(s->includes[i]);
    free_one(s);
}

const struct sv_arg *sv_tag(const struct sv_node *n, const char *name)
{
    for (int i = 0; i < n->ntags; i++)
        if (strcmp(n->tags[i].name, name) == 0)
            return n->tags[i].value ? n->tags[i].value : n->tags[i].tag;
    return NULL;
}
