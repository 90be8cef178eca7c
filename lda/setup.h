/* setup.h - a delivery made ready: settings, recipient, account, Maildir */
#ifndef LDA_SETUP_H
#define LDA_SETUP_H

#include "delivery.h"

int setup_delivery(struct delivery *c, struct status *st);
void setup_sender(struct delivery *c, const char *s);

#endif
