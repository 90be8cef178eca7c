/*
 * fuzz_quota.c - maildirsize (store/quota.c: quota_parse) and the ",S="
 * size of Maildir names (quota_count_name)
 *
 * A maildirsize that parses has its limits written back by
 * quota_format_limits() into a first line that parses to the same
 * limits; a name's size is only ever read from its digits.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "fuzz.h"

#include "../../store/quota.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct quota_limits lim, back;
    struct quota_usage use, u2;
    char line[80], *part[1];
    uint64_t n;
    int lines, l2, k;

    if (quota_parse((const char *)data, size, &lim, &use, &lines) == 0) {
        if (lines < 0)
            fuzz_fail("%d lines", lines);
        k = quota_format_limits(&lim, line, sizeof(line) - 1);
        if (k <= 0 || (size_t)k >= sizeof(line) - 1)
            fuzz_fail("limits formatted in %d bytes", k);
        line[k] = '\n';
        if (quota_parse(line, (size_t)k + 1, &back, &u2, &l2) < 0
            || back.bytes != lim.bytes || back.messages != lim.messages)
            fuzz_fail("limits '%.*s' read back differently", k, line);
        (void)quota_exceeds(&lim, &use, size);
    }
    fuzz_split(data, size, part, 1);
    if (quota_count_name(part[0], &n) == 0) {
        const char *s = strstr(part[0], ",S=");
        char *end;

        if (s == NULL || s[3] < '0' || s[3] > '9'
            || strtoull(s + 3, &end, 10) != n || !strchr(",:", *end))
            fuzz_fail("size %" PRIu64 " from '%s'", n, part[0]);
    }
    free(part[0]);
    return 0;
}
