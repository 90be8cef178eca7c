/*
 * vars.c - variables (RFC 5229): the store, ${...} expansion, set and
 * the string test
 *
 * A run has at most VARS_MAX variables, names compared without case,
 * each value at most VAR_VALUE_MAX bytes: a longer value is cut (at a
 * character boundary), not an error, as RFC 5229 6 asks and Pigeonhole
 * does (sieve_variables_max_scope_size 255, max_variable_size 4k).
 * Names are identifiers of at most 63 characters (Pigeonhole's limit),
 * or such an identifier in the "global" namespace of RFC 6609 3.5
 * ("global.NAME", which include.c keeps in step with the global).
 * Match variables ${0}..${31} (Pigeonhole's count; RFC 5229 asks for
 * 9) hold the last successful :matches or :regex.  Expansion happens
 * only in scripts that required "variables"; a reference that is not
 * one (bad syntax, an unknown namespace such as ${env.x}, or
 * ${global.x} without "include") stays as written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eval.h"

#define VARS_MAX 255
#define VAR_NAME_MAX 63
#define VAR_VALUE_MAX 4096
#define MATCH_VARS SV_MATCH_VARS

#define NS_GLOBAL "global."       /* RFC 6609 3.5, with "include" */
#define NS_GLOBAL_LEN 7

struct var {
    char name[NS_GLOBAL_LEN + VAR_NAME_MAX + 1];
    char *val;
    size_t len;
    int global;                 /* declared global: "global.NAME" too */
};

struct sv_vars {
    struct var *v;              /* grown as variables are set: most
                                 * scripts have none, and a run is
                                 * made on every delivery */
    int n, cap;
    char *match[MATCH_VARS];
    size_t mlen[MATCH_VARS];
};

/* sv_vars_new - an empty store, NULL when out of memory */
struct sv_vars *sv_vars_new(void)
{
    return calloc(1, sizeof(struct sv_vars));
}

/* sv_vars_free - the store and every value */
void sv_vars_free(struct sv_vars *v)
{
    int i;

    if (v == NULL)
        return;
    for (i = 0; i < v->n; i++)
        free(v->v[i].val);
    free(v->v);
    for (i = 0; i < MATCH_VARS; i++)
        free(v->match[i]);
    free(v);
}

/* vars_of - the run's store, made on first use */
static struct sv_vars *vars_of(struct sv_run *r)
{
    if (r->vars == NULL)
        r->vars = sv_vars_new();
    return r->vars;
}

/* cut_len - len cut to max bytes, not inside a UTF-8 sequence */
static size_t cut_len(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    len = max;
    while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
        len--;
    return len;
}

/* set_value - *dst becomes a copy of value (cut): 0, or -1 (memory) */
static int set_value(char **dst, size_t *dlen, const char *value, size_t len)
{
    char *p;

    len = cut_len(value, len, VAR_VALUE_MAX);
    p = malloc(len + 1);
    if (p == NULL)
        return -1;
    memcpy(p, value, len);
    p[len] = '\0';
    free(*dst);
    *dst = p;
    *dlen = len;
    return 0;
}

/* ASCII classes and case, whatever the locale (RFC 5229 identifiers
 * are ASCII; Pigeonhole's case modifiers change ASCII letters only) */
static int a_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int a_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char a_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static char a_upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* is_identifier - name[0..len) is an RFC 5229 identifier we can hold */
static int is_identifier(const char *name, size_t len)
{
    size_t i;

    if (len == 0 || len > VAR_NAME_MAX
        || !a_alpha(name[0]))
        return 0;
    for (i = 1; i < len; i++)
        if (!a_alpha(name[i]) && !a_digit(name[i]))
            return 0;
    return 1;
}

/* is_name - an identifier, or one in the "global" namespace */
static int is_name(const char *name, size_t len)
{
    if (len > NS_GLOBAL_LEN && strncasecmp(name, NS_GLOBAL, NS_GLOBAL_LEN) == 0)
        return is_identifier(name + NS_GLOBAL_LEN, len - NS_GLOBAL_LEN);
    return is_identifier(name, len);
}

