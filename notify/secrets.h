/* secrets.h - the secrets file: signing keys and credential headers */
#ifndef LDA_SECRETS_H
#define LDA_SECRETS_H

#include "../util/status.h"
#include "endpoint.h"

struct secrets {
    char *buf;                  /* the file, wiped when closed */
    char *next;                 /* the line to read next */
    int lineno;
};

/* A "NAME.header = Name: value" line, for the caller to apply. */
struct secrets_header {
    struct endpoint *ep;
    const char *value;
    char where[1200];           /* "secrets 'x' line 3: endpoint 'y'" */
};

int secrets_open(struct secrets *sf, const char *path, int *missing,
                 struct status *st);
int secrets_next(struct secrets *sf, struct notifyd_config *cfg,
                 struct secrets_header *h, struct status *st);
void secrets_close(struct secrets *sf);

#endif
