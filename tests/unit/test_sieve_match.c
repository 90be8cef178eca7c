/*
 * test_sieve_match.c - values against keys: every comparator with every
 * match type, relational operators, the glob matcher's edges (escapes,
 * empty strings, long and hostile input), regex groups, match
 * variables, ${...} expansion, set's modifiers and the string test.
 * Nodes are built by hand as validation would leave them; expected
 * results were settled against Pigeonhole's sieve-test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "expect.h"

#include "../../sieve/eval.h"

#define MAXK 4

/*
 * sv_tag - the tag lookup validation's module provides; this fallback
 * lets the test link before it does, and gives way to it once there
 */
__attribute__((weak)) const struct sv_arg *sv_tag(const struct sv_node *n,
                                                  const char *name)
{
    int i;

    for (i = 0; i < n->ntags; i++)
        if (strcmp(n->tags[i].name, name) == 0)
            return n->tags[i].value ? n->tags[i].value : n->tags[i].tag;
    return NULL;
}

static struct sieve_script script = {.ext = SV_EXT_VARIABLES};
static struct sieve_conf conf = {.delimiter = "+"};
static struct sieve_error err;
static struct sv_run run = {.conf = &conf, .script = &script, .err = &err};

/* run_reset - a fresh run: no variables, empty buffers */
static void run_reset(unsigned long ext)
{
    int i;

    sv_vars_free(run.vars);
    run.vars = NULL;
    for (i = 0; i < 4; i++) {
        free(run.slot[i]);
        run.slot[i] = NULL;
        run.slot_cap[i] = 0;
    }
    script.ext = ext;
    memset(&err, 0, sizeof(err));
}

/* A string list as the parser leaves it. */
struct list {
    struct sv_str s[MAXK];
    struct sv_arg a;
};

/* mk_str - s as a parsed string */
static void mk_str(struct sv_str *out, const char *s)
{
    out->s = (char *)s;
    out->len = strlen(s);
    out->has_var = strstr(s, "${") != NULL;
}

/* mk_list - the NULL-ended strings as a string-list argument */
static const struct sv_arg *mk_list(struct list *l, const char *const *ss)
{
    int n = 0;

    memset(l, 0, sizeof(*l));
    for (; n < MAXK && ss[n] != NULL; n++)
        mk_str(&l->s[n], ss[n]);
    l->a.type = SV_LIST;
    l->a.v = l->s;
    l->a.n = n;
    return &l->a;
}

/* node - a test node with the given comparator, match type, operator */
static void node(struct sv_node *n, enum sv_cmp cmp, enum sv_match match,
                 enum sv_rel rel)
{
    memset(n, 0, sizeof(*n));
    n->name = (char *)"test";
    n->line = 3;
    n->col = 5;
    n->cmp = cmp;
    n->match = match;
    n->rel = rel;
}

/* match - values (NULL-ended) against keys: sv_match_end's answer, or -1 */
static int match(const struct sv_node *n, const char *const *values,
                 const char *const *keys)
{
    struct sv_match_ctx m;
    struct list kl;
    int i, rc = 0;

    sv_match_begin(&m, &run, n, mk_list(&kl, keys));
    for (i = 0; values[i] != NULL && rc == 0; i++)
        rc = sv_match_value(&m, values[i], strlen(values[i]));
    if (rc < 0)
        return -1;
    return sv_match_end(&m);
}

