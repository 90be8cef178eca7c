/*
 * fuzz_recipient.c - recipient addresses (lda/recipient.c) as Postfix
 * might pass them: address, delimiters, -e extension, a header value
 *
 * An accepted address must split into parts that are safe in a path:
 * no "/", no control byte, no "." or ".." part (recipient.c's promise
 * to template.c).
 */
#include "fuzz.h"

#include "../../lda/recipient.h"

/* safe - what template_expand() may put into a path */
static int safe(const char *s)
{
    const char *p;

    if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0 || strchr(s, '/'))
        return 0;
    for (p = s; *p; p++)
        if ((unsigned char)*p < ' ' || *p == 0x7f)
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *part[4];
    struct recipient r;
    struct status st;

    fuzz_split(data, size, part, 4);
    memset(&st, 0, sizeof(st));
    if (recipient_parse(part[0], part[1], &r, &st) == 0) {
        if (!safe(r.local) || !safe(r.domain) || !safe(r.user)
            || r.local[0] == '\0')
            fuzz_fail("unsafe parts accepted: '%s' '%s'", r.local, r.domain);
        recipient_set_ext(&r, part[2], part[1]);
        (void)recipient_matches(&r, part[3]);
    } else if (st.code[0] != '5') {
        fuzz_fail("refused with '%s'", st.code);
    }
    free(part[0]);
    return 0;
}