/* find_exact - the variable named name[0..len), NULL when never set */
static struct var *find_exact(struct sv_vars *v, const char *name,
                              size_t len)
{
    int i;

    for (i = 0; i < v->n; i++)
        if (strlen(v->v[i].name) == len
            && strncasecmp(v->v[i].name, name, len) == 0)
            return &v->v[i];
    return NULL;
}

/* find - the variable name[0..len) refers to: "global.NAME" is NAME
 * where this script declared NAME global (one value, two names) */
static struct var *find(struct sv_vars *v, const char *name, size_t len)
{
    struct var *var;

    if (len > NS_GLOBAL_LEN && strncasecmp(name, NS_GLOBAL, NS_GLOBAL_LEN) == 0
        && (var = find_exact(v, name + NS_GLOBAL_LEN,
                             len - NS_GLOBAL_LEN)) != NULL && var->global)
        return var;
    return find_exact(v, name, len);
}

/* match_index - the match variable a string of digits names, -1 when
 * past the last */
static int match_index(const char *s, size_t len)
{
    int i = 0;

    while (len > 1 && *s == '0') {
        s++;
        len--;
    }
    if (len > 2)
        return -1;
    for (; len > 0; s++, len--)
        i = i * 10 + (*s - '0');
    return i < MATCH_VARS ? i : -1;
}

/* get_n - the value of name[0..len) (identifier or digits), "" unset */
static const char *get_n(struct sv_run *r, const char *name, size_t len,
                         size_t *vlen)
{
    struct sv_vars *v = vars_of(r);
    struct var *var;
    int i;

    *vlen = 0;
    if (v == NULL || len == 0)
        return "";
    if (a_digit(name[0])) {
        i = match_index(name, len);
        if (i < 0 || v->match[i] == NULL)
            return "";
        *vlen = v->mlen[i];
        return v->match[i];
    }
    var = find(v, name, len);
    if (var == NULL || var->val == NULL)
        return "";
    *vlen = var->len;
    return var->val;
}

/* sv_var_get - a variable's value, "" when unset */
const char *sv_var_get(struct sv_run *r, const char *name, size_t *len)
{
    return get_n(r, name, strlen(name), len);
}

/* sv_var_set - 0, or -1 (bad name, too many variables, memory) */
int sv_var_set(struct sv_run *r, const char *name, const char *value,
               size_t len)
{
    struct sv_vars *v = vars_of(r);
    size_t nlen = strlen(name);
    struct var *var;

    if (v == NULL || !is_name(name, nlen))
        return -1;
    var = find(v, name, nlen);
    if (var == NULL) {
        if (v->n >= VARS_MAX)
            return -1;
        if (v->n == v->cap) {
            int cap = v->cap ? v->cap * 2 : 8;

            var = realloc(v->v, (size_t)cap * sizeof(*var));
            if (var == NULL)
                return -1;
            v->v = var;
            v->cap = cap;
        }
        var = &v->v[v->n];
        memset(var, 0, sizeof(*var));
        memcpy(var->name, name, nlen + 1);
        var->val = NULL;
        var->len = 0;
        v->n++;
    }
    return set_value(&var->val, &var->len, value, len);
}

/* sv_var_global - name, declared global in the running script, is also
 * what "global.NAME" reads and writes there: 0, or -1 as sv_var_set */
int sv_var_global(struct sv_run *r, const char *name)
{
    struct var *var;
    size_t len;

    if (r->vars == NULL || find_exact(r->vars, name, strlen(name)) == NULL) {
        const char *cur = sv_var_get(r, name, &len);

        if (sv_var_set(r, name, cur, len) < 0)
            return -1;
    }
    var = find_exact(r->vars, name, strlen(name));
    if (var == NULL)
        return -1;
    var->global = 1;
    return 0;
}

