/* quota.h - Maildir++ quota: the maildirsize file, kept exact */
#ifndef LDA_QUOTA_H
#define LDA_QUOTA_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../util/status.h"
#include "backend.h"
#include "lock.h"

#define QUOTA_RECALC_SIZE 5120          /* Maildir++: recount at this size */
#define QUOTA_RECALC_AGE  (15 * 60)     /* ...or when over and this old */

struct quota_limits {
    uint64_t bytes;                     /* 0 = no limit */
    uint64_t messages;                  /* 0 = no limit */
    int count_trash;                    /* 0: Courier's rule, .Trash apart */
};

struct quota_usage {
    int64_t bytes;
    int64_t messages;
};

/* An open, locked maildirsize, between quota_begin() and quota_end(). */
struct quota {
    struct backend *b;
    char path[4096];                    /* <root>/maildirsize */
    char root[4096];
    char tmpbase[4096];                 /* our file in tmp/: lock, prefix */
    struct quota_limits lim;
    struct quota_usage use;
    struct bfile *f;
    uint64_t flen;                      /* where the next line goes */
    int lines;                          /* usage lines after the limits */
    time_t mtime;
    int recalculated;
    struct lock lk;
};

int quota_parse(const char *buf, size_t len, struct quota_limits *lim,
                struct quota_usage *use, int *lines);
int quota_format_limits(const struct quota_limits *lim, char *out,
                        size_t cap);
int quota_exceeds(const struct quota_limits *lim,
                  const struct quota_usage *use, uint64_t size);
int quota_exceeds_copies(const struct quota_limits *lim,
                         const struct quota_usage *use, uint64_t size,
                         unsigned copies);
int quota_count_name(const char *name, uint64_t *size);

int quota_begin(struct quota *q, struct backend *b, const char *root,
                const struct quota_limits *lim, const char *tmpbase,
                time_t deadline, struct status *st);
int quota_fits(struct quota *q, uint64_t size, int *fits, struct status *st);
int quota_fits_copies(struct quota *q, uint64_t size, unsigned copies,
                      int *fits, struct status *st);
int quota_add(struct quota *q, int64_t bytes, int64_t messages,
              struct status *st);
int quota_recalc(struct quota *q, struct status *st);
void quota_forget(struct quota *q);
void quota_end(struct quota *q);

#endif
