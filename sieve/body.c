/*
 * body.c - the body test (RFC 5173)
 *
 *   body [COMPARATOR] [MATCH-TYPE] [:raw / :content <types> / :text]
 *        <key-list>
 *
 * mime.c finds and decodes the parts; each string it yields is one
 * value for the node's match.  :text (the default) is Pigeonhole's:
 * the text/ parts, text/html turned into plain text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "mime.h"
#include "run.h"

#define SAVED_VARS 10           /* ${0}..${9} */

struct body {
    struct sv_run *r;
    struct sv_match_ctx m;
    int failed;                 /* a read or the match set an error */
};

/* body_pread - the message through the run, which reports a failure */
static long body_pread(void *arg, void *buf, size_t len, uint64_t off)
{
    struct body *b = arg;
    long got = sv_pread(b->r, buf, len, off);

    if (got < 0)
        b->failed = 1;
    return got;
}

/* body_value - one part's text to the match */
static int body_value(void *arg, const char *v, size_t len)
{
    struct body *b = arg;
    int rc = sv_match_value(&b->m, v, len);

    if (rc < 0)
        b->failed = 1;
    return rc;
}

/* vars_save - a copy of the match variables: 0, or -1 (memory) */
static int vars_save(struct sv_run *r, char **v, size_t *len)
{
    char name[4];
    int i;

    for (i = 0; i < SAVED_VARS; i++) {
        const char *s;

        snprintf(name, sizeof(name), "%d", i);
        s = sv_var_get(r, name, &len[i]);
        if (!(v[i] = malloc(len[i] + 1)))
            return -1;
        memcpy(v[i], s, len[i]);
        v[i][len[i]] = '\0';
    }
    return 0;
}

/* vars_restore - put the saved match variables back, and free them */
static void vars_restore(struct sv_run *r, char **v, size_t *len,
                         int restore)
{
    int i;

    if (restore)
        sv_match_vars_set(r, (const char *const *)v, len, SAVED_VARS);
    for (i = 0; i < SAVED_VARS; i++)
        free(v[i]);
}

int sv_test_body(struct sv_run *r, const struct sv_node *n)
{
    char *saved[SAVED_VARS] = {NULL};
    size_t saved_len[SAVED_VARS] = {0};
    int restore;
    struct body b = {.r = r};
    struct sv_mime_src src = {.pread = body_pread, .arg = &b,
                              .size = sv_size(r)};
    const struct sv_arg *content = sv_tag(n, "content");
    enum sv_mime_mode mode = SV_MIME_TEXT;
    char **types = NULL;
    int ntypes = 0, i, rc;

    if (sv_tag(n, "raw"))
        mode = SV_MIME_RAW;
    else if (content && content->type != SV_TAG) {
        int k = content->type == SV_LIST ? content->n : 1;

        mode = SV_MIME_CONTENT;
        types = calloc((size_t)k + 1, sizeof(*types));
        if (!types)
            return sv_error(r, n, "body: out of memory");
        for (i = 0; i < k; i++) {
            size_t len;
            const char *t = sv_string(r, &content->v[i], 0, &len);

            if (!t || !(types[ntypes] = strdup(t))) {
                rc = t ? sv_error(r, n, "body: out of memory") : -1;
                goto out;
            }
            ntypes++;
        }
    }
    restore = vars_save(r, saved, saved_len) == 0;
    sv_match_begin(&b.m, r, n, n->pos[0]);
    rc = sv_mime_body(&src, mode, (const char *const *)types, ntypes,
                      body_value, &b);
    vars_restore(r, saved, saved_len, restore);
    if (rc < 0) {
        /* sv_pread and sv_match_value set their errors; else memory */
        if (!b.failed)
            rc = sv_error(r, n, "body: out of memory");
        goto out;
    }
    rc = sv_match_end(&b.m);
out:
    for (i = 0; i < ntypes; i++)
        free(types[i]);
    free(types);
    return rc;
}
