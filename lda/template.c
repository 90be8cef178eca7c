/*
 * template.c - the maildir setting turned into a path
 *
 * "%u" is user@domain, "%n" the local part, "%d" the domain (all
 * lower-cased, without the extension), "%%" a percent sign, and a
 * leading "~" the delivery account's home directory.  The values were
 * checked by recipient_parse(), so no expansion can contain "/" or
 * "..": the result stays below the fixed part of the template, which
 * is also returned ("base": the directory that must exist for the
 * storage to be there at all).
 *
 * template_storage_root() then picks the directory that guards a local
 * Maildir against an unmounted file system: it must exist, and all
 * below it is made on first delivery.
 */
#include <stdio.h>
#include <string.h>

#include "../util/path.h"
#include "template.h"

/* put - append s; -1 if out is full */
static int put(char *out, size_t cap, size_t *o, const char *s)
{
    size_t len = strlen(s);

    if (*o + len >= cap)
        return -1;
    memcpy(out + *o, s, len + 1);
    *o += len;
    return 0;
}

/* template_expand - path for this recipient; 4.3.5 on a bad template */
int template_expand(const char *tpl, const struct recipient *r,
                    const char *home, char *out, size_t cap, char *base,
                    size_t bcap, struct status *st)
{
    size_t o = 0, fixed = 0;
    int seen_var = 0;
    const char *p = tpl, *v;
    char one[2] = {0, 0};
    char *slash;

    out[0] = '\0';
    if (p[0] == '~' && (p[1] == '/' || p[1] == '\0')) {
        if (home == NULL || home[0] != '/')
            return status_set(st, "4.3.5", "maildir '%s': no home directory "
                              "for '~'", tpl);
        if (put(out, cap, &o, home) < 0)
            goto too_long;
        p++;
    }
    for (; *p; p++) {
        if (*p != '%') {
            one[0] = *p;
            v = one;
        } else if (*++p == '%') {
            v = "%";            /* literal: part of the fixed text */
        } else {
            if (!seen_var)
                fixed = o;
            seen_var = 1;
            switch (*p) {
            case 'u': v = r->user; break;
            case 'n': v = r->local; break;
            case 'd': v = r->domain; break;
            default:
                return status_set(st, "4.3.5", "maildir '%s': unknown "
                                  "'%%%c'", tpl, *p ? *p : ' ');
            }
        }
        if (put(out, cap, &o, v) < 0)
            goto too_long;
    }
    if (out[0] != '/')
        return status_set(st, "4.3.5", "maildir '%s' is not an absolute "
                          "path", tpl);
    if (!seen_var) {
        fixed = o;
        while (fixed > 1 && out[fixed - 1] == '/')
            fixed--;            /* "/a/Maildir/" is in /a */
    }
    if (fixed >= bcap)
        goto too_long;
    memcpy(base, out, fixed);
    base[fixed] = '\0';
    /* The base is the directory holding the first variable part, or,
     * with none, the Maildir's parent. */
    if ((slash = strrchr(base, '/')) != NULL)
        slash[slash == base ? 1 : 0] = '\0';
    return 0;
too_long:
    return status_set(st, "4.3.0", "maildir path for '%s' too long",
                      r->address);
}

/* has_variable - whether tpl holds a %-sequence other than "%%" */
static int has_variable(const char *tpl)
{
    for (; (tpl = strchr(tpl, '%')) != NULL; tpl += 2)
        if (tpl[1] != '%')
            return 1;
    return 0;
}

/* leading - the first n directories of path into out; 0 or -1 */
static int leading(const char *path, int n, char *out, size_t cap)
{
    const char *p = path;

    while (n-- > 0 && p != NULL)
        p = strchr(p + 1, '/');
    if (p == NULL)
        return -1;
    if ((size_t)(p - path) >= cap)
        return -1;
    memcpy(out, path, (size_t)(p - path));
    out[p - path] = '\0';
    return 0;
}

/*
 * template_storage_root - the storage root of the Maildir at path,
 * expanded from tpl (whose fixed part was base): the longest directory
 * of roots (the storage_root setting: absolute paths separated by
 * commas or blanks) that holds path, and 4.3.5 when none does.  With
 * no roots: base when the template has a %-variable; otherwise (a "~"
 * template, a fixed path) the first two directories of path when the
 * Maildir lies at least two levels below them, else the first one.
 * A user's home, which the account service names before it exists,
 * is thus never its own storage root.
 */
int template_storage_root(const char *roots, const char *tpl,
                          const char *path, const char *base, char *out,
                          size_t cap, struct status *st)
{
    const char *p = roots, *best = NULL;
    size_t len, best_len = 0;
    int depth = 0;

    while (*p) {
        p += strspn(p, ", \t");
        len = strcspn(p, ", \t");
        while (len > 1 && p[len - 1] == '/')
            len--;
        if (len > 0 && p[0] == '/' && len >= best_len
            && path_below(path, p, len) != NULL) {
            best = p;
            best_len = len;
        }
        p += strcspn(p, ", \t");
    }
    if (best != NULL) {
        if (best_len >= cap)
            return status_set(st, "4.3.0", "storage root too long");
        memcpy(out, best, best_len);
        out[best_len] = '\0';
        return 0;
    }
    if (roots[strspn(roots, ", \t")] != '\0')
        return status_set(st, "4.3.5", "Maildir '%s' is outside every "
                          "storage_root", path);
    if (has_variable(tpl)) {
        if (strlen(base) >= cap)
            return status_set(st, "4.3.0", "storage root too long");
        snprintf(out, cap, "%s", base);
        return 0;
    }
    for (p = path + 1; (p = strchr(p, '/')) != NULL; p++)
        if (p[1] != '/' && p[1] != '\0')
            depth++;            /* directories above the Maildir */
    if (leading(path, depth >= 3 ? 2 : depth >= 1 ? 1 : 0, out, cap) < 0)
        snprintf(out, cap, "/");
    if (out[0] == '\0')
        snprintf(out, cap, "/");
    return 0;
}