#define V(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_comparators(void **state)
{
    static const struct {
        enum sv_cmp cmp;
        enum sv_match match;
        enum sv_rel rel;
        const char *value, *key;
        int want;
    } cases[] = {
        /* :is */
        {SV_CASEMAP, SV_IS, 0, "Hello", "hELLO", 1},
        {SV_OCTET, SV_IS, 0, "Hello", "hELLO", 0},
        {SV_OCTET, SV_IS, 0, "Hello", "Hello", 1},
        {SV_CASEMAP, SV_IS, 0, "", "", 1},
        {SV_CASEMAP, SV_IS, 0, "a", "", 0},
        {SV_CASEMAP, SV_IS, 0, "ab", "abc", 0},
        {SV_CASEMAP, SV_IS, 0, "\xc3\xa9", "\xc3\x89", 0},  /* ASCII only */
        {SV_NUMERIC, SV_IS, 0, "42abc", "42", 1},
        {SV_NUMERIC, SV_IS, 0, "0042", "42", 1},
        {SV_NUMERIC, SV_IS, 0, "0", "000", 1},
        {SV_NUMERIC, SV_IS, 0, "abc", "xyz", 1},        /* both infinite */
        {SV_NUMERIC, SV_IS, 0, "", "x", 1},
        {SV_NUMERIC, SV_IS, 0, "1", "x", 0},
        {SV_NUMERIC, SV_IS, 0, " 1", "1", 0},           /* no digit first */
        /* :contains */
        {SV_CASEMAP, SV_CONTAINS, 0, "Hello World", "O W", 1},
        {SV_OCTET, SV_CONTAINS, 0, "Hello World", "O W", 0},
        {SV_OCTET, SV_CONTAINS, 0, "Hello World", "o W", 1},
        {SV_CASEMAP, SV_CONTAINS, 0, "abc", "", 1},
        {SV_CASEMAP, SV_CONTAINS, 0, "", "", 1},
        {SV_CASEMAP, SV_CONTAINS, 0, "", "a", 0},
        {SV_CASEMAP, SV_CONTAINS, 0, "ab", "abc", 0},
        {SV_CASEMAP, SV_CONTAINS, 0, "aab", "ab", 1},
        {SV_NUMERIC, SV_CONTAINS, 0, "1", "1", -1},
        /* :matches */
        {SV_CASEMAP, SV_MATCHES, 0, "Mail.Example.COM", "*.example.com", 1},
        {SV_OCTET, SV_MATCHES, 0, "Mail.Example.COM", "*.example.com", 0},
        {SV_OCTET, SV_MATCHES, 0, "mail.example.com", "*.example.com", 1},
        {SV_NUMERIC, SV_MATCHES, 0, "1", "*", -1},
        /* :regex */
        {SV_CASEMAP, SV_REGEX, 0, "Hello", "^h.l+o$", 1},
        {SV_OCTET, SV_REGEX, 0, "Hello", "^h.l+o$", 0},
        {SV_OCTET, SV_REGEX, 0, "Hello", "^H.l+o$", 1},
        {SV_CASEMAP, SV_REGEX, 0, "abc", "(", 0},       /* does not compile */
        {SV_CASEMAP, SV_REGEX, 0, "a+b", "a\\+b", 1},
        {SV_CASEMAP, SV_REGEX, 0, "x", "a|x", 1},      /* extended */
        {SV_NUMERIC, SV_REGEX, 0, "1", "1", -1},
        /* compiled forms that would take gigabytes: refused */
        {SV_CASEMAP, SV_REGEX, 0, "oo", "o++++++++++++++++++++++++++++++++", -1},
        {SV_CASEMAP, SV_REGEX, 0, "a", "((a{99}){99}){99}", -1},
        {SV_CASEMAP, SV_REGEX, 0, "a", "Da++++++*+++++++++b", -1},
        {SV_CASEMAP, SV_REGEX, 0, "a", "(.{0,100}x){0,99}", -1},
        {SV_CASEMAP, SV_REGEX, 0, "ab ", "(.{0,100} ){0,20}", 1},
        {SV_CASEMAP, SV_REGEX, 0, "a", "(((((((((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+", -1},
        /* ordinary ones are not */
        {SV_CASEMAP, SV_REGEX, 0, "10.0.0.1",
         "^[0-9]{1,3}(\\.[0-9]{1,3}){3}$", 1},
        {SV_CASEMAP, SV_REGEX, 0, "x]y", "[]a]y", 1},
        {SV_CASEMAP, SV_REGEX, 0, "b", "[[:alpha:]]+", 1},
        {SV_CASEMAP, SV_REGEX, 0, "aaaa", "a{2,4}(b|a{0,2})?$", 1},
        /* :value, ordering of each comparator */
        {SV_CASEMAP, SV_VALUE, SV_EQ, "abc", "ABC", 1},
        {SV_OCTET, SV_VALUE, SV_EQ, "abc", "ABC", 0},
        {SV_OCTET, SV_VALUE, SV_NE, "abc", "ABC", 1},
        {SV_CASEMAP, SV_VALUE, SV_LT, "a", "b", 1},
        {SV_CASEMAP, SV_VALUE, SV_LT, "a", "B", 1},
        {SV_OCTET, SV_VALUE, SV_LT, "a", "B", 0},
        {SV_OCTET, SV_VALUE, SV_GT, "a", "B", 1},
        {SV_CASEMAP, SV_VALUE, SV_LT, "ab", "abc", 1},
        {SV_CASEMAP, SV_VALUE, SV_GT, "10", "9", 0},
        {SV_NUMERIC, SV_VALUE, SV_GT, "10", "9", 1},
        {SV_NUMERIC, SV_VALUE, SV_GE, "9", "9", 1},
        {SV_NUMERIC, SV_VALUE, SV_LE, "9", "10", 1},
        {SV_NUMERIC, SV_VALUE, SV_LT, "10", "9", 0},
        {SV_NUMERIC, SV_VALUE, SV_GT, "x", "99999999999999999999999", 1},
        {SV_NUMERIC, SV_VALUE, SV_GT, "100000000000000000000001",
         "100000000000000000000000", 1},
        {SV_NUMERIC, SV_VALUE, SV_LT, "7", "x", 1},
        {SV_NUMERIC, SV_VALUE, SV_EQ, "", "abc", 1},
        {SV_NUMERIC, SV_VALUE, SV_NE, "5", "05", 0},
    };
    struct sv_node n;
    char c[64];
    size_t i;

    (void)state;
    run_reset(0);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(c, sizeof(c), "case %zu (%s ~ %s)", i, cases[i].value,
                 cases[i].key);
        node(&n, cases[i].cmp, cases[i].match, cases[i].rel);
        EXPECT_INT(c, match(&n, V(cases[i].value), V(cases[i].key)),
                   cases[i].want);
    }
    CHECKED();
}

