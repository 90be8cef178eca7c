/* queue.h - lda-notifyd's loop: outbox in, attempts out, retries kept */
#ifndef LDA_QUEUE_H
#define LDA_QUEUE_H

#include <signal.h>

#include "../util/status.h"
#include "endpoint.h"

extern volatile sig_atomic_t queue_stop;        /* SIGTERM, SIGINT */
extern volatile sig_atomic_t queue_reload;      /* SIGHUP */

int queue_run(struct notifyd_config *cfg, int once, struct status *st);

#endif
