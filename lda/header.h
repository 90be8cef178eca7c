/* header.h - scan the header section as it streams past */
#ifndef LDA_HEADER_H
#define LDA_HEADER_H

#include <stddef.h>

#define HEADER_NAME_MAX 64
#define HEADER_VALUE_MAX 1024

typedef void (*header_fn)(void *arg, const char *name, const char *value,
                          int truncated);

struct header_scan {
    int state;
    char name[HEADER_NAME_MAX];
    size_t nlen;
    char value[HEADER_VALUE_MAX];
    size_t vlen;
    int truncated;
    int have;                   /* a field is being collected */
    header_fn fn;
    void *arg;
};

void header_init(struct header_scan *h, header_fn fn, void *arg);
void header_feed(struct header_scan *h, const char *buf, size_t len);
void header_end(struct header_scan *h);
int header_in_body(const struct header_scan *h);

size_t header_trace(const char *buf, size_t len, int (*want)(void *,
                    const char *, const char *), void *arg);

#endif
