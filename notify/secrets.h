/* secrets.h - the secrets file: signing keys and credential headers */
#ifndef LDA_SECRETS_H
#define LDA_SECRETS_H

#include "../util/status.h"
#include "endpoint.h"

int secrets_load(struct notifyd_config *cfg, int *missing,
                 struct status *st);

#endif
