/* filter.h - Sieve in a delivery: the scripts, their actions carried out */
#ifndef LDA_FILTER_H
#define LDA_FILTER_H

#include "deliver.h"
#include "delivery.h"

void filter_prepare(struct delivery *c);
int filter_commit(struct delivery *c, const char *deflt, struct status *st);
void filter_report(struct delivery *c, double delay, const char *orig,
                   struct delivered *out);
void filter_free(struct delivery *c);

#endif