/* sv_match_vars_set - ${0}..${n-1} from v, the others emptied */
void sv_match_vars_set(struct sv_run *r, const char *const *v,
                       const size_t *len, int n)
{
    struct sv_vars *vars = vars_of(r);
    int i;

    if (vars == NULL)
        return;
    for (i = 0; i < MATCH_VARS; i++) {
        if (i < n && set_value(&vars->match[i], &vars->mlen[i], v[i],
                               len[i]) == 0)
            continue;
        free(vars->match[i]);
        vars->match[i] = NULL;
        vars->mlen[i] = 0;
    }
}

/* out_add - append to slot's buffer: 0, or -1 (memory) */
static int out_add(struct sv_run *r, int slot, size_t *o, const char *s,
                   size_t len)
{
    size_t need = *o + len + 1, cap;
    char *p;

    if (need > r->slot_cap[slot]) {
        cap = r->slot_cap[slot] ? r->slot_cap[slot] : 256;
        while (cap < need)
            cap *= 2;
        p = realloc(r->slot[slot], cap);
        if (p == NULL)
            return -1;
        r->slot[slot] = p;
        r->slot_cap[slot] = cap;
    }
    memcpy(r->slot[slot] + *o, s, len);
    *o += len;
    r->slot[slot][*o] = '\0';
    return 0;
}

/*
 * ref_len - the length of the name in "${name}" at s (s after "${"), 0
 * when what follows is no reference we expand: digits, an identifier,
 * or with global (the script required "include") "global.identifier";
 * any other namespace is unknown
 */
static size_t ref_len(const char *s, const char *end, int global)
{
    const char *p = s;

    if (p < end && a_digit(*p)) {
        while (p < end && a_digit(*p))
            p++;
    } else {
        if (global && end - p > NS_GLOBAL_LEN
            && strncasecmp(p, NS_GLOBAL, NS_GLOBAL_LEN) == 0)
            p += NS_GLOBAL_LEN;
        while (p < end && (a_alpha(*p) || a_digit(*p)))
            p++;
        if (!is_name(s, (size_t)(p - s)))
            return 0;
    }
    return p < end && *p == '}' ? (size_t)(p - s) : 0;
}

/* sv_vars_required - whether the running script required "variables" */
static int vars_required(const struct sv_run *r)
{
    return r->script != NULL && (r->script->ext & SV_EXT_VARIABLES);
}

/*
 * sv_string - s with ${...} expanded into r->slot[slot]; the string as
 * written when there is nothing to expand, or (out of memory) when the
 * buffer cannot grow
 */
const char *sv_string(struct sv_run *r, const struct sv_str *s, int slot,
                      size_t *len)
{
    const char *p = s->s, *end = s->s + s->len, *val;
    int global = r->script != NULL && (r->script->ext & SV_EXT_INCLUDE);
    size_t o = 0, n, vlen;

    *len = s->len;
    if (!s->has_var || !vars_required(r) || slot < 0 || slot > 3)
        return s->s;
    if (out_add(r, slot, &o, "", 0) < 0)
        return s->s;
    while (p < end) {
        const char *ref = memchr(p, '$', (size_t)(end - p));

        if (ref == NULL)
            ref = end;
        if (out_add(r, slot, &o, p, (size_t)(ref - p)) < 0)
            return s->s;
        p = ref;
        if (p == end)
            break;
        if (end - p >= 3 && p[1] == '{'
            && (n = ref_len(p + 2, end, global)) > 0) {
            val = get_n(r, p + 2, n, &vlen);
            if (out_add(r, slot, &o, val, vlen) < 0)
                return s->s;
            p += n + 3;
        } else {
            if (out_add(r, slot, &o, p, 1) < 0)
                return s->s;
            p++;
        }
    }
    *len = o;
    return r->slot[slot];
}

/* tag - whether n carries the tag name */
static int tag(const struct sv_node *n, const char *name)
{
    return sv_tag(n, name) != NULL;
}

/* utf8_chars - the characters of s[0..len) (continuation bytes skipped) */
static size_t utf8_chars(const char *s, size_t len)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            n++;
    return n;
}

