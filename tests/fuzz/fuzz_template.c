/*
 * fuzz_template.c - maildir templates (lda/template.c): template,
 * recipient address and home directory from the input
 *
 * An expansion that succeeds is an absolute path whose base is a prefix
 * of it, and whose variable parts add no "." or ".." component: when
 * neither the template nor the home holds a dot, the path holds no
 * all-dot component either.
 */
#include "fuzz.h"

#include "../../lda/recipient.h"
#include "../../lda/template.h"

/* dot_part - whether path has a component made of dots only */
static int dot_part(const char *path)
{
    const char *p = path, *e;
    size_t n;

    while (*p) {
        e = strchr(p, '/');
        n = e ? (size_t)(e - p) : strlen(p);
        if (n > 0 && strspn(p, ".") == n)
            return 1;
        p += n;
        if (*p == '/')
            p++;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *part[3], out[1024], base[1024];
    struct recipient r;
    struct status st;
    size_t cap;

    if (size == 0)
        return 0;
    cap = data[0] % 2 ? sizeof(out) : 40;  /* short: the "too long" path */
    fuzz_split(data + 1, size - 1, part, 3);
    memset(&st, 0, sizeof(st));
    if (recipient_parse(part[1][0] ? part[1] : "bob+x@example.com", "+", &r,
                        &st) == 0
        && template_expand(part[0], &r, part[2][0] ? part[2] : NULL, out,
                           cap, base, cap, &st) == 0) {
        if (out[0] != '/' || strlen(out) >= cap || strlen(base) >= cap
            || strncmp(out, base, strlen(base)) != 0)
            fuzz_fail("expanded '%s' base '%s'", out, base);
        if (!strchr(part[0], '.') && !strchr(part[2], '.') && dot_part(out))
            fuzz_fail("dot component in '%s'", out);
    }
    free(part[0]);
    return 0;
}
