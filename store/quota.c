/*
 * quota.c - Maildir++ quota: the maildirsize file, kept exact
 *
 * Format (Courier's README.maildirquota): a first line of limits such as
 * "10000000S,1000C", then lines of "<bytes> <count>" deltas.  Dovecot's
 * "quota = maildir" reads and writes the same file.
 *
 * The spec tolerates drift from unlocked appends; lda does not.  Every
 * read-check-append happens under the maildirsize.lock dotlock
 * (lock.c), so concurrent deliveries, here or on other hosts sharing
 * the Maildir over NFS, are counted exactly.  A recount (every folder's
 * new/ and cur/ except Trash, sizes from ",S=" where present) replaces
 * the file when it is missing, unparsable, 5120 bytes or more, carries
 * other limits than configured, or when the mailbox looks full and the
 * file is over 15 minutes old or holds more than one delta line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quota.h"

/* parse_num - an optionally signed decimal; advances *p */
static int parse_num(const char **p, const char *end, int64_t *out)
{
    const char *s = *p;
    int neg = 0;
    int64_t v = 0;

    if (s < end && *s == '-') {
        neg = 1;
        s++;
    }
    if (s >= end || *s < '0' || *s > '9')
        return -1;
    for (; s < end && *s >= '0' && *s <= '9'; s++) {
        if (v > (INT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (*s - '0');
    }
    *out = neg ? -v : v;
    *p = s;
    return 0;
}

/*
 * add_delta - *sum += d, or -1 when that leaves int64_t.  No real
 * Maildir comes near 2^63 bytes or messages: such sums come from a
 * damaged or hostile file, so it is refused (and recounted by load())
 * rather than saturated into a number that would refuse mail forever.
 */
static int add_delta(int64_t *sum, int64_t d)
{
    if ((d > 0 && *sum > INT64_MAX - d) || (d < 0 && *sum < INT64_MIN - d))
        return -1;
    *sum += d;
    return 0;
}

/* quota_parse - read maildirsize contents; -1 when malformed */
int quota_parse(const char *buf, size_t len, struct quota_limits *lim,
                struct quota_usage *use, int *lines)
{
    const char *p = buf, *end = buf + len, *eol;
    int64_t v, b, c;

    lim->bytes = lim->messages = 0;
    use->bytes = use->messages = 0;
    *lines = 0;
    if ((eol = memchr(p, '\n', len)) == NULL)
        return -1;
    /* Limits: comma-separated <n>S and <n>C, in any order. */
    while (p < eol) {
        if (parse_num(&p, eol, &v) < 0 || v < 0 || p >= eol)
            return -1;
        if (*p == 'S')
            lim->bytes = (uint64_t)v;
        else if (*p == 'C')
            lim->messages = (uint64_t)v;
        else
            return -1;
        p++;
        if (p < eol && *p == ',')
            p++;
    }
    for (p = eol + 1; p < end; p = eol + 1) {
        if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
            return -1;          /* a torn last line */
        while (p < eol && *p == ' ')
            p++;                /* Courier pads lines */
        if (p == eol)
            continue;
        if (parse_num(&p, eol, &b) < 0 || p >= eol || *p != ' ')
            return -1;
        while (p < eol && *p == ' ')
            p++;
        if (parse_num(&p, eol, &c) < 0)
            return -1;
        while (p < eol && *p == ' ')
            p++;
        if (p != eol)
            return -1;
        if (add_delta(&use->bytes, b) < 0
            || add_delta(&use->messages, c) < 0)
            return -1;
        (*lines)++;
    }
    return 0;
}

/* quota_format_limits - the first line, without its newline */
int quota_format_limits(const struct quota_limits *lim, char *out,
                        size_t cap)
{
    if (lim->bytes && lim->messages)
        return snprintf(out, cap, "%" PRIu64 "S,%" PRIu64 "C", lim->bytes,
                        lim->messages);
    if (lim->messages)
        return snprintf(out, cap, "%" PRIu64 "C", lim->messages);
    return snprintf(out, cap, "%" PRIu64 "S", lim->bytes);
}

/* quota_exceeds - whether one more message of size breaks a limit */
int quota_exceeds(const struct quota_limits *lim,
                  const struct quota_usage *use, uint64_t size)
{
    return quota_exceeds_copies(lim, use, size, 1);
}

/* quota_exceeds_copies - quota_exceeds for copies messages of size */
int quota_exceeds_copies(const struct quota_limits *lim,
                         const struct quota_usage *use, uint64_t size,
                         unsigned copies)
{
    uint64_t bytes = (uint64_t)(use->bytes < 0 ? 0 : use->bytes);
    uint64_t msgs = (uint64_t)(use->messages < 0 ? 0 : use->messages);

    /* size * copies > limit - used, without overflowing */
    if (lim->bytes && (bytes > lim->bytes
                       || size > (lim->bytes - bytes) / copies))
        return 1;
    if (lim->messages && msgs + copies > lim->messages)
        return 1;
    return 0;
}

/* quota_count_name - the size a Maildir name carries in ",S=": 0 or -1 */
int quota_count_name(const char *name, uint64_t *size)
{
    const char *s = strstr(name, ",S=");
    uint64_t v = 0;

    if (s == NULL)
        return -1;
    s += 3;
    if (*s < '0' || *s > '9')
        return -1;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    if (*s != '\0' && *s != ',' && *s != ':')
        return -1;
    *size = v;
    return 0;
}

struct recount {
    struct quota *q;
    const char *dir;            /* the new/ or cur/ being counted */
    const char *folder;         /* the folder directory */
    struct quota_usage use;
};

/* count_message - add one message file to the recount */
static int count_message(void *arg, const char *name)
{
    struct recount *rc = arg;
    char path[4096];
    struct bstat sb;
    uint64_t size;

    if (name[0] == '.')
        return 0;
    if (quota_count_name(name, &size) < 0) {
        snprintf(path, sizeof(path), "%s/%s", rc->dir, name);
        if (rc->q->b->ops->stat(rc->q->b, path, &sb) < 0)
            return errno == ENOENT ? 0 : -1;    /* expunged meanwhile */
        size = sb.size;
    }
    rc->use.bytes += (int64_t)size;
    rc->use.messages++;
    return 0;
}

/* count_folder - add a folder's new/ and cur/ */
static int count_folder(struct recount *rc, const char *folder)
{
    static const char *const sub[] = {"new", "cur"};
    char dir[4096];
    size_t i;

    for (i = 0; i < 2; i++) {
        snprintf(dir, sizeof(dir), "%s/%s", folder, sub[i]);
        rc->dir = dir;
        if (rc->q->b->ops->scan(rc->q->b, dir, count_message, rc) < 0
            && errno != ENOENT)
            return -1;
    }
    return 0;
}

/* count_subfolder - a root entry: count it when it is a folder */
static int count_subfolder(void *arg, const char *name)
{
    struct recount *rc = arg;
    char folder[4096];
    struct bstat sb;
    int n;

    /* Maildir++ folders are ".name"; Courier's rule leaves Trash out,
     * Dovecot's (the default here) counts it. */
    if (name[0] != '.' || name[1] == '\0' || strcmp(name, "..") == 0
        || (!rc->q->lim.count_trash && strcmp(name, ".Trash") == 0))
        return 0;
    n = snprintf(folder, sizeof(folder), "%s/%s", rc->q->root, name);
    if (n < 0 || (size_t)n >= sizeof(folder))
        return 0;
    if (rc->q->b->ops->stat(rc->q->b, folder, &sb) < 0 || !sb.is_dir)
        return 0;
    return count_folder(rc, folder);
}

/* write_file - replace maildirsize through tmp/ and rename */
static int write_file(struct quota *q, struct status *st)
{
    const struct backend_ops *op = q->b->ops;
    char tmp[4096 + 8], buf[128];
    struct bfile *f;
    int n;

    snprintf(tmp, sizeof(tmp), "%s.size", q->tmpbase);
    n = quota_format_limits(&q->lim, buf, sizeof(buf));
    n += snprintf(buf + n, sizeof(buf) - (size_t)n, "\n%" PRId64 " %" PRId64
                  "\n", q->use.bytes, q->use.messages);
    if (op->create(q->b, tmp, 0600, &f) < 0)
        return status_errno(st, errno, "create '%s'", tmp);
    if (op->pwrite(q->b, f, buf, (size_t)n, 0) < 0 || op->fsync(q->b, f) < 0) {
        status_errno(st, errno, "write '%s'", tmp);
        op->close(q->b, f);
        op->unlink(q->b, tmp);
        return -1;
    }
    if (op->close(q->b, f) < 0 || op->rename(q->b, tmp, q->path) < 0) {
        status_errno(st, errno, "replace '%s'", q->path);
        op->unlink(q->b, tmp);
        return -1;
    }
    q->flen = (uint64_t)n;
    q->lines = 1;
    q->recalculated = 1;
    return 0;
}

/* quota_recalc - recount the Maildir and rewrite maildirsize */
int quota_recalc(struct quota *q, struct status *st)
{
    struct recount rc;

    memset(&rc, 0, sizeof(rc));
    rc.q = q;
    if (count_folder(&rc, q->root) < 0
        || q->b->ops->scan(q->b, q->root, count_subfolder, &rc) < 0)
        return status_errno(st, errno, "recount quota of '%s'", q->root);
    q->use = rc.use;
    if (q->f != NULL) {
        q->b->ops->close(q->b, q->f);
        q->f = NULL;
    }
    if (write_file(q, st) < 0)
        return -1;
    if (q->b->ops->open_rw(q->b, q->path, &q->f) < 0)
        return status_errno(st, errno, "open '%s'", q->path);
    return 0;
}

/* load - read the current maildirsize; *stale when it must be recounted */
static int load(struct quota *q, int *stale, struct status *st)
{
    const struct backend_ops *op = q->b->ops;
    char buf[QUOTA_RECALC_SIZE];
    struct quota_limits flim;
    struct bstat sb;
    long n;
    size_t len = 0;

    *stale = 1;
    if (op->open_rw(q->b, q->path, &q->f) < 0) {
        if (errno == ENOENT)
            return 0;
        return status_errno(st, errno, "open '%s'", q->path);
    }
    if (op->fstat(q->b, q->f, &sb) < 0)
        return status_errno(st, errno, "stat '%s'", q->path);
    q->mtime = sb.mtime;
    if (sb.size >= QUOTA_RECALC_SIZE)
        return 0;
    while (len < sb.size) {
        n = op->pread(q->b, q->f, buf + len, (size_t)sb.size - len, len);
        if (n < 0)
            return status_errno(st, errno, "read '%s'", q->path);
        if (n == 0)
            break;
        len += (size_t)n;
    }
    q->flen = len;
    if (len >= QUOTA_RECALC_SIZE
        || quota_parse(buf, len, &flim, &q->use, &q->lines) < 0
        || flim.bytes != q->lim.bytes || flim.messages != q->lim.messages
        || q->use.bytes < 0 || q->use.messages < 0)
        return 0;
    *stale = 0;
    return 0;
}

/* quota_begin - lock maildirsize and learn the usage */
int quota_begin(struct quota *q, struct backend *b, const char *root,
                const struct quota_limits *lim, const char *tmpbase,
                time_t deadline, struct status *st)
{
    char lockpath[4096 + 8];
    int stale;

    memset(q, 0, sizeof(*q));
    q->b = b;
    q->lim = *lim;
    snprintf(q->root, sizeof(q->root), "%s", root);
    snprintf(q->tmpbase, sizeof(q->tmpbase), "%s", tmpbase);
    snprintf(q->path, sizeof(q->path), "%s/maildirsize", root);
    snprintf(lockpath, sizeof(lockpath), "%s.lock", q->path);
    /* The lock's own file is named after the message in tmp/. */
    if (lock_acquire(b, &q->lk, lockpath, tmpbase, deadline, st) < 0)
        return -1;
    if (load(q, &stale, st) < 0 || (stale && quota_recalc(q, st) < 0)) {
        quota_end(q);
        return -1;
    }
    return 0;
}

/* quota_fits - *fits: whether a message of size fits; 0 or -1 */
int quota_fits(struct quota *q, uint64_t size, int *fits, struct status *st)
{
    return quota_fits_copies(q, size, 1, fits, st);
}

/* quota_fits_copies - quota_fits for copies messages of size (Sieve) */
int quota_fits_copies(struct quota *q, uint64_t size, unsigned copies,
                      int *fits, struct status *st)
{
    *fits = !quota_exceeds_copies(&q->lim, &q->use, size, copies);
    if (*fits)
        return 0;
    /* Before refusing, make sure the numbers are not stale. */
    if (!q->recalculated && (q->lines > 1
                             || time(NULL) - q->mtime > QUOTA_RECALC_AGE)) {
        if (quota_recalc(q, st) < 0)
            return -1;
        *fits = !quota_exceeds_copies(&q->lim, &q->use, size, copies);
    }
    return 0;
}

/* quota_add - append one delta line */
int quota_add(struct quota *q, int64_t bytes, int64_t messages,
              struct status *st)
{
    char line[64];
    int n;

    n = snprintf(line, sizeof(line), "%" PRId64 " %" PRId64 "\n", bytes,
                 messages);
    if (q->b->ops->pwrite(q->b, q->f, line, (size_t)n, q->flen) < 0) {
        int err = errno;

        /* Never leave a torn line: cut back to where it began. */
        (void)q->b->ops->truncate(q->b, q->f, q->flen);
        return status_errno(st, err, "update '%s'", q->path);
    }
    q->flen += (uint64_t)n;
    q->use.bytes += bytes;
    q->use.messages += messages;
    q->lines++;
    return 0;
}

/*
 * quota_forget - remove maildirsize, whose count can no longer be kept
 * exact (a usage line could not be appended), so that the next
 * delivery recounts; still under the lock
 */
void quota_forget(struct quota *q)
{
    if (q->f != NULL)
        q->b->ops->close(q->b, q->f);
    q->f = NULL;
    (void)q->b->ops->unlink(q->b, q->path);
}

/* quota_end - close maildirsize and release the lock */
void quota_end(struct quota *q)
{
    if (q->f != NULL)
        q->b->ops->close(q->b, q->f);
    q->f = NULL;
    lock_release(q->b, &q->lk);
}
