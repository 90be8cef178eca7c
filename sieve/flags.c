/*
 * flags.c - imap4flags (RFC 5232): setflag, addflag, removeflag,
 * hasflag, and the flags keep and fileinto store with
 *
 * A flag list is a set: space-separated flags, each once, compared
 * without regard to case.  The internal variable (one per script of
 * the sequence, shared with the scripts it includes) gives keep,
 * fileinto without :flags and the implicit keep their flags; a named
 * variable (the optional first argument) is read and written through
 * vars.c.  As Pigeonhole does, flags that IMAP would refuse (an unknown
 * system flag such as \Recent, a keyword with atom-specials) are left
 * out when added, so what the result carries can be stored.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "actions.h"

/* the longest flag set, in bytes with the blanks: Pigeonhole's
 * sieve_variables_max_variable_size, the internal variable being one */
#define SV_FLAGS_MAX 4096

static const char *const system_flags[] = {
    "\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft", NULL
};

/* valid - a system flag of RFC 3501, or a keyword made of atom chars */
static int valid(const char *f, size_t len)
{
    size_t i;
    int k;

    if (len == 0)
        return 0;
    if (f[0] == '\\') {
        for (k = 0; system_flags[k]; k++)
            if (strlen(system_flags[k]) == len &&
                strncasecmp(system_flags[k], f, len) == 0)
                return 1;
        return 0;
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)f[i];

        if (c <= 0x20 || c >= 0x7f || strchr("(){%*\"\\]", c))
            return 0;
    }
    return 1;
}

