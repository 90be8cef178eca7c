/*
 * fuzz_mdname.c - Maildir names (store/mdname.c) from hostile folder
 * names, host names and bases
 *
 * A folder name (as lda names it, or as IMAP and Sieve do: UTF-8, "/"
 * between levels) is refused or becomes one safe directory name: a dot,
 * then no "/", "..", control or 8-bit byte, at most NAME_MAX bytes.  A
 * host name loses its spaces and controls and has "/" and ":" escaped.
 */
#include "fuzz.h"

#include "../../store/mdname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *part[2], out[600], base[300];
    const unsigned char *p;
    size_t cap;
    int i;

    if (size == 0)
        return 0;
    cap = data[0] % 2 ? sizeof(out) : (size_t)data[0] % 40;
    fuzz_split(data + 1, size - 1, part, 2);
    for (i = 0; i < 2; i++) {
        if ((i ? mdname_imap_folder(part[0], out, cap)
             : mdname_folder(part[0], out, cap)) != 0)
            continue;
        if (out[0] != '.' || strlen(out) >= cap || strlen(out) > 255
            || strchr(out, '/') || strstr(out, "..") || out[1] == '\0'
            || out[1] == '.')
            fuzz_fail("folder '%s' from '%s'", out, part[0]);
        for (p = (const unsigned char *)out; *p; p++)
            if (*p < ' ' || *p >= 0x7f)
                fuzz_fail("folder byte %02x", *p);
    }
    if (mdname_host(part[1], out, cap) == 0) {
        if (strlen(out) >= cap || strchr(out, '/') || strchr(out, ':'))
            fuzz_fail("host '%s'", out);
        for (p = (const unsigned char *)out; *p; p++)
            if (*p <= ' ' || *p == 0x7f)
                fuzz_fail("host byte %02x", *p);
        if (mdname_base(base, sizeof(base), 1700000000, 999999, 4194304, out)
            == 0 && mdname_final(out, cap, base, UINT64_MAX, 0) == 0
            && strlen(out) >= cap)
            fuzz_fail("final name too long");
    }
    free(part[0]);
    return 0;
}
