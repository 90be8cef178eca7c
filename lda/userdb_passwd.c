/*
 * userdb_passwd.c - the account from a Dovecot passwd-file
 *
 * "userdb = passwd-file:/etc/dovecot/users" reads the file Dovecot's own
 * passwd-file userdb reads, unchanged: user:password:uid:gid:gecos:
 * home:shell:extra_fields, "#" comments, trailing fields optional,
 * extra fields space-separated key=value of which only the userdb_ ones
 * count (Dovecot's passwd-file and quota documentation).  The path may
 * hold %d %n %u, for per-domain files.
 *
 * The account is the first line named user@domain, else the first
 * named by the local part alone (a file for username_format=%n), names
 * compared without regard to ASCII case.  lda runs once per message
 * and a file may hold 100,000 users, so no line is parsed but the one
 * found: the file is read in chunks into one small buffer and searched
 * 32 bytes at a time for "\nname:" (reading 8.5 MB took 0.25 ms here,
 * mapping it 0.5 ms: the page tables).  Mistakes in other lines cannot
 * stop delivery to this user.
 *
 * A file that cannot be read is 4.3.0 (an NFS hiccup must not bounce
 * mail); an unusable line of this user is 4.3.5 naming line, user and
 * field; no such user is 5.1.1.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "userdb.h"

#define PASSWD_LINE_MAX 65536   /* a longer line of the user is refused */
#define CHUNK (128 * 1024)      /* read at once: stays in the L2 cache */

/* A name to search for: "\nname:" folded, and a third byte to probe. */
struct pat {
    char p[sizeof(((struct recipient *)0)->user) + 2];
    size_t m, k;
    unsigned char lower;        /* 0x20 when p[k] is a letter */
};

/* What a lookup works on. */
struct pw {
    const char *path;
    int fd;
    char *buf;                  /* CHUNK plus the pattern's overlap */
    off_t line;                 /* where the line found starts */
    const char *key;
    const struct recipient *r;
    struct status *st;
};

/* fold - ASCII lower case, other bytes unchanged */
static unsigned char fold(unsigned char c)
{
    return (unsigned)(c - 'A') < 26u ? (unsigned char)(c + 32) : c;
}

/* pat_init - the pattern for key; -1 when no line can have that name */
static int pat_init(struct pat *f, const char *key)
{
    size_t i, len = strlen(key);
    const char *at = strchr(key, '@');

    /* A name never holds ':' (it ends the field); a line that starts
     * with '#' is a comment, not a user. */
    if (len == 0 || len + 2 > sizeof(f->p) || strchr(key, ':')
        || key[0] == '#')
        return -1;
    f->p[0] = '\n';
    for (i = 0; i < len; i++)
        f->p[i + 1] = (char)fold((unsigned char)key[i]);
    f->p[len + 1] = ':';
    f->m = len + 2;
    /* The local part's last byte tells "user17@" from "user18@". */
    f->k = at ? (size_t)(at - key) : len;
    f->lower = f->p[f->k] >= 'a' && f->p[f->k] <= 'z' ? 0x20 : 0;
    return 0;
}

/* same - whether the pattern starts at t */
static int same(const struct pat *f, const char *t)
{
    size_t i;

    for (i = 0; i < f->m; i++)
        if (fold((unsigned char)t[i]) != (unsigned char)f->p[i])
            return 0;
    return 1;
}

typedef unsigned char vec __attribute__((vector_size(16)));
typedef uint64_t vec64 __attribute__((vector_size(16)));

/* block - 0xff for each of the 16 places at t that may start the name */
static vec block(const struct pat *f, const char *t, const vec *c)
{
    vec x, y, z;

    memcpy(&x, t, sizeof(x));
    memcpy(&y, t + f->m - 1, sizeof(y));
    memcpy(&z, t + f->k, sizeof(z));
    return (vec)(x == c[0]) & (vec)(y == c[1]) & (vec)((z | c[3]) == c[2]);
}

/*
 * pat_find - the first match in t[0..n), or NULL.  32 places are tried
 * at once: '\n' at the start, ':' at the end and the probe byte (any
 * case: for a lower-case letter L, x | 0x20 == L only for L and its
 * capital) must all agree before the whole name is compared.  GCC and
 * Clang vectors: SSE2 on x86-64, NEON on ARM.
 */
