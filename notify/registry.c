/*
 * registry.c - the notifier drivers by name (util/registry.h)
 *
 * Adding a driver is adding its file and one line here, which names
 * its ops; its settings come with it (notifier.h).
 */
#include "notifier.h"

extern const struct notifier_ops notifier_webhook_ops, notifier_exec_ops,
    notifier_unix_ops;

const struct driver notifiers[] = {
    {"webhook", &notifier_webhook_ops},
    {"exec", &notifier_exec_ops},
    {"unix", &notifier_unix_ops},
    {NULL, NULL},
};
