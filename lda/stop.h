/* stop.h - a delivery cut short: the timeout and the stopping signals */
#ifndef LDA_STOP_H
#define LDA_STOP_H

#include <signal.h>

#include "../store/maildir.h"
#include "../util/status.h"

/* Why the delivery is being cut short: nothing yet, time, a signal. */
enum { STOP_NONE, STOP_TIMEOUT, STOP_SIGNAL };

extern volatile sig_atomic_t stop_reason;

void stop_catch(void);
void stop_arm(unsigned seconds);
void stop_watch(struct maildir *md);
int stop_status(struct status *st);

#endif
