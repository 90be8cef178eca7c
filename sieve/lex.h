/*
 * lex.h - the Sieve lexer (RFC 5228 section 8), the parser's memory
 * pool and the parser state its validators share
 *
 * The lexer turns script bytes into tokens with their line and column
 * (1-based; the column of the token's first byte).  Quoted strings come
 * out with their escapes undone, multi-line strings dot-unstuffed;
 * encoded-character is the parser's, as it depends on require.
 */
#ifndef LDA_SIEVE_LEX_H
#define LDA_SIEVE_LEX_H

#include <stddef.h>
#include <stdint.h>

#include "ast.h"

/* A pool: many allocations, freed at once. */
struct sv_pool;
struct sv_pool *sv_pool_new(void);
/* sv_pool_alloc - len zeroed bytes, aligned for any type; NULL: ENOMEM */
void *sv_pool_alloc(struct sv_pool *pool, size_t len);
void sv_pool_free(struct sv_pool *pool);

enum sv_toktype {
    SV_T_EOF, SV_T_ID, SV_T_TAG, SV_T_NUM, SV_T_STR, SV_T_LBRACKET,
    SV_T_RBRACKET, SV_T_COMMA, SV_T_SEMI, SV_T_LBRACE, SV_T_RBRACE,
    SV_T_LPAREN, SV_T_RPAREN
};

struct sv_token {
    enum sv_toktype type;
    int line, col;
    char *text;         /* ID, TAG (lowercased, no ':'), STR: in the pool */
    size_t len;
    uint64_t num;       /* NUM */
};

struct sv_lexer {
    const char *p, *end;
    const char *bol;    /* where the current line begins */
    int line;
    struct sv_pool *pool;
    struct sieve_error *err;
};

void sv_lex_init(struct sv_lexer *lx, const char *text, size_t len,
                 struct sv_pool *pool, struct sieve_error *err);
/* sv_lex_next - the next token: 0, or -1 with lx->err's line, col, text */
int sv_lex_next(struct sv_lexer *lx, struct sv_token *t);
/* sv_tok_name - a token type for messages: "string", "'{'" ... */
const char *sv_tok_name(enum sv_toktype type);

/* The parser, as parse.c and the grammar's validators share it. */
#define SV_MAX_NESTING 32       /* levels of blocks, and of tests under a
                                 * command, as Pigeonhole counts them */
#define SV_MAX_INCLUDE_DEPTH 10
#define SV_MAX_INCLUDES 255
#define SV_MAX_VARS 255         /* variables set by a script, globals */
#define SV_MAX_VAR_NAME 64

struct sv_parser {
    const struct sieve_conf *conf;
    struct sieve_script *s;
    struct sv_pool *pool;
    struct sv_lexer lx;
    struct sv_token tok;
    int end_line, end_col;      /* just after the token before tok */
    struct sieve_error *err;
    int depth;                  /* blocks open */
    int tdepth;                 /* tests open */
    int commands;               /* commands other than require so far */
    struct sv_node **incs;      /* include commands, to resolve */
    int nincs, aincs;
    size_t regex_total;         /* sv_regex_size of the patterns so far */
    const char *vars[2][SV_MAX_VARS];   /* declared: local, global */
    int nvars[2];
};

/* sv_parse_error - an error at line, col of the script: always -1 */
int sv_parse_error(struct sv_parser *p, int line, int col,
                   const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * sv_regex_size - how big regcomp would make re (its atoms with bounded
 * repetitions multiplied out); a pattern over SV_REGEX_MAX is refused
 * before regcomp, which takes minutes and gigabytes on a few nested
 * {n} of 40 bytes.  For patterns built at run time too.
 */
#define SV_REGEX_MAX 50000
#define SV_REGEX_TOTAL 300000  /* all the constant patterns of a script */
size_t sv_regex_size(const char *re);

/* sv_utf8_valid - whether s[0..len) is well-formed UTF-8 */
int sv_utf8_valid(const char *s, size_t len);

/* sv_var_name_valid - an RFC 5229 variable name (no match variables) */
int sv_var_name_valid(const char *s);

/*
 * sv_declare - the variable named s (valid) is set by the script, in its
 * own scope or (global) the global one: at most SV_MAX_VARS of each per
 * script, as Pigeonhole limits them; sv_parse_error at a and -1 beyond
 */
int sv_declare(struct sv_parser *p, const struct sv_str *s, int global);

#endif
