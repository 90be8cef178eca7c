/* spool.h - one message received over LMTP, kept for its recipients */
#ifndef LMTP_SPOOL_H
#define LMTP_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "../lda/deliver.h"
#include "../util/status.h"

#define SPOOL_MEM 131072        /* kept in memory up to this; then a file */

struct spool {
    struct source src;          /* first: the delivery core reads it */
    char *mem;                  /* the message, or the file's write buffer */
    size_t len;                 /* bytes in mem */
    int fd;                     /* the unlinked spool file, or -1 */
    uint64_t flushed;           /* bytes in the file */
    uint64_t size;              /* bytes of the message kept */
    uint64_t keep;              /* keep no more than this; 0: all */
    uint64_t pos;               /* where the delivery core reads next */
    int failed;                 /* storing failed: err says why */
    struct status err;
    const char *dir;
    /* DATA's line state: at the start of a line; a dot, a dot and a
     * CR, a CR seen there */
    int bol, dot, cr;
};

int spool_init(struct spool *sp, struct status *st);
void spool_start(struct spool *sp, const char *dir, uint64_t keep);
size_t spool_data(struct spool *sp, const char *p, size_t n, int *done);
int spool_finish(struct spool *sp, struct status *st);
void spool_rewind(struct spool *sp);
void spool_free(struct spool *sp);

#endif
