/*
 * include.c - include, return and global at run time (RFC 6609)
 *
 * The parser has loaded each include's target (node->data: the script,
 * NULL for a missing :optional one) and refused cycles; here the target
 * runs inside the same result, implicit keep and internal flags
 * variable, with variables of its own.  A global variable lives in a
 * table of this run of one script of the sequence; a script that
 * declared it holds a copy in its own variables, written back to the
 * table whenever control leaves that script (an include, its end) and
 * read again when control comes back.  As only one script runs at a
 * time, the copies always agree.  Each global is also offered to vars.c
 * as "global.NAME", the namespace RFC 6609 section 3.5 defines; it is
 * used only when vars.c takes such a name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "actions.h"

/* RFC 6609 leaves the depth to the implementation; Pigeonhole's
 * sieve_include_max_nesting_depth is 10 */
#define SV_MAX_NESTING 10

void sv_globals_reset(struct sv_actions *a)
{
    int i;

    for (i = 0; i < a->nglobals; i++) {
        free(a->globals[i].name);
        free(a->globals[i].val);
    }
    free(a->globals);
    a->globals = NULL;
    a->nglobals = 0;
    for (i = 0; i < a->ndeclared; i++)
        free(a->declared[i]);
    free(a->declared);
    a->declared = NULL;
    a->ndeclared = 0;
    free(a->seen);
    a->seen = NULL;
    a->nseen = a->seencap = 0;
}

static struct sv_global *global_find(struct sv_actions *a, const char *name)
{
    int i;

    for (i = 0; i < a->nglobals; i++)
        if (strcasecmp(a->globals[i].name, name) == 0)
            return &a->globals[i];
    return NULL;
}

static int declared(const struct sv_actions *a, const char *name)
{
    int i;

    for (i = 0; i < a->ndeclared; i++)
        if (strcasecmp(a->declared[i], name) == 0)
            return 1;
    return 0;
}

/* set_ns - "global.NAME" in the running script's variables; a failure
 * there (vars.c may not take the dotted name) is no error of the run */
static void set_ns(struct sv_run *r, const struct sv_global *g)
{
    struct sieve_error saved = *r->err;
    char name[300];

    if ((size_t)snprintf(name, sizeof(name), "global.%s", g->name) >=
        sizeof(name))
        return;
    if (sv_var_set(r, name, g->val, g->len) == 0)
        r->acts->ns_ok = 1;
    else
        *r->err = saved;
}

/* copy_in - the table's values into the running script's variables */
static int copy_in(struct sv_run *r, const struct sv_node *n)
{
    struct sv_actions *a = r->acts;
    int i;

    for (i = 0; i < a->nglobals; i++) {
        struct sv_global *g = &a->globals[i];

        if (declared(a, g->name) &&
            sv_var_set(r, g->name, g->val, g->len) < 0)
            return a->oom ? -1 : sv_error(r, n, "global '%s': cannot set",
                                          g->name);
        set_ns(r, g);
    }
    return 0;
}

/* differs - has the variable's value changed from the table's? */
static int differs(const struct sv_global *g, const char *v, size_t len)
{
    return v && (len != g->len || memcmp(v, g->val, len) != 0);
}

/* copy_out - the running script's values back into the table: the name
 * it declared, or global.NAME when that is what it changed */
static int copy_out(struct sv_run *r, const struct sv_node *n)
{
    struct sv_actions *a = r->acts;
    char name[300];
    int i;

    for (i = 0; i < a->nglobals; i++) {
        struct sv_global *g = &a->globals[i];
        const char *v = NULL, *ns = NULL;
        size_t len = 0, nslen = 0;
        char *c;

        if (declared(a, g->name))
            v = sv_var_get(r, g->name, &len);
        if (a->ns_ok && (size_t)snprintf(name, sizeof(name), "global.%s",
                                         g->name) < sizeof(name))
            ns = sv_var_get(r, name, &nslen);
        if (differs(g, ns, nslen)) {
            v = ns;
            len = nslen;
        } else if (!differs(g, v, len)) {
            continue;
        }
        c = malloc(len + 1);
        if (c == NULL)
            return sv_oom(r, n);
        memcpy(c, v, len);
        c[len] = '\0';
        free(g->val);
        g->val = c;
        g->len = len;
    }
    return 0;
}

