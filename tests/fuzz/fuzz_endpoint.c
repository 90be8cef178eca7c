/*
 * fuzz_endpoint.c - lda-notifyd.conf (notify/endpoint.c) as any file
 *
 * endpoint_load() reads the file by name, as the daemon does (the
 * secrets file it names is read too, when there is one); success or
 * 4.3.5, and endpoint_free() leaves nothing behind (LeakSanitizer).
 * A successful load's endpoints are asked endpoint_wants().
 */
#include "fuzz.h"

#include "../../notify/endpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct notifyd_config cfg;
    struct status st;
    const char *path = fuzz_file(0, data, size, 0600);
    int i;

    memset(&st, 0, sizeof(st));
    if (endpoint_load(&cfg, path, &st) == 0) {
        if (cfg.nep <= 0)
            fuzz_fail("loaded without endpoints");
        for (i = 0; i < cfg.nep; i++)
            (void)endpoint_wants(&cfg.ep[i], "message.new", "example.com",
                                 "bob@example.com", "INBOX");
        endpoint_free(&cfg);
    } else if (strcmp(st.code, "4.3.5") != 0) {
        fuzz_fail("failed with '%s'", st.code);
    }
    return 0;
}
