/*
 * fuzz_secrets.c - the secrets file (notify/secrets.c) as any file
 *
 * A fixed configuration names two signing endpoints and the scratch
 * secrets file; the input is that file (mode 0600).  Success or 4.3.5,
 * and nothing leaks through endpoint_free().
 */
#include "fuzz.h"

#include "../../notify/endpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char conf[256];
    static const char *path;
    struct notifyd_config cfg;
    struct status st;
    const char *secrets = fuzz_file(1, data, size, 0600);

    if (path == NULL) {
        snprintf(conf, sizeof(conf), "outbox = /nonexistent\n"
                 "secrets = %s\n"
                 "[endpoint hook]\nnotifier = webhook\n"
                 "url = https://example.com/hook\n"
                 "[endpoint other.one]\nnotifier = webhook\n"
                 "url = http://127.0.0.1:9/x\n"
                 "[endpoint run]\nnotifier = exec\ncommand = /bin/true\n",
                 secrets);
        path = fuzz_file(0, conf, strlen(conf), 0600);
    }
    memset(&st, 0, sizeof(st));
    if (endpoint_load(&cfg, path, &st) == 0)
        endpoint_free(&cfg);
    else if (strcmp(st.code, "4.3.5") != 0)
        fuzz_fail("failed with '%s'", st.code);
    return 0;
}