/* seen - was t included before in this script's run?  Remember it. */
static int seen(struct sv_run *r, const struct sv_node *n,
                const struct sieve_script *t, int *was)
{
    struct sv_actions *a = r->acts;
    int i;

    for (i = 0; i < a->nseen; i++)
        if (a->seen[i] == t) {
            *was = 1;
            return 0;
        }
    *was = 0;
    if (a->nseen == a->seencap) {
        int cap = a->seencap ? a->seencap * 2 : 8;
        const struct sieve_script **s =
            realloc(a->seen, (size_t)cap * sizeof(*s));

        if (s == NULL)
            return sv_oom(r, n);
        a->seen = s;
        a->seencap = cap;
    }
    a->seen[a->nseen++] = t;
    return 0;
}

int sv_cmd_include(struct sv_run *r, const struct sv_node *n)
{
    struct sv_actions *a = r->acts;
    const struct sieve_script *t = n->data, *parent = r->script;
    struct sv_vars *pvars = r->vars;
    char **pdecl = a->declared;
    int pndecl = a->ndeclared, was, rc;

    if (t == NULL)
        return 0;               /* :optional, and not there */
    if (seen(r, n, t, &was) < 0)
        return -1;
    if (was && sv_tag(n, "once"))
        return 0;
    if (a->depth >= SV_MAX_NESTING)
        return sv_error(r, n, "include: nesting too deep (more than %d "
                        "levels)", SV_MAX_NESTING);
    if (copy_out(r, n) < 0)
        return -1;
    r->vars = sv_vars_new();
    if (r->vars == NULL) {
        r->vars = pvars;
        return sv_oom(r, n);
    }
    a->declared = NULL;
    a->ndeclared = 0;
    a->depth++;
    r->script = t;
    rc = copy_in(r, n);
    if (rc == 0)
        rc = sv_run_block(r, t->first);
    if (rc == 0)
        rc = copy_out(r, n);
    r->script = parent;
    a->depth--;
    sv_vars_free(r->vars);
    r->vars = pvars;
    while (a->ndeclared > 0)
        free(a->declared[--a->ndeclared]);
    free(a->declared);
    a->declared = pdecl;
    a->ndeclared = pndecl;
    if (a->halt == SV_HALT_RETURN)
        a->halt = SV_GO;
    if (rc == 0)
        rc = copy_in(r, n);
    return rc;
}

/* sv_cmd_return - back to the including script; in the main script, as
 * stop (RFC 6609 section 3.3) */
int sv_cmd_return(struct sv_run *r, const struct sv_node *n)
{
    (void)n;
    r->acts->halt = r->acts->depth > 0 ? SV_HALT_RETURN : SV_HALT_STOP;
    return 0;
}

/* declare - name made global in the running script, and in the table */
static int declare(struct sv_run *r, const struct sv_node *n,
                   const char *name)
{
    struct sv_actions *a = r->acts;
    struct sv_global *g;
    char **d;

    if (!declared(a, name)) {
        d = realloc(a->declared, (size_t)(a->ndeclared + 1) * sizeof(*d));
        if (d == NULL)
            return sv_oom(r, n);
        a->declared = d;
        if ((d[a->ndeclared] = strdup(name)) == NULL)
            return sv_oom(r, n);
        a->ndeclared++;
    }
    g = global_find(a, name);
    if (g == NULL) {
        /* new: the table starts from what the script holds */
        const char *v;
        size_t len;

        g = realloc(a->globals, (size_t)(a->nglobals + 1) * sizeof(*g));
        if (g == NULL)
            return sv_oom(r, n);
        a->globals = g;
        g = &a->globals[a->nglobals];
        v = sv_var_get(r, name, &len);
        g->name = strdup(name);
        g->val = malloc(len + 1);
        if (g->name == NULL || g->val == NULL) {
            free(g->name);
            free(g->val);
            return sv_oom(r, n);
        }
        if (len)
            memcpy(g->val, v, len);
        g->val[len] = '\0';
        g->len = len;
        a->nglobals++;
        set_ns(r, g);
        return sv_var_global(r, name) < 0 ? sv_oom(r, n) : 0;
    }
    if (sv_var_set(r, g->name, g->val, g->len) < 0)
        return sv_error(r, n, "global '%s': cannot set", g->name);
    /* "global.NAME" (RFC 6609 3.5) is NAME in this script */
    return sv_var_global(r, name) < 0 ? sv_oom(r, n) : 0;
}

/* sv_cmd_global - the names become the shared variables */
int sv_cmd_global(struct sv_run *r, const struct sv_node *n)
{
    const struct sv_arg *l = n->npos > 0 ? n->pos[0] : NULL;
    int i;

    for (i = 0; i < sv_list_count(l); i++)
        if (declare(r, n, l->v[i].s) < 0)
            return -1;
    return 0;
}
