/*
 * ast.h - a parsed Sieve script, and the grammar table it is checked
 * against
 *
 * The parser (lex.c, parse.c) builds a tree of nodes, one per command
 * or test, and validates each against its entry in the grammar table
 * (grammar.c): known name, required extension, tagged arguments,
 * positional arguments, tests and block.  Validation also sorts the
 * arguments out, so the evaluator reads node->pos[] and sv_tag()
 * instead of walking argument lists.
 */
#ifndef LDA_SIEVE_AST_H
#define LDA_SIEVE_AST_H

#include <stddef.h>
#include <stdint.h>

#include "sieve.h"

/* Every command and test, one id each: the evaluator's dispatch index. */
enum sv_id {
    /* control, RFC 5228 */
    SV_REQUIRE, SV_IF, SV_ELSIF, SV_ELSE, SV_STOP,
    /* actions, RFC 5228 and extensions */
    SV_KEEP, SV_DISCARD, SV_REDIRECT, SV_FILEINTO, SV_REJECT, SV_EREJECT,
    SV_SETFLAG, SV_ADDFLAG, SV_REMOVEFLAG, SV_SET, SV_VACATION,
    SV_INCLUDE, SV_RETURN, SV_GLOBAL,
    /* tests */
    SV_ADDRESS, SV_ALLOF, SV_ANYOF, SV_ENVELOPE, SV_EXISTS, SV_FALSE,
    SV_TRUE, SV_HEADER, SV_NOT, SV_SIZE, SV_BODY, SV_DATE, SV_CURRENTDATE,
    SV_SPAMTEST, SV_VIRUSTEST, SV_HASFLAG, SV_MAILBOXEXISTS, SV_STRING,
    SV_ID_MAX
};

enum sv_kind { SV_COMMAND, SV_TEST };

/* match types, comparators, address parts, relational operators */
enum sv_match { SV_IS, SV_CONTAINS, SV_MATCHES, SV_REGEX, SV_VALUE,
                SV_COUNT };
enum sv_cmp { SV_CASEMAP, SV_OCTET, SV_NUMERIC };
enum sv_part { SV_ALL, SV_LOCALPART, SV_DOMAIN, SV_USER, SV_DETAIL };
enum sv_rel { SV_GT, SV_GE, SV_LT, SV_LE, SV_EQ, SV_NE };

enum sv_argtype { SV_NUM, SV_STR, SV_LIST, SV_TAG };

/* A string as written, after encoded-character and text: unstuffing. */
struct sv_str {
    char *s;                    /* NUL-terminated */
    size_t len;
    int line, col;
    int has_var;                /* holds "${": may need expanding */
};

struct sv_arg {
    enum sv_argtype type;
    int line, col;
    uint64_t num;               /* SV_NUM: K, M, G applied, saturated */
    char *tag;                  /* SV_TAG: lowercased, without ':' */
    struct sv_str *v;           /* SV_STR: one; SV_LIST: n of them */
    int n;
};

#define SV_MAX_POS 4
#define SV_MAX_TAGS 12

/* A tagged argument found by validation: the tag and its value. */
struct sv_tagged {
    const char *name;           /* the grammar's name of it */
    const struct sv_arg *tag;
    const struct sv_arg *value; /* NULL for a tag that takes none */
};

struct sv_node {
    const struct sv_def *def;
    char *name;                 /* lowercased */
    int line, col;
    struct sv_arg *args;        /* as written, tags included */
    int nargs;
    struct sv_node **tests;     /* test-list, or the one test of if/not */
    int ntests;
    struct sv_node *block;      /* first command of { ... }, or NULL */
    int has_block;
    struct sv_node *next;       /* the next command of the block */
    /* filled by validation */
    const struct sv_arg *pos[SV_MAX_POS];       /* positional, in order */
    int npos;
    struct sv_tagged *tags;     /* as many as it has (the tree is made
                                 * on every delivery: small is fast) */
    int ntags;
    enum sv_match match;        /* default SV_IS */
    enum sv_rel rel;            /* with SV_VALUE and SV_COUNT */
    enum sv_cmp cmp;            /* default SV_CASEMAP */
    enum sv_part part;          /* default SV_ALL */
    const struct sv_arg *match_arg;     /* the match type's tag */
    const struct sv_arg *cmp_arg;       /* :comparator's value, or NULL */
    void *data;                 /* a command's own, from its validate() */
};

