/*
 * fuzz_sieve.c - Sieve scripts (sieve/lex.c, sieve/parse.c)
 *
 * Any bytes, NULs included, are parsed as a script.  A script that
 * parses must give a tree as ast.h promises: every node with its
 * grammar entry, positional arguments of the types the entry asks for,
 * strings NUL-terminated with no NUL inside, positions 1-based; one that
 * does not must say where and why.  Freeing it must leave nothing
 * behind (LeakSanitizer).  Includes resolve against a scratch
 * directory of a few scripts (one broken, two including each other).
 */
#include "fuzz.h"

#include "../../sieve/ast.h"

static void check_str(const struct sv_str *s)
{
    if (s->s == NULL || strlen(s->s) != s->len)
        fuzz_fail("string of %zu bytes holds a NUL or is unterminated",
                  s->len);
    if (s->line < 1 || s->col < 1)
        fuzz_fail("string at %d:%d", s->line, s->col);
    if (s->has_var != (strstr(s->s, "${") != NULL))
        fuzz_fail("has_var %d for \"%s\"", s->has_var, s->s);
}

static void check_node(const struct sv_node *n, int depth)
{
    const char *want;
    int i, j;

    if (depth > 100)
        fuzz_fail("tree deeper than the nesting limit");
    for (; n != NULL; n = n->next) {
        if (n->def == NULL || n->line < 1 || n->col < 1)
            fuzz_fail("node '%s' without its entry or position", n->name);
        want = n->def->pos;
        if (n->npos != (int)strlen(want))
            fuzz_fail("%s: npos %d", n->name, n->npos);
        for (i = 0; i < n->npos; i++) {
            const struct sv_arg *a = n->pos[i];

            if (a == NULL) {
                if (want[i] >= 'A' && want[i] <= 'Z')
                    fuzz_fail("%s: required argument %d missing", n->name, i);
                continue;
            }
            if ((want[i] == 'S' || want[i] == 's') && a->type != SV_STR)
                fuzz_fail("%s: argument %d not a string", n->name, i);
            if ((want[i] == 'L' || want[i] == 'l') && a->type != SV_STR
                && a->type != SV_LIST)
                fuzz_fail("%s: argument %d not a list", n->name, i);
        }
        for (i = 0; i < n->nargs; i++) {
            if (n->args[i].type == SV_STR || n->args[i].type == SV_LIST) {
                if (n->args[i].n < 1)
                    fuzz_fail("%s: empty string list", n->name);
                for (j = 0; j < n->args[i].n; j++)
                    check_str(&n->args[i].v[j]);
            }
        }
        if (n->ntags > SV_MAX_TAGS)
            fuzz_fail("%s: %d tags", n->name, n->ntags);
        for (i = 0; i < n->ntags; i++)
            if (sv_tag(n, n->tags[i].name) == NULL)
                fuzz_fail("%s: sv_tag misses :%s", n->name, n->tags[i].name);
        if ((n->def->flags & SV_F_BLOCK) && !n->has_block)
            fuzz_fail("%s without its block", n->name);
        for (i = 0; i < n->ntests; i++)
            check_node(n->tests[i], depth + 1);
        check_node(n->block, depth + 1);
        if (n->def->id == SV_INCLUDE && n->data == NULL
            && sv_tag(n, "optional") == NULL)
            fuzz_fail("an include without its script");
    }
}

/*
 * Scripts to include, in one scratch directory for :personal and
 * :global alike: "a" plain, "b" and "c" including each other (a cycle),
 * "d" including "a" twice and "e" broken.
 */
static char incdir[64];

static void incdir_cleanup(void)
{
    static const char *const names[] = {"a", "b", "c", "d", "e"};
    char p[128];

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(p, sizeof(p), "%s/%s.sieve", incdir, names[i]);
        unlink(p);
    }
    rmdir(incdir);
}

static void incdir_make(void)
{
    static const struct {
        const char *name, *text;
    } files[] = {
        {"a", "keep;\n"},
        {"b", "require \"include\";\ninclude \"c\";\n"},
        {"c", "require \"include\";\ninclude :once \"b\";\n"},
        {"d", "require \"include\";\ninclude \"a\";\ninclude :global \"a\";"
         "\nreturn;\n"},
        {"e", "keep\n"},
    };
    const char *tmp = getenv("TMPDIR");
    char p[128];
    FILE *f;

    if (tmp == NULL || *tmp != '/' || strlen(tmp) >= 30)
        tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(incdir, sizeof(incdir), "%s/lda-fuzz-inc.XXXXXX", tmp);
    if (mkdtemp(incdir) == NULL)
        fuzz_fail("mkdtemp '%s'", incdir);
    atexit(incdir_cleanup);
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(p, sizeof(p), "%s/%s.sieve", incdir, files[i].name);
        if ((f = fopen(p, "w")) == NULL || fputs(files[i].text, f) < 0
            || fclose(f) != 0)
            fuzz_fail("write '%s'", p);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sieve_conf conf;
    struct sieve_script *s = NULL;
    struct sieve_error err;

    if (size > 65536)
        return 0;
    if (incdir[0] == '\0')
        incdir_make();
    sieve_conf_defaults(&conf);
    snprintf(conf.personal_dir, sizeof(conf.personal_dir), "%s", incdir);
    snprintf(conf.global_dir, sizeof(conf.global_dir), "%s", incdir);
    if (sieve_parse_text(&conf, "fuzz.sieve", (const char *)data, size, &s,
                         &err) == 0) {
        if (s == NULL)
            fuzz_fail("parsed without a script");
        check_node(s->first, 0);
        /* "a" and "d" are the only ones that load: each at most twice
         * (personal and global) */
        if (s->nincludes > 4)
            fuzz_fail("%d includes", s->nincludes);
        for (int i = 0; i < s->nincludes; i++) {
            if (s->includes[i]->nincludes != 0)
                fuzz_fail("an included script owns includes");
            check_node(s->includes[i]->first, 0);
        }
        sieve_script_free(s);
    } else {
        if (s != NULL)
            fuzz_fail("failed with a script");
        if (err.text[0] == '\0' || err.line < 0 || err.col < 0
            || (strcmp(err.file, "fuzz.sieve") != 0
                && strncmp(err.file, incdir, strlen(incdir)) != 0))
            fuzz_fail("error '%s' at %s:%d:%d", err.text, err.file, err.line,
                      err.col);
    }
    return 0;
}
