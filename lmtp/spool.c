/*
 * spool.c - one message received over LMTP, kept for its recipients
 *
 * DATA's bytes are undone as they arrive: the dot-stuffing removed, CRLF
 * made LF (a bare LF is a line end too; a bare CR is data), the lone
 * "." line taken as the end.  The message is kept in memory up to
 * SPOOL_MEM; beyond, it goes to an unlinked file in lmtp_spool_dir, so
 * memory stays flat whatever the size and a crash leaves nothing
 * behind.  Each recipient's delivery then reads it from the start
 * through the delivery core's struct source.  Past the size limit only
 * one byte more is kept: the core refuses it with lda's 5.2.3.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/io.h"
#include "spool.h"

/* spool_read - the core's read(): the next bytes from the start */
static long spool_read(struct source *src, char *buf, size_t cap,
                       struct status *st)
{
    struct spool *sp = (struct spool *)src;
    ssize_t n;

    if (sp->pos >= sp->size)
        return 0;
    if (sp->fd < 0) {
        n = (ssize_t)(sp->size - sp->pos < cap ? sp->size - sp->pos : cap);
        memcpy(buf, sp->mem + sp->pos, (size_t)n);
    } else {
        do
            n = pread(sp->fd, buf, cap, (off_t)sp->pos);
        while (n < 0 && errno == EINTR);
        if (n < 0)
            return status_errno(st, errno, "read spooled message");
        if (n == 0)
            return status_set(st, "4.3.0", "spooled message cut short");
    }
    sp->pos += (uint64_t)n;
    return (long)n;
}

/* spool_init - the memory for one connection's messages */
int spool_init(struct spool *sp, struct status *st)
{
    memset(sp, 0, sizeof(*sp));
    sp->fd = -1;
    sp->src.read = spool_read;
    if ((sp->mem = malloc(SPOOL_MEM)) == NULL)
        return status_errno(st, errno, "allocate spool");
    return 0;
}

/* drop - forget the message (and its file) */
static void drop(struct spool *sp)
{
    if (sp->fd >= 0)
        close(sp->fd);
    sp->fd = -1;
    sp->len = 0;
    sp->size = sp->pos = 0;
    sp->failed = 0;
}

/* spool_start - ready for a new message; keep 0 keeps it all */
void spool_start(struct spool *sp, const char *dir, uint64_t keep)
{
    drop(sp);
    sp->dir = dir;
    sp->keep = keep;
    sp->bol = 1;
    sp->dot = sp->cr = 0;
}

/* fail - storing failed; the rest of DATA is read and dropped */
static void fail(struct spool *sp, int err, const char *what)
{
    if (!sp->failed)
        status_errno(&sp->err, err, "%s in '%s'", what, sp->dir);
    sp->failed = 1;
}

/* to_file - append len bytes to the spool file */
static void to_file(struct spool *sp, const char *p, size_t len)
{
    if (pwrite_full(sp->fd, p, len, (off_t)sp->flushed) < 0)
        fail(sp, errno, "write spool file");
    sp->flushed += len;
}

/* spill - move the message from memory into an unlinked file */
static void spill(struct spool *sp)
{
    char path[1100];
    int fd;

    fd = open(sp->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR)) {
        snprintf(path, sizeof(path), "%s/lda-lmtpd.XXXXXX", sp->dir);
        if ((fd = mkostemp(path, O_CLOEXEC)) >= 0)
            unlink(path);
    }
    if (fd < 0) {
        fail(sp, errno, "create spool file");
        return;
    }
    sp->fd = fd;
    sp->flushed = 0;
    to_file(sp, sp->mem, sp->len);
    sp->len = 0;
}

/* put - keep len bytes of the message */
static void put(struct spool *sp, const char *p, size_t len)
{
    if (sp->keep && sp->size + len > sp->keep)
        len = sp->size < sp->keep ? (size_t)(sp->keep - sp->size) : 0;
    if (sp->failed || len == 0)
        return;
    if (sp->len + len > SPOOL_MEM) {
        if (sp->fd < 0)
            spill(sp);
        else
            to_file(sp, sp->mem, sp->len);
        sp->len = 0;
        if (sp->failed)
            return;
        if (len > SPOOL_MEM) {
            to_file(sp, p, len);
            sp->size += len;
            return;
        }
    }
    memcpy(sp->mem + sp->len, p, len);
    sp->len += len;
    sp->size += len;
}

/*
 * spool_data - take n bytes of DATA; the count used, with done set once
 * the "." line has ended the message (the bytes after it are the next
 * commands)
 */
size_t spool_data(struct spool *sp, const char *p, size_t n, int *done)
{
    size_t i = 0, j;

    *done = 0;
    while (i < n) {
        if (sp->cr) {           /* a CR: line end if an LF follows */
            sp->cr = 0;
            if (p[i] == '\n') {
                put(sp, "\n", 1);
                sp->bol = 1;
                i++;
                continue;
            }
            put(sp, "\r", 1);
            sp->bol = 0;
            continue;
        }
        if (sp->bol && sp->dot == 0 && p[i] == '.') {
            sp->dot = 1;
            i++;
            continue;
        }
        if (sp->dot == 1 && p[i] == '\r') {
            sp->dot = 2;
            i++;
            continue;
        }
        if (sp->dot && p[i] == '\n') {
            *done = 1;
            return i + 1;
        }
        if (sp->dot == 2)       /* ".\r" and more: the CR is data */
            put(sp, "\r", 1);
        sp->dot = 0;
        for (j = i; j < n && p[j] != '\n' && p[j] != '\r'; j++)
            ;
        if (j > i) {
            put(sp, p + i, j - i);
            sp->bol = 0;
            i = j;
        }
        if (i < n) {
            if (p[i] == '\n') {
                put(sp, "\n", 1);
                sp->bol = 1;
            } else {
                sp->cr = 1;
            }
            i++;
        }
    }
    return n;
}

/* spool_finish - the message is all here: flushed, or why it is not */
int spool_finish(struct spool *sp, struct status *st)
{
    if (!sp->failed && sp->fd >= 0 && sp->len) {
        to_file(sp, sp->mem, sp->len);
        sp->len = 0;
    }
    if (sp->failed) {
        *st = sp->err;
        return -1;
    }
    return 0;
}

/* spool_rewind - the next recipient reads from the start */
void spool_rewind(struct spool *sp)
{
    sp->pos = 0;
}

/* spool_free - the connection is done */
void spool_free(struct spool *sp)
{
    drop(sp);
    free(sp->mem);
    sp->mem = NULL;
}