static void test_lists_and_count(void **state)
{
    struct sv_node n;

    (void)state;
    run_reset(0);
    /* any value against any key */
    node(&n, SV_CASEMAP, SV_IS, 0);
    EXPECT_INT("is any", match(&n, V("a", "b"), V("x", "B")), 1);
    EXPECT_INT("is none", match(&n, V("a", "b"), V("x", "y")), 0);
    EXPECT_INT("no values", match(&n, (const char *const[]){NULL},
                                  V("")), 0);
    /* :count counts values, compared with the comparator's ordering */
    node(&n, SV_NUMERIC, SV_COUNT, SV_EQ);
    EXPECT_INT("count 3", match(&n, V("a", "b", "c"), V("3")), 1);
    EXPECT_INT("count not 2", match(&n, V("a", "b", "c"), V("2")), 0);
    EXPECT_INT("count any key", match(&n, V("a", "b", "c"), V("2", "3")),
               1);
    EXPECT_INT("count 0", match(&n, (const char *const[]){NULL}, V("0")),
               1);
    node(&n, SV_NUMERIC, SV_COUNT, SV_GT);
    EXPECT_INT("count gt", match(&n, V("a", "b"), V("1")), 1);
    /* with i;ascii-casemap "10" sorts before "9" */
    node(&n, SV_CASEMAP, SV_COUNT, SV_LT);
    EXPECT_INT("count casemap", match(&n, V("1", "2", "3", "4", "5", "6",
                                            "7", "8", "9", "10"), V("9")),
               1);
    CHECKED();
}

