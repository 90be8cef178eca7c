/*
 * lex.c - Sieve tokens (RFC 5228 section 8.1), and the pool the parse
 * allocates from
 *
 * Decisions, as Pigeonhole 0.5.19 (sievec) makes them:
 * - A NUL byte anywhere (string, comment, between tokens) is an error:
 *   a C string could not carry it, and Pigeonhole refuses it too.
 * - Invalid UTF-8 in a string is accepted here, as Pigeonhole does;
 *   the commands that need UTF-8 (fileinto's folder) check it.
 * - In a quoted string "\\" and "\"" are the escapes; any other
 *   backslash is dropped and the character after it kept (RFC 5228
 *   2.4.2).  Line ends in strings stay as written (CRLF or LF).
 * - A number that does not fit 64 bits, with or without its K, M or G,
 *   is an error ("number exceeds integer limits"), as in Pigeonhole.
 * - "text:" ends at a line holding only "." and its line end; the end
 *   of the file before that line is an error.
 * - A CR not followed by LF is an error in a string (Pigeonhole: "stray
 *   carriage-return"), white space elsewhere.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"

/* ---- the pool ---- */

#define POOL_BLOCK 8192

struct sv_block {
    struct sv_block *next;
    size_t size, used;
    _Alignas(max_align_t) unsigned char data[];
};

struct sv_pool {
    struct sv_block *head;
};

struct sv_pool *sv_pool_new(void)
{
    return calloc(1, sizeof(struct sv_pool));
}

void *sv_pool_alloc(struct sv_pool *pool, size_t len)
{
    struct sv_block *b = pool->head;
    size_t align = _Alignof(max_align_t), size;
    void *r;

    len = (len + align - 1) & ~(align - 1);
    if (len == 0)
        len = align;
    if (b == NULL || b->size - b->used < len) {
        size = len > POOL_BLOCK / 2 ? len : POOL_BLOCK;
        if (size > SIZE_MAX - sizeof(*b))
            return NULL;
        b = malloc(sizeof(*b) + size);
        if (b == NULL)
            return NULL;
        b->size = size;
        b->used = 0;
        /* a big allocation goes behind the current block, so the
         * current one keeps serving small ones */
        if (len > POOL_BLOCK / 2 && pool->head != NULL) {
            b->next = pool->head->next;
            pool->head->next = b;
        } else {
            b->next = pool->head;
            pool->head = b;
        }
    }
    r = b->data + b->used;
    b->used += len;
    memset(r, 0, len);
    return r;
}

void sv_pool_free(struct sv_pool *pool)
{
    struct sv_block *b, *next;

    if (pool == NULL)
        return;
    for (b = pool->head; b != NULL; b = next) {
        next = b->next;
        free(b);
    }
    free(pool);
}

/* ---- the lexer ---- */

void sv_lex_init(struct sv_lexer *lx, const char *text, size_t len,
                 struct sv_pool *pool, struct sieve_error *err)
{
    memset(lx, 0, sizeof(*lx));
    lx->p = lx->bol = text;
    lx->end = text + len;
    lx->line = 1;
    lx->pool = pool;
    lx->err = err;
}

/* lex_error - an error at line, col: always -1 */
__attribute__((format(printf, 4, 5)))
static int lex_error(struct sv_lexer *lx, int line, int col,
                     const char *fmt, ...)
{
    va_list ap;

    lx->err->line = line;
    lx->err->col = col;
    va_start(ap, fmt);
    vsnprintf(lx->err->text, sizeof(lx->err->text), fmt, ap);
    va_end(ap);
    return -1;
}

static int col_of(const struct sv_lexer *lx, const char *at)
{
    return (int)(at - lx->bol) + 1;
}

/* newline - the byte at p is a LF: a new line begins after it */
static void newline(struct sv_lexer *lx, const char *p)
{
    lx->line++;
    lx->bol = p + 1;
}

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int nul_error(struct sv_lexer *lx, const char *at, const char *where)
{
    return lex_error(lx, lx->line, col_of(lx, at),
                     "encountered NUL character in %s", where);
}

/* skip_blank - white space and comments before a token */
static int skip_blank(struct sv_lexer *lx)
{
    const char *p;
    int line, col;

    while (lx->p < lx->end) {
        p = lx->p;
        if (*p == ' ' || *p == '\t' || *p == '\r') {
            lx->p++;
        } else if (*p == '\n') {
            newline(lx, p);
            lx->p++;
        } else if (*p == '#') {
            for (; p < lx->end && *p != '\n'; p++)
                if (*p == '\0')
                    return nul_error(lx, p, "hash comment");
            lx->p = p;
        } else if (*p == '/' && p + 1 < lx->end && p[1] == '*') {
            line = lx->line;
            col = col_of(lx, p);
            for (p += 2;; p++) {
                if (p >= lx->end)
                    return lex_error(lx, line, col, "end of file before end "
                                     "of bracket comment ('/* ... */')");
                if (*p == '\0')
                    return nul_error(lx, p, "bracket comment");
                if (*p == '\n')
                    newline(lx, p);
                if (*p == '*' && p + 1 < lx->end && p[1] == '/')
                    break;
            }
            lx->p = p + 2;
        } else {
            break;
        }
    }
    return 0;
}

