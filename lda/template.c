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
 */
#include <stdio.h>
#include <string.h>

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
