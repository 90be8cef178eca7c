/*
 * registry.c - the notifier drivers by name (util/registry.h)
 *
 * Adding a driver is adding its file and one line here (with its
 * extern in notifier.h); its settings come with it (notifier.h).
 */
#include "notifier.h"

const struct driver notifiers[] = {
    {"webhook", &notifier_webhook_ops},
    {"exec", &notifier_exec_ops},
    {"unix", &notifier_unix_ops},
    {NULL, NULL},
};
