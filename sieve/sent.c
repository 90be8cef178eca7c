/*
 * sent.c - what Sieve sent, remembered per user: vacation's answers
 * and redirects already made
 *
 * A memory is a small file in the Maildir's root on its backend (local
 * disk or NFS), one "EXPIRY KEY" line per thing sent, KEY the FNV-1a
 * 128-bit hash (32 hex digits) of counted strings, so that the same
 * text in two fields cannot make the same key.  The file is replaced
 * whole: new content under a new name, fsync, rename over the old (no
 * lock: two deliveries at once may each keep the other's line out,
 * which costs one more reply or forward, never a torn file).  Lines are
 * in the order of sending; expired ones are dropped, at most
 * SENT_MAX_ENTRIES kept, the oldest going first (RFC 5230 4.2 asks for
 * at least 1000).  A file that does not parse is read as far as it
 * does, line by line; of one too large only the first SENT_MAX_FILE
 * bytes are read: either is replaced at the next mark.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/clock.h"
#include "send.h"

#define SENT_MAX_ENTRIES 10000
#define SENT_MAX_FILE (1024 * 1024)
#define SENT_LINE_MIN 35        /* "0 " + 32 digits + "\n" */

__extension__ typedef unsigned __int128 u128;

/* fnv - FNV-1a over 128 bits */
static void fnv(u128 *h, const void *p, size_t n)
{
    const u128 prime = ((u128)1 << 88) + 0x13b;
    const unsigned char *c = p;

    while (n-- > 0) {
        *h ^= *c++;
        *h *= prime;
    }
}

/*
 * sieve_sent_key - the key of n strings: each one present (NULL is
 * absent, told apart from "") and counted; lower makes the first one
 * compare case-insensitively (an address).  out: 32 hex digits.
 */
void sieve_sent_key(char out[33], int lower, const char *const *parts,
                    int n)
{
    u128 h = ((u128)0x6c62272e07bb0142ULL << 64) | 0x62b821756295c58dULL;
    unsigned char head[9];
    size_t len, j;
    int i, k;

    for (i = 0; i < n; i++) {
        const char *s = parts[i];

        len = s ? strlen(s) : 0;
        head[0] = s != NULL;
        for (k = 0; k < 8; k++)
            head[1 + k] = (unsigned char)((uint64_t)len >> (8 * k));
        fnv(&h, head, sizeof(head));
        for (j = 0; j < len; j++) {
            unsigned char c = (unsigned char)s[j];

            if (i == 0 && lower)
                c = (unsigned char)tolower(c);
            fnv(&h, &c, 1);
        }
    }
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)(h >> 64),
             (unsigned long long)h);
}

/* One line of a memory. */
struct entry {
    long long expiry;
    char key[33];
};

struct memory {
    struct entry *e;
    int n;
};

/* parse_line - "EXPIRY KEY": 0, or -1 when it is not that */
static int parse_line(const char *p, size_t len, struct entry *e)
{
    size_t i = 0;

    e->expiry = 0;
    if (len == 0 || p[0] < '0' || p[0] > '9')
        return -1;
    for (; i < len && p[i] >= '0' && p[i] <= '9'; i++) {
        if (e->expiry > (long long)4e17)
            return -1;
        e->expiry = e->expiry * 10 + (p[i] - '0');
    }
    if (i >= len || p[i++] != ' ' || len - i != 32)
        return -1;
    for (; i < len; i++)
        if (!isxdigit((unsigned char)p[i]))
            return -1;
    memcpy(e->key, p + len - 32, 32);
    e->key[32] = '\0';
    return 0;
}

