/* outbox.h - the durable event outbox: tmp/, new/, and the wake socket */
#ifndef LDA_OUTBOX_H
#define LDA_OUTBOX_H

#include <stddef.h>

#include "../util/status.h"

#define OUTBOX_WAKE "wake"      /* the daemon's datagram socket */
#define OUTBOX_SUFFIX ".json"

int outbox_dirs(const char *dir, struct status *st);
int outbox_put(const char *dir, const char *id, const char *json,
               size_t len, struct status *st);
void outbox_wake(const char *dir, const char *id);

#endif