/* var - ${name}'s value now */
static const char *var(const char *name)
{
    size_t len;

    return sv_var_get(&run, name, &len);
}

static void test_glob(void **state)
{
    static const struct {
        const char *value, *pattern;
        int want;
        const char *want_vars[4];   /* ${0}..${3} after a match */
    } cases[] = {
        {"", "", 1, {"", "", "", ""}},
        {"", "*", 1, {"", "", "", ""}},
        {"", "?", 0, {0}},
        {"", "**", 1, {"", "", "", ""}},
        {"a", "", 0, {0}},
        {"abc", "*", 1, {"abc", "abc", "", ""}},
        {"abc", "a?c", 1, {"abc", "b", "", ""}},
        {"abc", "?*", 1, {"abc", "a", "bc", ""}},
        {"ab", "**", 1, {"ab", "", "ab", ""}},
        {"aXbYbZc", "a*b*c", 1, {"aXbYbZc", "X", "YbZ", ""}},
        {"a@b.c", "*@*", 1, {"a@b.c", "a", "b.c", ""}},
        {"x yz", "x*", 1, {"x yz", " yz", "", ""}},
        {"abcabc", "*c", 1, {"abcabc", "abcab", "", ""}},
        {"abcabd", "*c*d", 1, {"abcabd", "ab", "ab", ""}},
        {"abc", "*x*", 0, {0}},
        {"abc", "ab", 0, {0}},
        {"ab", "abc", 0, {0}},
        /* escapes */
        {"a*", "a\\*", 1, {"a*", "", "", ""}},
        {"ab", "a\\*", 0, {0}},
        {"?", "\\?", 1, {"?", "", "", ""}},
        {"x", "\\?", 0, {0}},
        {"a\\", "a\\\\", 1, {"a\\", "", "", ""}},
        {"a\\", "a\\", 1, {"a\\", "", "", ""}},     /* trailing \ literal */
        {"ax", "a\\x", 1, {"ax", "", "", ""}},
        {"*?", "\\**", 1, {"*?", "?", "", ""}},
        /* "?" is one octet, as Pigeonhole's */
        {"\xc3\xa9t\xc3\xa9", "??t??", 1, {"\xc3\xa9t\xc3\xa9", "\xc3",
                                           "\xa9", "\xc3"}},
        {"\xc3\xa9t\xc3\xa9", "?t?", 0, {0}},
        /* case folding in patterns */
        {"ABC", "a*c", 1, {"ABC", "B", "", ""}},
    };
    struct sv_node n;
    char c[80];
    size_t i;
    int k;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        run_reset(SV_EXT_VARIABLES);
        snprintf(c, sizeof(c), "glob %zu (%s ~ %s)", i, show(cases[i].value),
                 cases[i].pattern);
        node(&n, SV_CASEMAP, SV_MATCHES, 0);
        EXPECT_INT(c, match(&n, V(cases[i].value), V(cases[i].pattern)),
                   cases[i].want);
        if (!cases[i].want)
            continue;
        for (k = 0; k < 4; k++) {
            char name[4];

            snprintf(name, sizeof(name), "%d", k);
            EXPECT_STR(c, var(name), cases[i].want_vars[k]);
        }
    }
    CHECKED();
}

