/*
 * fuzz_addr.c - address lists (event/addr.c) from hostile From:/To:
 *
 * addr_parse_list() never fails: it stores at most max entries, each
 * with a non-empty address, every string terminated within its array,
 * the name valid UTF-8.
 */
#include "fuzz.h"

#include "../../event/addr.h"
#include "../../event/rfc2047.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct addr a[32];
    char *part[1], clean[ADDR_NAME_MAX];
    int max, n, i;

    if (size == 0)
        return 0;
    max = data[0] % 32 + 1;
    fuzz_split(data + 1, size - 1, part, 1);
    memset(a, 0x55, sizeof(a));
    n = addr_parse_list(part[0], a, max);
    if (n < 0 || n > max)
        fuzz_fail("%d entries of at most %d", n, max);
    for (i = 0; i < n; i++) {
        if (strnlen(a[i].name, ADDR_NAME_MAX) == ADDR_NAME_MAX
            || strnlen(a[i].address, ADDR_ADDRESS_MAX) == ADDR_ADDRESS_MAX)
            fuzz_fail("entry %d not terminated", i);
        if (a[i].address[0] == '\0')
            fuzz_fail("entry %d without an address", i);
        if (utf8_clean(a[i].name, strlen(a[i].name), clean, sizeof(clean))
            != strlen(a[i].name) || strcmp(clean, a[i].name) != 0)
            fuzz_fail("entry %d: name not valid UTF-8", i);
    }
    free(part[0]);
    return 0;
}
