/* fuzz_userdb.h - what every userdb driver's lookup promises (userdb.h) */
#ifndef LDA_FUZZ_USERDB_H
#define LDA_FUZZ_USERDB_H

#include "fuzz.h"

#include "../../lda/userdb.h"

/*
 * fuzz_account - after a lookup that returned rc: a success leaves no
 * root account and terminated strings, a failure is 4.3.0, 4.3.5 or
 * 5.1.1
 */
static inline void fuzz_account(int rc, const struct account *a,
                                const struct status *st)
{
    if (rc == 0) {
        if (strnlen(a->maildir, sizeof(a->maildir)) == sizeof(a->maildir)
            || strnlen(a->home, sizeof(a->home)) == sizeof(a->home)
            || strnlen(a->name, sizeof(a->name)) == sizeof(a->name))
            fuzz_fail("account strings not terminated");
        if (a->uid == 0 || a->gid == 0)
            fuzz_fail("root account accepted");
    } else if (strcmp(st->code, "4.3.0") != 0
               && strcmp(st->code, "4.3.5") != 0
               && strcmp(st->code, "5.1.1") != 0) {
        fuzz_fail("failed with '%s'", st->code);
    }
}

#endif