static void test_glob_hostile(void **state)
{
    size_t len = 60000;
    char *value = malloc(len + 1), pattern[2100];
    struct timespec t0, t1;
    struct sv_node n;
    double secs;
    int i;

    (void)state;
    assert_non_null(value);
    memset(value, 'a', len);
    value[len] = '\0';
    /* "*a*a*...*b": exponential for a recursive matcher */
    for (i = 0; i < 1000; i++)
        memcpy(pattern + 2 * i, "*a", 2);
    memcpy(pattern + 2000, "*b", 3);
    run_reset(SV_EXT_VARIABLES);
    node(&n, SV_CASEMAP, SV_MATCHES, 0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    EXPECT_INT("hostile", match(&n, V(value), V(pattern)), 0);
    value[len - 1] = 'b';
    EXPECT_INT("hostile, matching", match(&n, V(value), V(pattern)), 1);
    EXPECT_INT("${1} empty", (int)strlen(var("1")), 0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    secs = (double)(t1.tv_sec - t0.tv_sec)
        + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (secs > 10)
        fail_msg("hostile pattern took %.1f s", secs);
    /* a long value and a long run of stars */
    memset(pattern, '*', 2000);
    pattern[2000] = '\0';
    EXPECT_INT("stars", match(&n, V(value), V(pattern)), 1);
    /* the worst case of one-star backtracking: bounded, then an error */
    {
        char *key = malloc(20003);

        assert_non_null(key);
        memset(value, 'a', len);
        key[0] = '*';
        memset(key + 1, 'a', 20000);
        memcpy(key + 20001, "b", 2);
        EXPECT_INT("costly matches", match(&n, V(value), V(key)), -1);
        EXPECT_HAS("costly matches", err.text, "too costly");
        node(&n, SV_CASEMAP, SV_CONTAINS, 0);
        EXPECT_INT("costly contains", match(&n, V(value), V(key + 1)), -1);
        key[1001] = 'b';
        key[1002] = '\0';
        EXPECT_INT("long contains", match(&n, V(value), V(key + 1)), 0);
        free(key);
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    secs = (double)(t1.tv_sec - t0.tv_sec)
        + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (secs > 30)
        fail_msg("hostile patterns took %.1f s", secs);
    free(value);
    CHECKED();
}

static void test_match_vars(void **state)
{
    struct sv_node n;

    (void)state;
    run_reset(SV_EXT_VARIABLES);
    node(&n, SV_CASEMAP, SV_REGEX, 0);
    EXPECT_INT("regex", match(&n, V("aaab"), V("^(a+)(x)?(b*)$")), 1);
    EXPECT_STR("regex", var("0"), "aaab");
    EXPECT_STR("regex", var("1"), "aaa");
    EXPECT_STR("regex", var("2"), "");
    EXPECT_STR("regex", var("3"), "b");
    EXPECT_STR("regex", var("4"), "");
    /* a failed match leaves them */
    EXPECT_INT("no match", match(&n, V("zzz"), V("^(a+)$")), 0);
    EXPECT_STR("kept", var("1"), "aaa");
    /* groups up to 31 are kept, as Pigeonhole keeps them */
    EXPECT_INT("eleven groups", match(&n, V("abcdefghijk"),
        V("(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)")), 1);
    EXPECT_STR("group 9", var("9"), "i");
    EXPECT_STR("group 10", var("10"), "j");
    EXPECT_STR("group 11", var("11"), "k");
    EXPECT_STR("group 12", var("12"), "");
    EXPECT_STR("${32}", var("32"), "");
    node(&n, SV_CASEMAP, SV_MATCHES, 0);
    EXPECT_INT("33 wildcards", match(&n, V("abcdefghijklmnopqrstuvwxyz0123456"),
        V("?????????????????????????????????")), 1);
    EXPECT_STR("wildcard 31", var("31"), "4");
    EXPECT_STR("wildcard 32", var("32"), "");
    node(&n, SV_CASEMAP, SV_REGEX, 0);
    /* the value that matched, among several */
    node(&n, SV_CASEMAP, SV_MATCHES, 0);
    EXPECT_INT("which", match(&n, V("x-1", "y-2"), V("y-*")), 1);
    EXPECT_STR("which", var("1"), "2");
    /* fewer wildcards: the others emptied */
    EXPECT_INT("fewer", match(&n, V("abc"), V("a?c")), 1);
    EXPECT_STR("fewer", var("1"), "b");
    EXPECT_STR("fewer", var("2"), "");
    /* :is and :contains set none */
    node(&n, SV_CASEMAP, SV_CONTAINS, 0);
    EXPECT_INT("contains", match(&n, V("zzz"), V("z")), 1);
    EXPECT_STR("contains", var("1"), "b");
    /* without "variables" nothing is set */
    run_reset(0);
    node(&n, SV_CASEMAP, SV_MATCHES, 0);
    EXPECT_INT("no vars", match(&n, V("abc"), V("*")), 1);
    script.ext = SV_EXT_VARIABLES;
    EXPECT_STR("no vars", var("1"), "");
    CHECKED();
}

/* expand - s expanded in slot 1 */
static const char *expand(const char *s)
{
    struct sv_str str;
    size_t len;
    const char *out;

    mk_str(&str, s);
    out = sv_string(&run, &str, 1, &len);
    EXPECT_INT(s, len, strlen(out));
    return out;
}

static void test_expand(void **state)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"plain", "plain"},
        {"${a}", "abc"},
        {"${A}", "abc"},
        {"<${a}>${a}", "<abc>abc"},
        {"${b}", ""},
        {"${1}", "one"},
        {"${0001}", "one"},
        {"${10}", ""},
        {"${32}", ""},
        {"${100}", ""},
        {"${0000000000000000000001}", "one"},
        {"${env.x}", "${env.x}"},
        {"${a", "${a"},
        {"${}", "${}"},
        {"$${a}", "$abc"},
        {"${${a}}", "${abc}"},
        {"${a b}", "${a b}"},
        {"${1a}", "${1a}"},
        {"${_x}", "u"},
        {"$", "$"},
        {"${", "${"},
        {"x$y", "x$y"},
    };
    const char *one = "one";
    size_t one_len = 3;
    char c[64];
    size_t i;

    (void)state;
    run_reset(SV_EXT_VARIABLES);
    assert_int_equal(sv_var_set(&run, "a", "abc", 3), 0);
    assert_int_equal(sv_var_set(&run, "_x", "u", 1), 0);
    sv_match_vars_set(&run, (const char *const[]){"zero", one},
                      (const size_t[]){4, one_len}, 2);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(c, sizeof(c), "expand %s", cases[i].in);
        EXPECT_STR(c, expand(cases[i].in), cases[i].want);
    }
    /* a script without "variables" keeps every string as written */
    script.ext = 0;
    EXPECT_STR("no variables", expand("${a}"), "${a}");
    /* the global namespace (RFC 6609 3.5) needs "include" */
    script.ext = SV_EXT_VARIABLES;
    assert_int_equal(sv_var_set(&run, "global.g", "G", 1), 0);
    EXPECT_STR("no include", expand("${global.g}"), "${global.g}");
    script.ext = SV_EXT_VARIABLES | SV_EXT_INCLUDE;
    EXPECT_STR("global", expand("${global.g}"), "G");
    EXPECT_STR("global, case", expand("${GLOBAL.G}"), "G");
    EXPECT_STR("global unset", expand("${global.none}"), "");
    EXPECT_STR("other namespace", expand("${env.g}"), "${env.g}");
    EXPECT_STR("global.", expand("${global.}"), "${global.}");
    /* a declared global and global.NAME are one variable */
    EXPECT_STR("apart", expand("${a}|${global.a}"), "abc|");
    assert_int_equal(sv_var_global(&run, "a"), 0);
    EXPECT_STR("one", expand("${a}|${global.a}"), "abc|abc");
    assert_int_equal(sv_var_set(&run, "global.a", "new", 3), 0);
    EXPECT_STR("set through global.", expand("${a}"), "new");
    assert_int_equal(sv_var_global(&run, "fresh"), 0);
    EXPECT_STR("fresh", expand("${global.fresh}"), "");
    EXPECT_INT("bad", sv_var_global(&run, "no.pe"), -1);
    CHECKED();
}