/* lex_number - digits and an optional K, M or G; saturation is an error */
static int lex_number(struct sv_lexer *lx, struct sv_token *t)
{
    uint64_t n = 0, mul = 1;
    const char *p = lx->p;
    int over = 0;

    for (; p < lx->end && is_digit(*p); p++) {
        if (n > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
            over = 1;
        else
            n = n * 10 + (uint64_t)(*p - '0');
    }
    if (p < lx->end) {
        switch (*p) {
        case 'k': case 'K': mul = 1ULL << 10; p++; break;
        case 'm': case 'M': mul = 1ULL << 20; p++; break;
        case 'g': case 'G': mul = 1ULL << 30; p++; break;
        default: break;
        }
    }
    if (!over && n > UINT64_MAX / mul)
        over = 1;
    if (over)
        return lex_error(lx, t->line, t->col, "number exceeds integer limits "
                         "(max %llu)", (unsigned long long)UINT64_MAX);
    t->type = SV_T_NUM;
    t->num = n * mul;
    lx->p = p;
    return 0;
}

/* lex_quoted - a quoted string, escapes undone */
static int lex_quoted(struct sv_lexer *lx, struct sv_token *t)
{
    const char *p, *start = lx->p + 1;
    char *o;

    /* first the extent, counting lines; then the copy */
    for (p = start;; p++) {
        if (p >= lx->end)
            return lex_error(lx, t->line, t->col, "end of file before end of "
                             "quoted string started at line %d", t->line);
        if (*p == '\0')
            return lex_error(lx, lx->line, col_of(lx, p), "encountered NUL "
                             "character in quoted string started at line %d",
                             t->line);
        if (*p == '\\') {
            if (p + 1 < lx->end && p[1] == '\n')
                newline(lx, p + 1);
            if (p + 1 < lx->end && p[1] == '\0')
                return nul_error(lx, p + 1, "quoted string");
            if (p + 1 < lx->end)
                p++;
            continue;
        }
        if (*p == '\r' && (p + 1 >= lx->end || p[1] != '\n'))
            return lex_error(lx, lx->line, col_of(lx, p), "found stray "
                             "carriage-return (CR) character in quoted "
                             "string started at line %d", t->line);
        if (*p == '\n')
            newline(lx, p);
        if (*p == '"')
            break;
    }
    t->text = o = sv_pool_alloc(lx->pool, (size_t)(p - start) + 1);
    if (o == NULL)
        return lex_error(lx, t->line, t->col, "out of memory");
    for (const char *q = start; q < p; q++) {
        if (*q == '\\')
            q++;
        *o++ = *q;
    }
    *o = '\0';
    t->len = (size_t)(o - t->text);
    t->type = SV_T_STR;
    lx->p = p + 1;
    return 0;
}

/* line_end - the length of the line end at p (LF or CRLF), 0: none */
static size_t line_end(const struct sv_lexer *lx, const char *p)
{
    if (p < lx->end && *p == '\n')
        return 1;
    if (p + 1 < lx->end && p[0] == '\r' && p[1] == '\n')
        return 2;
    return 0;
}

/* lex_text - "text:" seen at lx->p: a multi-line string, unstuffed */
static int lex_text(struct sv_lexer *lx, struct sv_token *t)
{
    const char *p = lx->p + 5, *start, *stop, *q, *nl;
    size_t e;
    char *o;

    while (p < lx->end && (*p == ' ' || *p == '\t'))
        p++;
    if (p < lx->end && *p == '#') {
        for (; p < lx->end && *p != '\n'; p++)
            if (*p == '\0')
                return nul_error(lx, p, "hash comment");
    }
    if ((e = line_end(lx, p)) == 0)
        return lex_error(lx, lx->line, col_of(lx, p), p < lx->end ?
                         "invalid character after 'text:' of a multi-line "
                         "string" : "end of file before end of multi-line "
                         "string");
    newline(lx, p + e - 1);
    start = p + e;
    /* the lines up to one of a lone "." */
    for (p = start;; p = nl + e) {
        for (nl = p; nl < lx->end && *nl != '\n'; nl++) {
            if (*nl == '\0')
                return lex_error(lx, lx->line, col_of(lx, nl), "encountered "
                                 "NUL character in multi-line string");
            if (*nl == '\r' && (nl + 1 >= lx->end || nl[1] != '\n'))
                return lex_error(lx, lx->line, col_of(lx, nl), "found stray "
                                 "carriage-return (CR) character in "
                                 "multi-line string started at line %d",
                                 t->line);
        }
        if (nl >= lx->end)
            return lex_error(lx, lx->line, col_of(lx, nl), "end of file "
                             "before end of multi-line string");
        e = 1;
        newline(lx, nl);
        if (*p == '.' && (nl == p + 1 || (nl == p + 2 && p[1] == '\r')))
            break;
    }
    stop = p;
    t->text = o = sv_pool_alloc(lx->pool, (size_t)(stop - start) + 1);
    if (o == NULL)
        return lex_error(lx, t->line, t->col, "out of memory");
    for (q = start; q < stop;) {
        if (*q == '.' && q + 1 < stop && q[1] == '.')
            q++;                /* dot-stuffed line */
        for (; q < stop && *q != '\n'; q++)
            *o++ = *q;
        if (q < stop)
            *o++ = *q++;
    }
    *o = '\0';
    t->len = (size_t)(o - t->text);
    t->type = SV_T_STR;
    lx->p = nl + 1;
    return 0;
}

/* lex_word - an identifier or a tag (at ':'), lowercased */
static int lex_word(struct sv_lexer *lx, struct sv_token *t)
{
    const char *p = lx->p, *start;
    size_t i;

    if (*p == ':') {
        p++;
        if (p >= lx->end || !is_alpha(*p))
            return lex_error(lx, t->line, t->col, "expected an identifier "
                             "after ':' of a tagged argument");
        t->type = SV_T_TAG;
    } else {
        t->type = SV_T_ID;
    }
    start = p;
    while (p < lx->end && (is_alpha(*p) || is_digit(*p)))
        p++;
    if (t->type == SV_T_ID && p - start == 4 && p < lx->end && *p == ':'
        && strncasecmp(start, "text", 4) == 0)
        return lex_text(lx, t);
    t->len = (size_t)(p - start);
    t->text = sv_pool_alloc(lx->pool, t->len + 1);
    if (t->text == NULL)
        return lex_error(lx, t->line, t->col, "out of memory");
    for (i = 0; i < t->len; i++)
        t->text[i] = (char)((start[i] >= 'A' && start[i] <= 'Z')
                            ? start[i] - 'A' + 'a' : start[i]);
    lx->p = p;
    return 0;
}

int sv_lex_next(struct sv_lexer *lx, struct sv_token *t)
{
    static const struct { char c; enum sv_toktype type; } punct[] = {
        {'[', SV_T_LBRACKET}, {']', SV_T_RBRACKET}, {',', SV_T_COMMA},
        {';', SV_T_SEMI}, {'{', SV_T_LBRACE}, {'}', SV_T_RBRACE},
        {'(', SV_T_LPAREN}, {')', SV_T_RPAREN},
    };
    unsigned char c;
    size_t i;

    memset(t, 0, sizeof(*t));
    if (skip_blank(lx) < 0)
        return -1;
    t->line = lx->line;
    t->col = col_of(lx, lx->p);
    if (lx->p >= lx->end) {
        t->type = SV_T_EOF;
        return 0;
    }
    c = (unsigned char)*lx->p;
    for (i = 0; i < sizeof(punct) / sizeof(punct[0]); i++) {
        if (punct[i].c == (char)c) {
            t->type = punct[i].type;
            lx->p++;
            return 0;
        }
    }
    if (c == '"')
        return lex_quoted(lx, t);
    if (is_digit(c))
        return lex_number(lx, t);
    if (is_alpha(c) || c == ':')
        return lex_word(lx, t);
    if (c == '\0')
        return nul_error(lx, lx->p, "script");
    if (c > ' ' && c < 0x7f)
        return lex_error(lx, t->line, t->col, "unexpected character '%c'", c);
    return lex_error(lx, t->line, t->col, "unexpected character(s) starting "
                     "with 0x%02x", c);
}

const char *sv_tok_name(enum sv_toktype type)
{
    static const char *const names[] = {
        [SV_T_EOF] = "end of file", [SV_T_ID] = "identifier",
        [SV_T_TAG] = "tagged argument", [SV_T_NUM] = "number",
        [SV_T_STR] = "string", [SV_T_LBRACKET] = "'['",
        [SV_T_RBRACKET] = "']'", [SV_T_COMMA] = "','", [SV_T_SEMI] = "';'",
        [SV_T_LBRACE] = "'{'", [SV_T_RBRACE] = "'}'", [SV_T_LPAREN] = "'('",
        [SV_T_RPAREN] = "')'",
    };

    return names[type];
}

int sv_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + len;
    uint32_t cp;
    int n;

    while (p < e) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        if (*p >= 0xc2 && *p <= 0xdf) {
            n = 1; cp = *p & 0x1f;
        } else if (*p >= 0xe0 && *p <= 0xef) {
            n = 2; cp = *p & 0x0f;
        } else if (*p >= 0xf0 && *p <= 0xf4) {
            n = 3; cp = *p & 0x07;
        } else {
            return 0;
        }
        if (e - p <= n)
            return 0;
        for (int i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)
            || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        p += n + 1;
    }
    return 1;
}

/* at most 64 characters, as Pigeonhole's variable names */
int sv_var_name_valid(const char *s)
{
    const char *b = s;

    if (!is_alpha(*s))
        return 0;
    for (s++; *s; s++)
        if (!is_alpha(*s) && !is_digit(*s))
            return 0;
    return s - b <= SV_MAX_VAR_NAME;
}
