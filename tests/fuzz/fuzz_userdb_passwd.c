/*
 * fuzz_userdb_passwd.c - passwd-file lines (lda/userdb_passwd.c)
 *
 * The input is the file; when it holds a NUL, what precedes the first
 * NUL is the recipient and the rest the file.  The lookup runs through
 * the driver, as lda runs it; a failure is one of the codes userdb.h
 * names, a success leaves the account's strings terminated.  A file
 * starting with 0x7f and a byte k is put after filler lines that end k
 * bytes before the driver's 128 KiB read boundary, so that names and
 * lines fall across it.
 */
#include "fuzz_userdb.h"

#define CHUNK (128 * 1024)     /* userdb_passwd.c's read size */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *file;
    const uint8_t *nul = memchr(data, '\0', size);
    char rcpt[600] = "bob+news@example.com";
    const char *path;
    struct config cfg;
    struct recipient r;
    struct account a;
    struct status st;
    size_t n;

    if (nul != NULL) {
        n = (size_t)(nul - data);
        if (n >= sizeof(rcpt))
            return 0;
        memcpy(rcpt, data, n);
        rcpt[n] = '\0';
        size -= n + 1;
        data = nul + 1;
    }
    memset(&st, 0, sizeof(st));
    if (recipient_parse(rcpt, "+", &r, &st) < 0)
        return 0;
    if (size >= 2 && data[0] == 0x7f) {
        n = CHUNK - data[1];
        if (file == NULL && (file = malloc(CHUNK + 4096)) == NULL)
            abort();
        if (size - 2 > 4096)
            return 0;
        memset(file, '#', n);
        file[n - 1] = '\n';
        memcpy(file + n, data + 2, size - 2);
        path = fuzz_file(0, file, n + size - 2, 0600);
    } else {
        path = fuzz_file(0, data, size, 0600);
    }
    config_defaults(&cfg);
    memset(&a, 0, sizeof(a));
    a.uid = a.gid = USERDB_NO_ID;
    fuzz_account(userdb_passwd_ops.lookup(path, &cfg, &r, &a, &st), &a,
                 &st);
    return 0;
}
