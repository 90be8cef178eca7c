/* attempt.h - how a driver ends an attempt: its result, then the queue */
#ifndef LDA_ATTEMPT_H
#define LDA_ATTEMPT_H

#include "notifier.h"

void attempt_finish(struct job *j, enum attempt_outcome o, long status,
                    const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