static const char *pat_find(const struct pat *f, const char *t, size_t n)
{
    vec c[4], h0, h1;
    vec64 any;
    size_t i = 0, j;

    memset(&c[0], '\n', sizeof(c[0]));
    memset(&c[1], ':', sizeof(c[1]));
    memset(&c[2], f->p[f->k], sizeof(c[2]));
    memset(&c[3], f->lower, sizeof(c[3]));
    for (; i + f->m + 31 <= n; i += 32) {
        h0 = block(f, t + i, c);
        h1 = block(f, t + i + 16, c);
        any = (vec64)(h0 | h1);
        if ((any[0] | any[1]) == 0)
            continue;
        for (j = 0; j < 32; j++)
            if ((j < 16 ? h0[j] : h1[j - 16]) && same(f, t + i + j))
                return t + i + j;
    }
    for (; i + f->m <= n; i++)
        if (same(f, t + i))
            return t + i;
    return NULL;
}

/* pread_full - len bytes at off, fewer only at the end; -1 on error */
static ssize_t pread_full(int fd, char *buf, size_t len, off_t off)
{
    size_t got = 0;
    ssize_t k;

    while (got < len) {
        k = pread(fd, buf + got, len - got, off + (off_t)got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0)
            break;
        got += (size_t)k;
    }
    return (ssize_t)got;
}

/* find_line - *found: whether a line named key is there (pw->line) */
static int find_line(struct pw *pw, const char *key, int *found)
{
    struct pat f;
    off_t off = 0, base = 0;
    size_t have = 1, keep;
    ssize_t k;
    const char *hit;

    *found = 0;
    if (pat_init(&f, key) < 0)
        return 0;
    /* buf[i] is the file's byte base + i - 1; buf[0] is a '\n' before
     * the first line, so the first line is found like any other. */
    pw->buf[0] = '\n';
    do {
        if ((k = pread_full(pw->fd, pw->buf + have, CHUNK, off)) < 0)
            return -1;
        have += (size_t)k;
        off += k;
        if ((hit = pat_find(&f, pw->buf, have)) != NULL) {
            pw->key = key;
            pw->line = base + (hit - pw->buf);
            *found = 1;
            return 0;
        }
        keep = have < f.m - 1 ? have : f.m - 1;
        memmove(pw->buf, pw->buf + have - keep, keep);
        base += (off_t)(have - keep);
        have = keep;
    } while (k == CHUNK);
    return 0;
}

/*
 * expand - Dovecot's %u %n %d %% (and %Lu %Ln %Ld: recipient_parse()
 * lower-cased them already) in s: their values, or for a template
 * lda's own letters, so that template_expand() can tell the fixed part
 * of the path.  -1: another variable, or too long.
 */
static int expand(const char *s, const struct recipient *r, int tpl,
                  char *out, size_t cap)
{
    char one[3] = "";
    const char *v = one;
    size_t o = 0, n;

    for (; *s; s++) {
        one[0] = *s;
        one[1] = '\0';
        if (*s == '%') {
            s += s[1] == 'L' && s[2] != '\0' && strchr("und", s[2]);
            if (*++s == '\0' || strchr("und%", *s) == NULL)
                return -1;
            one[1] = *s;
            v = tpl ? one : *s == 'u' ? r->user : *s == 'n' ? r->local
                : *s == 'd' ? r->domain : "%";
        }
        if ((n = strlen(v)) >= cap - o)
            return -1;
        memcpy(out + o, v, n + 1);
        o += n;
        v = one;
    }
    out[o] = '\0';
    return 0;
}

