/*
 * fuzz.h - what the libFuzzer harnesses share (make fuzz)
 *
 * Each tests/fuzz/fuzz_<name>.c feeds one parser arbitrary bytes and
 * checks what its contract promises, calling fuzz_fail() (an abort the
 * fuzzer reports with the input) when a promise is broken; the
 * sanitizers catch the rest.  Inputs of several parts separate them
 * with NUL bytes: a parser that takes a C string never sees a NUL.
 */
#ifndef LDA_FUZZ_H
#define LDA_FUZZ_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_fail - a broken promise: say which, and abort */
#define fuzz_fail(...) do { \
    fprintf(stderr, "%s:%d: ", __FILE__, __LINE__); \
    fprintf(stderr, __VA_ARGS__); \
    fputc('\n', stderr); \
    abort(); \
} while (0)

/*
 * fuzz_split - data copied into one malloc'd, NUL-terminated buffer
 * (the caller frees parts[0]) and cut at its NUL bytes into at most max
 * parts; parts not present are "".  Returns how many were present.
 */
static inline size_t fuzz_split(const uint8_t *data, size_t size,
                                char **parts, size_t max)
{
    char *buf = malloc(size + 1), *p, *end;
    size_t n = 0, i;

    if (buf == NULL)
        abort();
    memcpy(buf, data, size);
    buf[size] = '\0';
    end = buf + size;
    for (p = buf; n < max; p += strlen(p) + 1) {
        parts[n++] = p;
        if (p + strlen(p) >= end)
            break;
    }
    for (i = n; i < max; i++)
        parts[i] = end;         /* "" */
    return n;
}

static char fuzz_paths[2][64];

/* fuzz_cleanup - remove the scratch files at exit */
static inline void fuzz_cleanup(void)
{
    size_t i;

    for (i = 0; i < 2; i++)
        if (fuzz_paths[i][0])
            unlink(fuzz_paths[i]);
}

/*
 * fuzz_file - a scratch file (slot 0 or 1) holding exactly the size
 * bytes at data, with mode; its absolute path (in $TMPDIR, else
 * /dev/shm, else /tmp).  The parsers that read
 * files by name are fuzzed through the file, as lda runs them.
 */
static inline const char *fuzz_file(int slot, const void *data, size_t size,
                                    mode_t mode)
{
    const char *tmp = getenv("TMPDIR");
    int fd;

    /* in memory when it can be: truncating a disk file each run costs
     * the fuzzer nine runs in ten */
    if (tmp == NULL || *tmp != '/' || strlen(tmp) >= 30)
        tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    if (fuzz_paths[slot][0] == '\0') {
        snprintf(fuzz_paths[slot], sizeof(fuzz_paths[slot]),
                 "%s/lda-fuzz-%ld-%d", tmp, (long)getpid(), slot);
        atexit(fuzz_cleanup);
    }
    fd = open(fuzz_paths[slot], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
              0600);
    if (fd < 0 || fchmod(fd, mode) < 0
        || (size && write(fd, data, size) != (ssize_t)size) || close(fd) < 0)
        fuzz_fail("scratch file '%s'", fuzz_paths[slot]);
    return fuzz_paths[slot];
}

#endif