/* path_in - DIR/NAME into out; -1 when it does not fit */
static int path_in(const struct sieve_send *s, const char *name, char *out,
                   size_t cap)
{
    int n = snprintf(out, cap, "%s/%s", s->dir, name);

    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* read_all - up to cap bytes of f into buf: the count, or -1 (errno) */
static long read_all(const struct sieve_send *s, struct bfile *f, char *buf,
                     size_t cap)
{
    size_t got = 0;
    long n;

    while (got < cap) {
        n = s->b->ops->pread(s->b, f, buf + got, cap - got, got);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (long)got;
}

/*
 * load - the unexpired lines of memory file name: 0 (none when there is
 * no file), or -1 with st when it cannot be read
 */
static int load(const struct sieve_send *s, const char *name,
                struct memory *mem, struct status *st)
{
    const struct backend_ops *op;
    char path[BACKEND_PATH];
    struct bfile *f;
    struct bstat sb;
    char *buf, *p, *end, *eol;
    size_t cap;
    long len;
    int err;

    memset(mem, 0, sizeof(*mem));
    if (s->b == NULL || s->dir == NULL)
        return status_set(st, "4.3.0", "no place to remember what was sent");
    op = s->b->ops;
    if (path_in(s, name, path, sizeof(path)) < 0)
        return status_set(st, "4.3.0", "memory '%s/%s': path too long",
                          s->dir, name);
    /* Looked up before it is opened: over NFSv4, libnfs 4.0's OPEN of a
     * missing file makes the next create in its directory fail too. */
    if (op->stat(s->b, path, &sb) < 0 && errno == ENOENT)
        return 0;
    if (op->open_rw(s->b, path, &f) < 0) {
        if (errno == ENOENT)
            return 0;
        return status_errno(st, errno, "open '%s'", path);
    }
    if (op->fstat(s->b, f, &sb) < 0) {
        err = errno;
        op->close(s->b, f);
        return status_errno(st, err, "stat '%s'", path);
    }
    cap = sb.size > SENT_MAX_FILE ? SENT_MAX_FILE : (size_t)sb.size;
    if ((buf = malloc(cap + 1)) == NULL) {
        op->close(s->b, f);
        return status_errno(st, ENOMEM, "read '%s'", path);
    }
    len = read_all(s, f, buf, cap);
    err = errno;
    op->close(s->b, f);
    if (len < 0) {
        free(buf);
        return status_errno(st, err, "read '%s'", path);
    }
    mem->e = malloc(sizeof(*mem->e) * ((size_t)len / SENT_LINE_MIN + 1));
    if (mem->e == NULL) {
        free(buf);
        return status_errno(st, ENOMEM, "read '%s'", path);
    }
    /* a line cut off by the end is not taken */
    for (p = buf, end = buf + len; p < end; p = eol + 1) {
        if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
            break;
        if (parse_line(p, (size_t)(eol - p), &mem->e[mem->n]) == 0
            && mem->e[mem->n].expiry > (long long)s->now)
            mem->n++;
    }
    free(buf);
    return 0;
}

/* sieve_sent_check - whether key is in memory name, unexpired: 1 yes,
 * 0 no, -1 with st when the memory cannot be read */
int sieve_sent_check(const struct sieve_send *s, const char *name,
                     const char *key, struct status *st)
{
    struct memory mem;
    int i, found = 0;

    if (load(s, name, &mem, st) < 0)
        return -1;
    for (i = 0; i < mem.n && !found; i++)
        found = strcmp(mem.e[i].key, key) == 0;
    free(mem.e);
    return found;
}

/* write_file - text as memory name: a new name, synced, renamed over */
static int write_file(const struct sieve_send *s, const char *name,
                      const char *text, size_t len, struct status *st)
{
    const struct backend_ops *op = s->b->ops;
    char path[BACKEND_PATH], tmp[BACKEND_PATH], tmpname[200];
    static unsigned count;
    struct bfile *f;
    int err;

    snprintf(tmpname, sizeof(tmpname), "%s.%ld.%lld.%u.tmp", name,
             (long)getpid(), clock_unix_ms(), ++count);
    if (path_in(s, name, path, sizeof(path)) < 0
        || path_in(s, tmpname, tmp, sizeof(tmp)) < 0)
        return status_set(st, "4.3.0", "memory '%s/%s': path too long",
                          s->dir, name);
    if (op->create(s->b, tmp, 0600, &f) < 0)
        return status_errno(st, errno, "create '%s'", tmp);
    if (op->pwrite(s->b, f, text, len, 0) < 0 || op->fsync(s->b, f) < 0) {
        err = errno;
        op->close(s->b, f);
        op->unlink(s->b, tmp);
        return status_errno(st, err, "write '%s'", tmp);
    }
    if (op->close(s->b, f) < 0 || op->rename(s->b, tmp, path) < 0) {
        err = errno;
        op->unlink(s->b, tmp);
        return status_errno(st, err, "rename '%s'", tmp);
    }
    /* the new name durable too; losing it costs one more send only */
    op->fsync_dir(s->b, s->dir);
    return 0;
}

/*
 * sieve_sent_mark - remember key in memory name until expiry (Unix
 * time): read again (another delivery may have written meanwhile), the
 * key moved to the end, written whole; 0, or -1 with st
 */
int sieve_sent_mark(const struct sieve_send *s, const char *name,
                    const char *key, long long expiry, struct status *st)
{
    struct memory mem;
    struct entry *e;
    char *text, *p;
    int i, first = 0, rc;

    if (load(s, name, &mem, st) < 0)
        return -1;
    if ((e = realloc(mem.e, sizeof(*e) * (size_t)(mem.n + 1))) == NULL) {
        free(mem.e);
        return status_errno(st, ENOMEM, "remember in '%s'", name);
    }
    for (i = 0; i < mem.n; i++)
        if (strcmp(e[i].key, key) == 0) {
            memmove(&e[i], &e[i + 1], sizeof(*e) * (size_t)(mem.n - i - 1));
            mem.n--;
            break;
        }
    e[mem.n].expiry = expiry;
    snprintf(e[mem.n].key, sizeof(e[mem.n].key), "%s", key);
    mem.n++;
    if (mem.n > SENT_MAX_ENTRIES)
        first = mem.n - SENT_MAX_ENTRIES;
    /* a line is at most 20 digits, a blank, 32 digits and a newline */
    if ((text = malloc((size_t)(mem.n - first) * 54 + 1)) == NULL) {
        free(e);
        return status_errno(st, ENOMEM, "remember in '%s'", name);
    }
    for (p = text, i = first; i < mem.n; i++)
        p += sprintf(p, "%lld %s\n", e[i].expiry, e[i].key);
    free(e);
    rc = write_file(s, name, text, (size_t)(p - text), st);
    free(text);
    return rc;
}
