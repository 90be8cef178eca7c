/* tell.h - the events of a delivery: message.new, quota.* */
#ifndef LDA_TELL_H
#define LDA_TELL_H

#include "delivery.h"

void tell_new(const struct delivery *c);
void tell_copy(const struct delivery *c, const char *dir, const char *file,
               const char *folder);
void tell_refused(const struct delivery *c, const struct status *st);
void tell_quota(const struct delivery *c);

#endif
