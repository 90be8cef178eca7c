/* privs.h - become the delivery account */
#ifndef LDA_PRIVS_H
#define LDA_PRIVS_H

#include <stddef.h>

#include "../util/status.h"

int privs_drop(const char *user, const char *group, char *home, size_t cap,
               struct status *st);
int privs_account(long uid, long gid, const char *group, const char *who,
                  char *home, size_t cap, struct status *st);

#endif