static void test_vars_limits(void **state)
{
    char name[80], *big;
    size_t len;
    int i;

    (void)state;
    run_reset(SV_EXT_VARIABLES);
    /* names: identifiers of up to 63 characters */
    EXPECT_INT("bad name", sv_var_set(&run, "1a", "x", 1), -1);
    EXPECT_INT("bad name", sv_var_set(&run, "a-b", "x", 1), -1);
    EXPECT_INT("empty name", sv_var_set(&run, "", "x", 1), -1);
    memset(name, 'n', 63);
    name[63] = '\0';
    EXPECT_INT("63", sv_var_set(&run, name, "x", 1), 0);
    name[63] = 'n';
    name[64] = '\0';
    EXPECT_INT("64", sv_var_set(&run, name, "x", 1), -1);
    /* a value is cut at 4096 bytes, between characters */
    big = malloc(5000);
    assert_non_null(big);
    memset(big, 'x', 5000);
    EXPECT_INT("big", sv_var_set(&run, "big", big, 5000), 0);
    sv_var_get(&run, "big", &len);
    EXPECT_U64("cut", len, 4096);
    big[4095] = '\xc3';
    big[4096] = '\xa9';
    EXPECT_INT("big utf8", sv_var_set(&run, "big", big, 5000), 0);
    sv_var_get(&run, "big", &len);
    EXPECT_U64("cut utf8", len, 4095);
    free(big);
    /* at most 255 variables */
    run_reset(SV_EXT_VARIABLES);
    for (i = 0; i < 255; i++) {
        snprintf(name, sizeof(name), "v%d", i);
        EXPECT_INT(name, sv_var_set(&run, name, "1", 1), 0);
    }
    EXPECT_INT("256th", sv_var_set(&run, "one_more", "1", 1), -1);
    EXPECT_INT("reset", sv_var_set(&run, "V7", "2", 1), 0);
    EXPECT_STR("reset", var("v7"), "2");
    CHECKED();
}

