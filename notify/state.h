/* state.h - lda-notifyd's records beside the outbox: progress, dead letters */
#ifndef LDA_STATE_H
#define LDA_STATE_H

#include <jansson.h>

#include "../util/status.h"

#define STATE_LOG_MAX 16        /* attempts kept per endpoint and event */

json_t *state_load(const char *outbox, const char *id);
int state_save(const char *outbox, const char *id, json_t *s,
               struct status *st);
void state_remove(const char *outbox, const char *id);
json_t *state_endpoint(json_t *s, const char *name);
void state_log(json_t *ep, int attempt, long status, const char *error,
               const char *reply);
int state_bury(const char *outbox, const char *endpoint, const char *id,
               const char *body, size_t len, json_t *ep, const char *why,
               struct status *st);
int state_disable(const char *outbox, const char *endpoint,
                  const char *why, struct status *st);
int state_disabled(const char *outbox, const char *endpoint);
int state_path(char *out, size_t cap, const char *outbox, const char *dir,
               const char *a, const char *b);
int state_write(const char *path, const char *text, size_t len,
                struct status *st);
void state_now(char *out, size_t cap);

#endif
