/* run.h - one recipient's delivery: in this process, or a child's */
#ifndef LMTP_RUN_H
#define LMTP_RUN_H

#include "../lda/deliver.h"
#include "spool.h"

int run_delivery(const struct config *cfg, const struct envelope *env,
                 struct spool *sp, int isolate, int client,
                 struct delivered *out, struct status *st);

#endif