/*
 * modify - set's modifiers on b[0..*len) (cap bytes), in the order of
 * their precedence (RFC 5229 4.1: 40 :lower/:upper, 30 :lowerfirst/
 * :upperfirst, 20 :quotewildcard, 10 :length); case changes are ASCII
 * only, as Pigeonhole's; :length counts UTF-8 characters
 */
static void modify(const struct sv_node *n, char *b, size_t *len,
                   size_t cap)
{
    size_t i, o;

    for (i = 0; i < *len; i++) {
        if (tag(n, "lower"))
            b[i] = a_lower(b[i]);
        else if (tag(n, "upper"))
            b[i] = a_upper(b[i]);
    }
    if (*len > 0 && tag(n, "lowerfirst"))
        b[0] = a_lower(b[0]);
    else if (*len > 0 && tag(n, "upperfirst"))
        b[0] = a_upper(b[0]);
    if (tag(n, "quotewildcard")) {
        /* right to left in place: cap holds twice the input */
        size_t q = 0;

        for (i = 0; i < *len; i++)
            q += b[i] == '*' || b[i] == '?' || b[i] == '\\';
        o = *len + q;
        for (i = *len; i-- > 0;) {
            b[--o] = b[i];
            if (b[i] == '*' || b[i] == '?' || b[i] == '\\')
                b[--o] = '\\';
        }
        *len += q;
    }
    if (tag(n, "length"))
        *len = (size_t)snprintf(b, cap, "%zu", utf8_chars(b, *len));
    b[*len] = '\0';
}

/* sv_cmd_set - set [MODIFIER] <name> <value> */
int sv_cmd_set(struct sv_run *r, const struct sv_node *n)
{
    const char *name, *val;
    size_t len, cap;
    char *b;
    int rc;

    if (n->npos < 2 || n->pos[0]->v == NULL || n->pos[1]->v == NULL)
        return sv_error(r, n, "set: missing arguments");
    name = n->pos[0]->v[0].s;
    val = sv_string(r, &n->pos[1]->v[0], 0, &len);
    cap = 2 * len + 32;
    b = malloc(cap);
    if (b == NULL)
        return sv_error(r, n, "set: out of memory");
    memcpy(b, val, len);
    modify(n, b, &len, cap);
    rc = sv_var_set(r, name, b, len);
    free(b);
    if (rc < 0)
        return sv_error(r, n, "set '%s': %s", name,
                        vars_of(r) != NULL && vars_of(r)->n >= VARS_MAX
                        ? "too many variables" : "cannot set variable");
    return 0;
}

/*
 * sv_test_string - string [MATCH-TYPE] [COMPARATOR] <source> <keys>
 * (RFC 5229 5): each source string is a value; :count counts only the
 * non-empty ones, as RFC 5229 5 says.  Without :comparator the
 * comparison is i;octet, as Pigeonhole does (RFC 5228 2.7.3 would say
 * i;ascii-casemap): the behaviour scripts written for it rely on.
 */
int sv_test_string(struct sv_run *r, const struct sv_node *n)
{
    const struct sv_arg *src;
    struct sv_node tn;
    struct sv_match_ctx m;
    const char *v;
    size_t len;
    int i, cnt, rc = 0;

    if (n->npos < 2)
        return sv_error(r, n, "string: missing arguments");
    src = n->pos[0];
    cnt = src->type == SV_STR ? 1 : src->n;
    tn = *n;
    if (n->cmp_arg == NULL)
        tn.cmp = SV_OCTET;      /* Pigeonhole's default for string */
    sv_match_begin(&m, r, &tn, n->pos[1]);
    for (i = 0; i < cnt && rc == 0; i++) {
        v = sv_string(r, &src->v[i], 0, &len);
        if (n->match == SV_COUNT && len == 0)
            continue;
        rc = sv_match_value(&m, v, len);
    }
    if (rc < 0)
        return -1;
    return sv_match_end(&m);
}
