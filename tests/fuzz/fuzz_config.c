/*
 * fuzz_config.c - lda.conf (lda/config.c) as any file, and "-o
 * key=value" overrides from its first line
 *
 * config_load() reads the file by name, as lda does; whatever it holds,
 * the strings of struct config stay terminated and a failure is 4.3.5.
 */
#include "fuzz.h"

#include "../../lda/config.h"

/* terminated - whether s ends within cap bytes */
#define TERMINATED(s) (strnlen((s), sizeof(s)) < sizeof(s))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct config cfg;
    struct status st;
    char *part[1], *nl;
    const char *path = fuzz_file(0, data, size, 0600);

    config_defaults(&cfg);
    memset(&st, 0, sizeof(st));
    if (config_load(&cfg, path, 1, &st) < 0 && strcmp(st.code, "4.3.5") != 0)
        fuzz_fail("refused with '%s'", st.code);
    fuzz_split(data, size, part, 1);
    if ((nl = strchr(part[0], '\n')) != NULL)
        *nl = '\0';
    if (config_override(&cfg, part[0], &st) < 0
        && strcmp(st.code, "4.3.5") != 0)
        fuzz_fail("override refused with '%s'", st.code);
    if (!TERMINATED(cfg.maildir) || !TERMINATED(cfg.user)
        || !TERMINATED(cfg.group) || !TERMINATED(cfg.recipient_delimiter)
        || !TERMINATED(cfg.hostname) || !TERMINATED(cfg.outbox)
        || !TERMINATED(cfg.userdb))
        fuzz_fail("a setting not terminated");
    if (cfg.quota_warnings < 0 || cfg.quota_warnings > CONFIG_MAX_WARNINGS)
        fuzz_fail("%d quota warnings", cfg.quota_warnings);
    free(part[0]);
    return 0;
}
