/* recipient.h - the recipient address, checked and split */
#ifndef LDA_RECIPIENT_H
#define LDA_RECIPIENT_H

#include "../util/status.h"

struct recipient {
    char address[520];          /* as given, lower-cased */
    char user[520];             /* local@domain without the extension */
    char local[256];            /* local part without the extension */
    char ext[256];
    char domain[256];
    char full[520];             /* local+ext@domain, also for -e ext */
};

int recipient_parse(const char *arg, const char *delimiters,
                    struct recipient *r, struct status *st);
void recipient_set_ext(struct recipient *r, const char *ext,
                       const char *delimiters);
int recipient_matches(const struct recipient *r, const char *value);

#endif