void sv_flags_free(char **v, int n)
{
    int i;

    for (i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* find - the index of flag f (len bytes) in v, -1 when absent */
static int find(char **v, int n, const char *f, size_t len)
{
    int i;

    for (i = 0; i < n; i++)
        if (strlen(v[i]) == len && strncasecmp(v[i], f, len) == 0)
            return i;
    return -1;
}

/*
 * add_split - the words of s added to *v; with check, only valid flags.
 * A set holds at most SV_FLAGS_MAX bytes, as a variable's value does in
 * vars.c: past it the rest of s is left out, which also bounds the time
 * a huge literal can take inside one command.
 */
static int add_split(const char *s, char ***v, int *n, int check)
{
    size_t total = 0;
    int i;

    for (i = 0; i < *n; i++)
        total += strlen((*v)[i]) + 1;
    while (*s) {
        size_t len;
        char **nv;

        while (*s == ' ')
            s++;
        len = strcspn(s, " ");
        if (len == 0)
            break;
        if ((!check || valid(s, len)) && find(*v, *n, s, len) < 0) {
            if (total + len + 1 > SV_FLAGS_MAX)
                break;
            nv = realloc(*v, (size_t)(*n + 1) * sizeof(*nv));
            if (nv == NULL)
                return -1;
            *v = nv;
            if ((nv[*n] = strndup(s, len)) == NULL)
                return -1;
            (*n)++;
            total += len + 1;
        }
        s += len;
    }
    return 0;
}

int sv_flags_split(const char *s, char ***v, int *n)
{
    return add_split(s, v, n, 0);
}

/* join - the flags as one space-separated string */
static char *join(char **v, int n)
{
    size_t len = 1, o = 0;
    char *s;
    int i;

    for (i = 0; i < n; i++)
        len += strlen(v[i]) + 1;
    s = malloc(len);
    if (s == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        size_t l = strlen(v[i]);

        if (i > 0)
            s[o++] = ' ';
        memcpy(s + o, v[i], l);
        o += l;
    }
    s[o] = '\0';
    return s;
}

/* list_add - the flags of each string of list l, expanded, added */
static int list_add(struct sv_run *r, const struct sv_node *n,
                    const struct sv_arg *l, char ***v, int *nv)
{
    int i, cnt = sv_list_count(l);

    for (i = 0; i < cnt; i++) {
        size_t len;
        const char *s = sv_string(r, &l->v[i], 0, &len);

        if (s == NULL)
            return -1;
        if (add_split(s, v, nv, 1) < 0)
            return sv_oom(r, n);
    }
    return 0;
}

int sv_flags_of(struct sv_run *r, const struct sv_node *n, char ***v,
                int *nv)
{
    const struct sv_arg *t = sv_tag(n, "flags");
    const char *cur = r->acts->flags;

    *v = NULL;
    *nv = 0;
    if (t == NULL) {
        if (cur && add_split(cur, v, nv, 0) < 0) {
            sv_flags_free(*v, *nv);
            return sv_oom(r, n);
        }
        return 0;
    }
    if (list_add(r, n, t, v, nv) < 0) {
        sv_flags_free(*v, *nv);
        *v = NULL;
        *nv = 0;
        return -1;
    }
    return 0;
}

/* target - the variable n works on: a name, or NULL for the internal */
static const char *target(const struct sv_node *n)
{
    if (n->npos >= 2 && sv_list_count(n->pos[0]) > 0)
        return n->pos[0]->v[0].s;
    return NULL;
}

/* get - the current flags of the variable n works on */
static int get(struct sv_run *r, const struct sv_node *n, char ***v,
               int *nv)
{
    const char *var = target(n);
    const char *s;
    size_t len;

    if (var)
        s = sv_var_get(r, var, &len);
    else
        s = r->acts->flags;
    if (s && add_split(s, v, nv, 0) < 0)
        return sv_oom(r, n);
    return 0;
}

/* put - v as the new value of the variable n works on */
static int put(struct sv_run *r, const struct sv_node *n, char **v, int nv)
{
    const char *var = target(n);
    char *s = join(v, nv);
    int rc = 0;

    if (s == NULL)
        return sv_oom(r, n);
    if (var) {
        rc = sv_var_set(r, var, s, strlen(s));
        free(s);
        return rc < 0 ? -1 : 0;
    }
    free(r->acts->flags);
    r->acts->flags = s;
    return 0;
}

/* change - setflag (op 's'), addflag ('a'), removeflag ('r') */
static int change(struct sv_run *r, const struct sv_node *n, int op)
{
    const struct sv_arg *l = n->npos > 0 ? n->pos[n->npos - 1] : NULL;
    char **v = NULL, **del = NULL;
    int nv = 0, ndel = 0, i, rc = -1;

    if (op != 's' && get(r, n, &v, &nv) < 0)
        goto out;
    if (op == 'r') {
        if (list_add(r, n, l, &del, &ndel) < 0)
            goto out;
        for (i = 0; i < ndel; i++) {
            int k = find(v, nv, del[i], strlen(del[i]));

            if (k >= 0) {
                free(v[k]);
                memmove(v + k, v + k + 1, (size_t)(nv - k - 1) * sizeof(*v));
                nv--;
            }
        }
    } else if (list_add(r, n, l, &v, &nv) < 0) {
        goto out;
    }
    rc = put(r, n, v, nv);
out:
    sv_flags_free(v, nv);
    sv_flags_free(del, ndel);
    return rc;
}

int sv_cmd_setflag(struct sv_run *r, const struct sv_node *n)
{
    return change(r, n, 's');
}

int sv_cmd_addflag(struct sv_run *r, const struct sv_node *n)
{
    return change(r, n, 'a');
}

int sv_cmd_removeflag(struct sv_run *r, const struct sv_node *n)
{
    return change(r, n, 'r');
}

/*
 * sv_test_hasflag - each flag held (by the named variables, or the
 * internal one) is a value; each word of the keys is a key, so that
 * hasflag "\\Seen \\Flagged" asks for either, as Pigeonhole reads it
 */
int sv_test_hasflag(struct sv_run *r, const struct sv_node *n)
{
    const struct sv_arg *vars = n->npos >= 2 ? n->pos[0] : NULL;
    const struct sv_arg *l = n->npos > 0 ? n->pos[n->npos - 1] : NULL;
    struct sv_match_ctx m;
    struct sv_arg keys;
    struct sv_str *kv = NULL;
    char **have = NULL, **want = NULL;
    int nhave = 0, nwant = 0, i, rc = -1;

    if (vars) {
        for (i = 0; i < sv_list_count(vars); i++) {
            size_t len;
            const char *s = sv_var_get(r, vars->v[i].s, &len);

            if (s && add_split(s, &have, &nhave, 0) < 0) {
                sv_oom(r, n);
                goto out;
            }
        }
    } else if (r->acts->flags &&
               add_split(r->acts->flags, &have, &nhave, 0) < 0) {
        sv_oom(r, n);
        goto out;
    }
    for (i = 0; i < sv_list_count(l); i++) {
        size_t len;
        const char *s = sv_string(r, &l->v[i], 0, &len);

        if (s == NULL)
            goto out;
        if (sv_flags_split(s, &want, &nwant) < 0) {
            sv_oom(r, n);
            goto out;
        }
    }
    kv = calloc((size_t)(nwant ? nwant : 1), sizeof(*kv));
    if (kv == NULL) {
        sv_oom(r, n);
        goto out;
    }
    for (i = 0; i < nwant; i++) {
        kv[i].s = want[i];
        kv[i].len = strlen(want[i]);
        kv[i].line = l->line;
        kv[i].col = l->col;
    }
    memset(&keys, 0, sizeof(keys));
    keys.type = SV_LIST;
    keys.line = l ? l->line : n->line;
    keys.col = l ? l->col : n->col;
    keys.v = kv;
    keys.n = nwant;
    sv_match_begin(&m, r, n, &keys);
    for (i = 0; i < nhave; i++) {
        int t = sv_match_value(&m, have[i], strlen(have[i]));

        if (t < 0)
            goto out;
        if (t > 0)
            break;
    }
    rc = sv_match_end(&m);
out:
    free(kv);
    sv_flags_free(have, nhave);
    sv_flags_free(want, nwant);
    return rc;
}
