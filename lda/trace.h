/* trace.h - the trace lines lda puts on top: Return-Path, Delivered-To */
#ifndef LDA_TRACE_H
#define LDA_TRACE_H

#include "delivery.h"

int trace_want(void *arg, const char *name, const char *value);
void trace_count(struct delivery *c, const char *name, const char *value,
                 int truncated);
int trace_put(struct delivery *c, struct status *st);
int trace_loop(const struct delivery *c);

#endif