/* A tagged argument a command accepts. */
struct sv_tagdef {
    const char *name;           /* without ':' */
    char value;                 /* 0: none, 'N' number, 'S' string,
                                 * 'L' string list */
    const char *ext;            /* the extension it needs, NULL: none */
};

/* flags of a grammar entry */
#define SV_F_MATCH      0x01    /* takes a match type (:is ...) */
#define SV_F_COMPARATOR 0x02    /* takes :comparator */
#define SV_F_ADDRPART   0x04    /* takes an address part (:all ...) */
#define SV_F_TEST       0x08    /* takes one test (if, elsif, not) */
#define SV_F_TESTLIST   0x10    /* takes a test list (allof, anyof) */
#define SV_F_BLOCK      0x20    /* takes a block (if, elsif, else) */

struct sv_parser;

struct sv_def {
    const char *name;
    enum sv_id id;
    enum sv_kind kind;
    const char *ext;            /* the extension it needs, NULL: core */
    /* positional arguments in order: 'S' string, 'L' string list (a
     * single string too), 'N' number; a lowercase letter is an optional
     * one, allowed only at the front (setflag's variable name) */
    const char *pos;
    const struct sv_tagdef *tags;       /* NULL-name terminated, or NULL */
    unsigned flags;
    /* checks beyond the table's; sv_parse_error() and -1 on failure */
    int (*validate)(struct sv_parser *p, struct sv_node *n);
};

/* The parsed script, with what its requires enabled. */
struct sieve_script {
    char name[512];             /* the path, for errors and logs */
    struct sv_node *first;
    char *text;                 /* the source (strings point into nodes) */
    unsigned long ext;          /* SV_EXT_* bits required */
    struct sieve_script **includes;     /* loaded include targets */
    int nincludes;
    void *pool;                 /* the parser's allocations */
};

/* Extensions: bits of sieve_script.ext. */
enum sv_ext {
    SV_EXT_FILEINTO = 1UL << 0, SV_EXT_ENVELOPE = 1UL << 1,
    SV_EXT_ENCODED_CHARACTER = 1UL << 2, SV_EXT_SUBADDRESS = 1UL << 3,
    SV_EXT_COPY = 1UL << 4, SV_EXT_MAILBOX = 1UL << 5,
    SV_EXT_IMAP4FLAGS = 1UL << 6, SV_EXT_VARIABLES = 1UL << 7,
    SV_EXT_RELATIONAL = 1UL << 8, SV_EXT_NUMERIC = 1UL << 9,
    SV_EXT_BODY = 1UL << 10, SV_EXT_REGEX = 1UL << 11,
    SV_EXT_DATE = 1UL << 12, SV_EXT_SPAMTEST = 1UL << 13,
    SV_EXT_SPAMTESTPLUS = 1UL << 14, SV_EXT_VIRUSTEST = 1UL << 15,
    SV_EXT_INCLUDE = 1UL << 16, SV_EXT_REJECT = 1UL << 17,
    SV_EXT_EREJECT = 1UL << 18, SV_EXT_VACATION = 1UL << 19,
    SV_EXT_VACATION_SECONDS = 1UL << 20
};

/* grammar.c: the table, and an extension's bit by its name (0: none) */
const struct sv_def *sv_grammar_find(const char *name, enum sv_kind kind);
unsigned long sv_ext_bit(const char *name);

/* sv_tag - the tagged argument name of n (its value, or the tag itself
 * when it takes none), NULL when absent */
const struct sv_arg *sv_tag(const struct sv_node *n, const char *name);

/* address.c: whether the address test may name header name (RFC 5228
 * 5.1: headers holding address lists, Pigeonhole's list) */
int sv_address_header_ok(const char *name);

/* match.c: regcomp(3) for Sieve's :regex, or REG_ESPACE without
 * compiling when the expression's compiled form would pass
 * SV_REGEX_MAX_COST nodes (nested repetitions: "o+++...", "(a{99}){99}"):
 * glibc's memory grows with them, its time as their square (8192 nodes:
 * some 50 ms; 65536: seconds) */
#define SV_REGEX_MAX_COST 8192UL
struct re_pattern_buffer;
int sv_regcomp(struct re_pattern_buffer *re, const char *key, int flags);

#endif