/* A set command's pieces. */
struct setcmd {
    struct sv_node n;
    struct sv_str name, value;
    struct sv_arg aname, avalue, tag[4];
    struct sv_tagged tags[4];
};

/* set - run "set MODS name value": sv_cmd_set's return */
static int set(const char *mods, const char *name, const char *value)
{
    struct setcmd s;
    char buf[64], *save = NULL, *t;

    memset(&s, 0, sizeof(s));
    s.n.tags = s.tags;
    s.n.name = (char *)"set";
    mk_str(&s.name, name);
    mk_str(&s.value, value);
    s.aname = (struct sv_arg){.type = SV_STR, .v = &s.name, .n = 1};
    s.avalue = (struct sv_arg){.type = SV_STR, .v = &s.value, .n = 1};
    s.n.pos[0] = &s.aname;
    s.n.pos[1] = &s.avalue;
    s.n.npos = 2;
    snprintf(buf, sizeof(buf), "%s", mods);
    for (t = strtok_r(buf, " ", &save); t != NULL && s.n.ntags < 4;
         t = strtok_r(NULL, " ", &save)) {
        static const char *const names[] = {"lower", "upper", "lowerfirst",
            "upperfirst", "quotewildcard", "length", NULL};
        int i;

        for (i = 0; names[i] != NULL && strcmp(names[i], t) != 0; i++)
            ;
        s.tag[s.n.ntags] = (struct sv_arg){.type = SV_TAG,
                                           .tag = (char *)names[i]};
        s.n.tags[s.n.ntags].name = names[i];
        s.n.tags[s.n.ntags].tag = &s.tag[s.n.ntags];
        s.n.ntags++;
    }
    return sv_cmd_set(&run, &s.n);
}

