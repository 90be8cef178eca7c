/*
 * attempt.c - how a driver ends an attempt: its result, then the queue
 *
 * A driver that has no retry time to pass on (exec, unix) ends every
 * attempt the same way: outcome, status and error filled, no
 * Retry-After, the reply as the driver left it, its private pointer
 * cleared, and notifier_done() told.  Done once here so that the
 * drivers cannot come to differ in what they leave in a job.
 */
#include <stdarg.h>
#include <stdio.h>

#include "attempt.h"

/* attempt_finish - record the outcome and report the job */
void attempt_finish(struct job *j, enum attempt_outcome o, long status,
                    const char *fmt, ...)
{
    va_list ap;

    j->res.outcome = o;
    j->res.status = status;
    j->res.retry_after = -1;
    va_start(ap, fmt);
    vsnprintf(j->res.error, sizeof(j->res.error), fmt, ap);
    va_end(ap);
    j->priv = NULL;
    notifier_done(j);
}
