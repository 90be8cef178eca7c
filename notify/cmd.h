/* cmd.h - lda-notifyd's commands on the queue: list, replay, purge, enable */
#ifndef LDA_CMD_H
#define LDA_CMD_H

#include "endpoint.h"

typedef int (*cmd_fn)(struct notifyd_config *cfg, int argc, char **argv);

cmd_fn cmd_find(const char *name);

#endif