/* line_number - of the line found, for messages; 0 if unknown */
static long line_number(const struct pw *pw)
{
    char buf[16384];
    const char *p, *end;
    off_t off = 0;
    ssize_t k;
    long n = 1;

    while (off < pw->line) {
        k = pread_full(pw->fd, buf, sizeof(buf), off);
        if (k <= 0)
            return 0;
        end = buf + (pw->line - off < k ? pw->line - off : k);
        for (p = buf; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
            n++;
        off += k;
    }
    return n;
}

/* bad - 4.3.5: this user's line is unusable; what says why */
static int bad(const struct pw *pw, const char *what, const char *value)
{
    return status_set(pw->st, "4.3.5", "passwd-file '%s' line %ld: user "
                      "'%s': %s%s%.64s%s", pw->path, line_number(pw),
                      pw->key, what, value ? " '" : "", value ? value : "",
                      value ? "'" : "");
}

/* parse_id - a uid or gid, a number or a name; -1 when neither */
static int parse_id(const char *v, int group, long *out)
{
    struct passwd *pwd;
    struct group *grp;
    unsigned long long n;
    char *end;

    if (*v == '\0')
        return *out = USERDB_NO_ID, 0;
    if (isdigit((unsigned char)*v)) {
        if (conf_decimal(v, &n, &end) < 0 || *end != '\0'
            || (unsigned long long)(uid_t)n != n || (uid_t)n == (uid_t)-1)
            return -1;
        *out = (long)n;
    } else if (group) {
        if ((grp = getgrnam(v)) == NULL)
            return -1;
        *out = (long)grp->gr_gid;
    } else {
        if ((pwd = getpwnam(v)) == NULL)
            return -1;
        *out = (long)pwd->pw_uid;
    }
    return 0;
}

/*
 * parse_size - a Dovecot size: a number and an optional unit B K M G T
 * (any case, K may also be written KB, KI or KIB: base 2, K = 1024);
 * unit is the multiplier of a bare number.  -1 when it does not parse.
 */
static int parse_size(const char *v, uint64_t unit, uint64_t *out)
{
    static const char units[] = "BKMGT";
    const char *u, *rest;
    unsigned long long n;
    char *end;

    if (conf_decimal(v, &n, &end) < 0)
        return -1;
    if (*end != '\0') {
        if ((u = strchr(units, toupper((unsigned char)*end))) == NULL)
            return -1;
        rest = end + 1;
        if (*u != 'B' && toupper((unsigned char)*rest) == 'I')
            rest++;
        if (*u != 'B' && toupper((unsigned char)*rest) == 'B')
            rest++;
        if (*rest != '\0')
            return -1;
        for (unit = 1; u > units; u--)
            unit *= 1024;
    }
    if (unit != 0 && n > UINT64_MAX / unit)
        return -1;
    *out = n * unit;
    return 0;
}

/* parse_count - a plain number of messages; -1 when it is not one */
static int parse_count(const char *v, uint64_t *out)
{
    if (*v == '\0' || v[strspn(v, "0123456789")] != '\0')
        return -1;
    return parse_size(v, 1, out);
}

/*
 * start_quota - the first quota field: the entry's rules replace the
 * quota settings as a whole, as Dovecot's userdb quota_rule replaces
 * its default rule (a limit not given is none)
 */
static void start_quota(struct account *a)
{
    if (!a->quota_set)
        a->quota = a->quota_messages = 0;
    a->quota_set = 1;
}

/*
 * quota_rule - Dovecot's "<mailbox>:<limit>[:<limit>]...".  Only "*"
 * and "?" (used when no "*" rule is given) limit the whole Maildir;
 * rules for one mailbox are Dovecot's business.  Limits: storage (a
 * bare number is kilobytes), bytes, messages, ignore; 0 is no limit.
 * Relative limits ("+100M", "10%") have no base here: refused.
 */
static int quota_rule(const char *v, int *star, struct account *a)
{
    char buf[256], *lim, *save = NULL, *eq;

    if (strcmp(v, "none") == 0) {
        start_quota(a);
        a->quota = a->quota_messages = 0;
        return 0;
    }
    if (snprintf(buf, sizeof(buf), "%s", v) >= (int)sizeof(buf)
        || (lim = strchr(buf, ':')) == NULL)
        return -1;
    *lim++ = '\0';
    if (strcmp(buf, "*") != 0 && (strcmp(buf, "?") != 0 || *star))
        return 0;
    *star |= strcmp(buf, "*") == 0;
    start_quota(a);
    if (*lim == '\0')
        return -1;
    for (lim = strtok_r(lim, ":", &save); lim;
         lim = strtok_r(NULL, ":", &save)) {
        eq = strchr(lim, '=');
        if (strcmp(lim, "ignore") == 0 || strcmp(lim, "none") == 0)
            a->quota = a->quota_messages = 0;
        else if (eq == NULL)
            return -1;
        else if (strncmp(lim, "storage=", 8) == 0) {
            if (parse_size(eq + 1, 1024, &a->quota) < 0)
                return -1;
        } else if (strncmp(lim, "bytes=", 6) == 0) {
            if (parse_size(eq + 1, 1, &a->quota) < 0)
                return -1;
        } else if (strncmp(lim, "messages=", 9) == 0) {
            if (parse_count(eq + 1, &a->quota_messages) < 0)
                return -1;
        } else {
            return -1;          /* backend=: Maildir++ quota only */
        }
    }
    return 0;
}

/*
 * mail_location - Dovecot's "maildir:PATH[:KEY=VALUE]..." (or, with
 * bare set, Dovecot 2.4's mail_path) as a template in a->maildir.  lda
 * writes Maildir only: another format, or none (Dovecot would guess),
 * is refused, and so is INBOX=, which keeps the INBOX where lda does
 * not deliver.  Other options concern Dovecot's indexes and layout.
 */
static int mail_location(const char *v, int bare, const struct recipient *r,
                         struct account *a)
{
    char path[sizeof(a->maildir)];
    const char *opts;
    size_t len;

    if (!bare) {
        if (strncmp(v, "maildir:", 8) != 0)
            return -1;
        v += 8;
    }
    len = bare ? strlen(v) : strcspn(v, ":");
    opts = v + len;
    if (len >= sizeof(path) || strstr(opts, ":INBOX=") != NULL)
        return -1;
    memcpy(path, v, len);
    path[len] = '\0';
    if (path[0] != '/' && !(path[0] == '~' && (path[1] == '/'
                                               || path[1] == '\0')))
        return -1;
    return expand(path, r, 1, a->maildir, sizeof(a->maildir));
}

/* set_home - an absolute home directory, after variables if any */
static int set_home(const struct pw *pw, const char *v, int vars,
                    struct account *a)
{
    char home[sizeof(a->home)];

    if (vars ? expand(v, pw->r, 0, home, sizeof(home)) < 0
        : snprintf(home, sizeof(home), "%s", v) >= (int)sizeof(home))
        return -1;
    if (home[0] != '/')
        return -1;
    memcpy(a->home, home, sizeof(home));
    return 0;
}

/* extra_field - one userdb_ key=value; -1 when its value is bad */
static int extra_field(const struct pw *pw, const char *key, const char *v,
                       int *star, struct account *a)
{
    if (strcmp(key, "uid") == 0)
        return parse_id(v, 0, &a->uid);
    if (strcmp(key, "gid") == 0)
        return parse_id(v, 1, &a->gid);
    if (strcmp(key, "home") == 0)     /* extra fields take variables */
        return set_home(pw, v, 1, a);
    if (strcmp(key, "mail") == 0 || strcmp(key, "mail_path") == 0)
        return mail_location(v, key[4] != '\0', pw->r, a);
    if (strcmp(key, "mail_driver") == 0)
        return strcmp(v, "maildir") == 0 ? 0 : -1;
    if (strcmp(key, "mail_inbox_path") == 0)  /* 2.4's INBOX= */
        return -1;
    if (strncmp(key, "quota_rule", 10) == 0)
        return quota_rule(v, star, a);
    if (strcmp(key, "sieve") == 0)
        return userdb_sieve(v, a);
    if (strcmp(v, "unlimited") == 0)  /* Dovecot 2.4 quota settings */
        v = "0";
    if (strcmp(key, "quota_storage_size") == 0) {
        start_quota(a);
        return parse_size(v, 1, &a->quota);
    }
    if (strcmp(key, "quota_message_count") == 0) {
        start_quota(a);
        return parse_count(v, &a->quota_messages);
    }
    return 0;                   /* not lda's business */
}

/* parse_line - the user's line (a copy, NUL-terminated) into a */
static int parse_line(const struct pw *pw, char *line, struct account *a)
{
    char *f[8] = {0}, *p = line, *tok, *save = NULL, *eq;
    char what[64];
    int i, star = 0;

    /* user:password:uid:gid:gecos:home:shell:extra fields */
    for (i = 0; i < 8 && p != NULL; i++) {
        f[i] = p;
        if (i < 7 && (p = strchr(p, ':')) != NULL)
            *p++ = '\0';
    }
    if (f[2] && parse_id(f[2], 0, &a->uid) < 0)
        return bad(pw, "bad uid", f[2]);
    if (f[3] && parse_id(f[3], 1, &a->gid) < 0)
        return bad(pw, "bad gid", f[3]);
    if (f[5] && *f[5] && set_home(pw, f[5], 0, a) < 0)
        return bad(pw, "bad home", f[5]);
    for (tok = f[7] ? strtok_r(f[7], " \t", &save) : NULL; tok;
         tok = strtok_r(NULL, " \t", &save)) {
        /* Fields without the prefix are passdb fields. */
        if (strncmp(tok, "userdb_", 7) != 0 || !(eq = strchr(tok, '=')))
            continue;
        *eq = '\0';
        if (extra_field(pw, tok + 7, eq + 1, &star, a) < 0) {
            snprintf(what, sizeof(what), "bad %.40s", tok);
            return bad(pw, what, eq + 1);
        }
    }
    if (a->uid == 0 || a->gid == 0)
        return bad(pw, a->uid == 0 ? "uid 0: refusing to deliver as root"
                   : "gid 0: refusing to deliver as root", NULL);
    return 0;
}

/* use_line - bound, check and parse the line found */
static int use_line(struct pw *pw, struct account *a)
{
    struct account tmp = *a;
    char *nl, *line = pw->buf;
    size_t i, klen = strlen(pw->key);
    ssize_t len;

    if ((len = pread_full(pw->fd, line, PASSWD_LINE_MAX + 1, pw->line)) < 0)
        return status_errno_as(pw->st, "4.3.0", errno,
                               "read passwd-file '%s'", pw->path);
    /* Rewritten in place since the search, this may be another user's
     * line: never take that one's uid and maildir. */
    for (i = 0; i < klen && i < (size_t)len; i++)
        if (fold((unsigned char)line[i]) != fold((unsigned char)pw->key[i]))
            break;
    if (i < klen || (size_t)len <= klen || line[klen] != ':')
        return status_set(pw->st, "4.3.0", "passwd-file '%s' changed while "
                          "read", pw->path);
    if ((nl = memchr(line, '\n', (size_t)len)) != NULL)
        len = nl - line;
    else if (len > PASSWD_LINE_MAX)
        return bad(pw, "line too long", NULL);
    if (len > 0 && line[len - 1] == '\r')
        len--;                  /* written on Windows */
    if (memchr(line, '\0', (size_t)len) != NULL)
        return bad(pw, "NUL byte in line", NULL);
    line[len] = '\0';
    if (parse_line(pw, line, &tmp) < 0)
        return -1;
    snprintf(tmp.name, sizeof(tmp.name), "%s", pw->key);
    *a = tmp;
    return 0;
}

/* search - the line of r in the open file, parsed into a */
static int search(struct pw *pw, const struct stat *before,
                  struct account *a)
{
    const struct recipient *r = pw->r;
    struct stat after;
    int found;

    if (find_line(pw, r->user, &found) < 0
        || (!found && strcmp(r->local, r->user) != 0
            && find_line(pw, r->local, &found) < 0))
        return status_errno_as(pw->st, "4.3.0", errno,
                               "read passwd-file '%s'", pw->path);
    if (found)
        return use_line(pw, a);
    /* Rewritten in place under this search: retry, never bounce. */
    if (fstat(pw->fd, &after) < 0 || after.st_size != before->st_size
        || after.st_mtim.tv_sec != before->st_mtim.tv_sec
        || after.st_mtim.tv_nsec != before->st_mtim.tv_nsec)
        return status_set(pw->st, "4.3.0", "passwd-file '%s' changed "
                          "while read", pw->path);
    return status_set(pw->st, "5.1.1", "user '%s' unknown (passwd-file "
                      "'%s')", r->user, pw->path);
}

/* passwd_lookup - the userdb driver: arg is the file's path template */
static int passwd_lookup(const char *arg, const struct config *cfg,
                         const struct recipient *r, struct account *a,
                         struct status *st)
{
    char path[1024];
    struct pw pw = {.path = path, .r = r, .st = st};
    struct stat before;
    int rc;

    (void)cfg;
    if (expand(arg, r, 0, path, sizeof(path)) < 0)
        return status_set(st, "4.3.5", "userdb passwd-file '%s': unknown "
                          "variable or path too long", arg);
    if (path[0] != '/')
        return status_set(st, "4.3.5", "userdb passwd-file '%s': not an "
                          "absolute path", path);
    /* O_NONBLOCK: a FIFO put there must not hang the delivery. */
    if ((pw.fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK))
        < 0)
        return status_errno_as(st, "4.3.0", errno, "open passwd-file '%s'",
                               path);
    if (fstat(pw.fd, &before) < 0 || (pw.buf = malloc(CHUNK + 1024)) == NULL)
        rc = status_errno_as(st, "4.3.0", errno, "passwd-file '%s'", path);
    else if (!S_ISREG(before.st_mode))
        rc = status_set(st, "4.3.0", "passwd-file '%s': not a regular file",
                        path);
    else
        rc = search(&pw, &before, a);
    free(pw.buf);
    close(pw.fd);
    return rc;
}

const struct userdb_ops userdb_passwd_ops = {
    .name = "passwd-file",
    .lookup = passwd_lookup,
};