static void test_set(void **state)
{
    static const struct {
        const char *mods, *value, *want;
    } cases[] = {
        {"", "Hello", "Hello"},
        {"lower", "HeLLo", "hello"},
        {"upper", "HeLLo", "HELLO"},
        {"lowerfirst", "HELLO", "hELLO"},
        {"upperfirst", "hello", "Hello"},
        {"upper lowerfirst", "hello", "hELLO"},
        {"lowerfirst upper", "hello", "hELLO"},
        {"lower upperfirst", "HELLO", "Hello"},
        {"quotewildcard", "a*b?c\\d", "a\\*b\\?c\\\\d"},
        {"length", "\xc3\xa9t\xc3\xa9", "3"},
        {"length", "", "0"},
        {"length quotewildcard", "*?x", "5"},
        {"quotewildcard length", "*?x", "5"},
        {"upper", "${v}!", "ABC!"},
        {"lowerfirst", "", ""},
        {"upper", "\xc3\xa9", "\xc3\xa9"},
    };
    char c[64];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        run_reset(SV_EXT_VARIABLES);
        assert_int_equal(sv_var_set(&run, "v", "abc", 3), 0);
        snprintf(c, sizeof(c), "set :%s \"%s\"", cases[i].mods,
                 cases[i].value);
        EXPECT_INT(c, set(cases[i].mods, "x", cases[i].value), 0);
        EXPECT_STR(c, var("x"), cases[i].want);
    }
    /* the name is not case-sensitive; a bad one is a runtime error */
    EXPECT_INT("name", set("", "X", "1"), 0);
    EXPECT_STR("name", var("x"), "1");
    EXPECT_INT("bad name", set("", "9x", "1"), -1);
    EXPECT_HAS("bad name", err.text, "9x");
    CHECKED();
}

/* string - string [cmp] [match] sources keys */
static int string(const struct sv_node *tmpl, const char *const *src,
                  const char *const *keys)
{
    struct list sl, kl;
    struct sv_node n = *tmpl;

    n.pos[0] = mk_list(&sl, src);
    n.pos[1] = mk_list(&kl, keys);
    n.npos = 2;
    return sv_test_string(&run, &n);
}

static void test_string(void **state)
{
    struct sv_node n;
    struct sv_arg cmp = {.type = SV_STR};

    (void)state;
    run_reset(SV_EXT_VARIABLES);
    assert_int_equal(sv_var_set(&run, "a", "Abc", 3), 0);
    node(&n, SV_CASEMAP, SV_IS, 0);
    EXPECT_INT("is", string(&n, V("${a}"), V("Abc")), 1);
    /* without :comparator, i;octet as Pigeonhole */
    EXPECT_INT("octet default", string(&n, V("${a}"), V("abc")), 0);
    n.cmp_arg = &cmp;
    EXPECT_INT("casemap given", string(&n, V("${a}"), V("abc")), 1);
    EXPECT_INT("unset", string(&n, V("${zz}"), V("")), 1);
    node(&n, SV_NUMERIC, SV_COUNT, SV_EQ);
    n.cmp_arg = &cmp;
    /* :count counts the non-empty strings */
    EXPECT_INT("count", string(&n, V("a", "", "b"), V("2")), 1);
    EXPECT_INT("count", string(&n, V("a", "", "b"), V("3")), 0);
    EXPECT_INT("count 0", string(&n, V(""), V("0")), 1);
    node(&n, SV_OCTET, SV_MATCHES, 0);
    EXPECT_INT("matches", string(&n, V("${a}-x"), V("*-?")), 1);
    EXPECT_STR("matches", var("1"), "Abc");
    CHECKED();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_comparators),
        cmocka_unit_test(test_lists_and_count),
        cmocka_unit_test(test_glob),
        cmocka_unit_test(test_glob_hostile),
        cmocka_unit_test(test_match_vars),
        cmocka_unit_test(test_expand),
        cmocka_unit_test(test_vars_limits),
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_string),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    run_reset(0);
    return rc;
}
