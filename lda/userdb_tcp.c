/*
 * userdb_tcp.c - accounts from a Postfix tcp_table(5) service
 *
 * "userdb = tcp:HOST:PORT" (IPv6 as "[ADDR]:PORT") asks a server one
 * question per delivery in the tcp_table(5) protocol: "get KEY\n", one
 * reply line "200 VALUE", "500 TEXT" (no such key) or "400 TEXT" (try
 * again), at most 4096 bytes with the newline; request and reply are
 * %XX-encoded (tcp_table(5) ENCODING: '%', whitespace and non-printing
 * characters).  The key is user@domain without the extension, the value
 * a JSON object: maildir, home, uid, gid, quota, quota_messages, all
 * optional; unknown keys are ignored so the service can grow.
 *
 * Only 500 bounces (5.1.1).  Everything else that can go wrong with the
 * service, refused, silent, unresolvable, talking nonsense, is 4.3.0:
 * the mail waits in the Postfix queue until the service is back.  An
 * entry that cannot be used is 4.3.5.  Connect, send and reply share
 * one deadline of userdb_timeout seconds, enforced with non-blocking
 * sockets and poll(); only name resolution (getaddrinfo) is bounded by
 * the resolver's own timeouts, so use an address where that matters.
 * lda is one process per message: one connection, closed after.
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "userdb.h"
#include "../util/clock.h"

#define TCP_REPLY_MAX 4096      /* tcp_table(5): including the newline */

/* The driver's lda.conf keys (config.c composes them in). */
const struct conf_key userdb_tcp_keys[] = {
    {"userdb_timeout", CONF_TIME, CONF_FIELD(struct config, userdb_timeout),
     "5s", NULL},
    {NULL, CONF_STR, 0, 0, NULL, NULL},
};

struct tcp {
    const char *arg;            /* "HOST:PORT", for messages */
    int fd;
    unsigned long secs;         /* userdb_timeout */
    long long deadline;         /* CLOCK_MONOTONIC milliseconds */
};

/* printable - s fit for a status line: control and 8-bit bytes as '?' */
static const char *printable(char *buf, size_t cap, const char *s)
{
    size_t i;

    for (i = 0; s[i] && i + 4 < cap; i++)
        buf[i] = (unsigned char)s[i] < ' ' || (unsigned char)s[i] >= 0x7f
            ? '?' : s[i];
    if (s[i]) {
        memcpy(buf + i, "...", 3);
        i += 3;
    }
    buf[i] = '\0';
    return buf;
}

/* tcp_split - "HOST:PORT" or "[V6ADDR]:PORT" apart; -1 if neither */
static int tcp_split(const char *arg, char host[256], char port[6])
{
    int end = -1;

    /* a bare IPv6 address matches neither: "::1:25" is ambiguous */
    if (sscanf(arg, "[%255[^]]]:%5[0-9]%n", host, port, &end) != 2
        && sscanf(arg, "%255[^:[]:%5[0-9]%n", host, port, &end) != 2)
        return -1;
    return end > 0 && arg[end] == '\0' && atoi(port) >= 1
        && atoi(port) <= 65535 ? 0 : -1;
}

/* tcp_encode - %XX for '%', whitespace, control and 8-bit bytes */
static void tcp_encode(const char *in, char *out)
{
    unsigned char c;

    for (; (c = (unsigned char)*in) != '\0'; in++)
        if (c <= ' ' || c == '%' || c >= 0x7f)
            out += sprintf(out, "%%%02X", c);
        else
            *out++ = (char)c;
    *out = '\0';
}

/* tcp_decode - undo %XX (hex in any case) in place; -1 on a bad one */
static int tcp_decode(char *s)
{
    char *o = s, hex[3] = "";

    for (; *s; s++) {
        if (*s != '%') {
            *o++ = *s;
            continue;
        }
        if (!isxdigit((unsigned char)s[1]) || !isxdigit((unsigned char)s[2]))
            return -1;
        memcpy(hex, s + 1, 2);
        if ((*o++ = (char)strtol(hex, NULL, 16)) == '\0')
            return -1;          /* %00 would cut the value short */
        s += 2;
    }
    *o = '\0';
    return 0;
}

/* tcp_wait - poll until fd is ready for events; 4.3.0 past the deadline */
static int tcp_wait(struct tcp *t, short events, const char *what,
                    struct status *st)
{
    struct pollfd p = {.fd = t->fd, .events = events};
    long long left;
    int n;

    for (;;) {
        if ((left = t->deadline - clock_ms()) <= 0)
            return status_set(st, "4.3.0", "tcp:%s: %sno answer within "
                              "%lus", t->arg, what, t->secs);
        n = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
        if (n > 0)
            return 0;   /* POLLERR and POLLHUP too: the next call says */
        if (n < 0 && errno != EINTR)
            return status_errno_as(st, "4.3.0", errno, "tcp:%s: poll",
                                   t->arg);
    }
}

/*
 * tcp_connect_one - connect to one address before the deadline.  The
 * code is 4.3.0 whatever errno says (status_errno_as(), not
 * status_errno(), which maps EACCES to 4.2.0): userdb.h fixes it for
 * a service that cannot be asked.
 */
static int tcp_connect_one(struct tcp *t, const struct addrinfo *ai,
                           struct status *st)
{
    char addr[NI_MAXHOST], what[NI_MAXHOST + 16];
    socklen_t len = sizeof(int);
    int err;

    if (getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof(addr), NULL,
                    0, NI_NUMERICHOST) != 0)
        snprintf(addr, sizeof(addr), "?");
    t->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK
                   | SOCK_CLOEXEC, ai->ai_protocol);
    if (t->fd < 0)
        return status_errno_as(st, "4.3.0", errno, "tcp:%s: socket",
                               t->arg);
    if (connect(t->fd, ai->ai_addr, ai->ai_addrlen) == 0)
        return 0;
    err = errno;
    if (err == EINPROGRESS || err == EINTR) {   /* EINTR: still going */
        snprintf(what, sizeof(what), "connect '%s': ", addr);
        if (tcp_wait(t, POLLOUT, what, st) < 0)
            goto fail;
        if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
            err = errno;
        if (err == 0)
            return 0;
    }
    status_errno_as(st, "4.3.0", err, "tcp:%s: connect '%s'", t->arg, addr);
fail:
    close(t->fd);
    t->fd = -1;
    return -1;
}

/* tcp_connect - the first address of host that answers, in time */
static int tcp_connect(struct tcp *t, const char *host, const char *port,
                       struct status *st)
{
    struct addrinfo hints, *res, *ai;
    int rc;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    if ((rc = getaddrinfo(host, port, &hints, &res)) == EAI_SYSTEM)
        return status_errno_as(st, "4.3.0", errno, "tcp:%s: resolve '%s'",
                               t->arg, host);
    if (rc != 0)
        return status_set(st, "4.3.0", "tcp:%s: resolve '%s': %s", t->arg,
                          host, gai_strerror(rc));
    status_set(st, "4.3.0", "tcp:%s: resolve '%s': no address", t->arg,
               host);
    for (ai = res; ai != NULL; ai = ai->ai_next)
        if (tcp_connect_one(t, ai, st) == 0 || clock_ms() >= t->deadline)
            break;
    freeaddrinfo(res);
    return t->fd < 0 ? -1 : 0;
}

/* tcp_send - the whole request; MSG_NOSIGNAL: a reset is an error */
static int tcp_send(struct tcp *t, const char *buf, size_t len,
                    struct status *st)
{
    ssize_t n;

    while (len > 0) {
        if (tcp_wait(t, POLLOUT, "", st) < 0)
            return -1;
        n = send(t->fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0)
            return status_errno_as(st, "4.3.0", errno, "tcp:%s: send",
                                   t->arg);
        if (n == 0)
            return status_set(st, "4.3.0", "tcp:%s: send: nothing sent",
                              t->arg);
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* tcp_recv - one reply line into line (TCP_REPLY_MAX), newline cut */
static int tcp_recv(struct tcp *t, char *line, struct status *st)
{
    size_t len = 0;
    char *nl = NULL;
    ssize_t n;

    while (nl == NULL) {
        if (len == TCP_REPLY_MAX)
            return status_set(st, "4.3.0", "tcp:%s: reply longer than %d "
                              "bytes", t->arg, TCP_REPLY_MAX);
        if (tcp_wait(t, POLLIN, "", st) < 0)
            return -1;
        n = recv(t->fd, line + len, TCP_REPLY_MAX - len, 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0)
            return status_errno_as(st, "4.3.0", errno, "tcp:%s: receive",
                                   t->arg);
        if (n == 0)
            return status_set(st, "4.3.0", "tcp:%s: connection closed %s",
                              t->arg, len ? "in mid-reply" : "without a reply");
        nl = memchr(line + len, '\n', (size_t)n);
        len += (size_t)n;
    }
    if (memchr(line, '\0', (size_t)(nl - line)) != NULL)
        return status_set(st, "4.3.0", "tcp:%s: reply holds a NUL byte",
                          t->arg);
    /* not in tcp_table(5), but a CRLF server is common enough */
    if (nl > line && nl[-1] == '\r')
        nl--;
    *nl = '\0';
    return 0;
}

/* shown - a JSON value for a message: a string as is, others as JSON */
static const char *shown(const json_t *v, char *buf, size_t cap)
{
    char *s;

    if (json_is_string(v))
        return printable(buf, cap, json_string_value(v));
    s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    printable(buf, cap, s ? s : "?");
    free(s);
    return buf;
}

/* bad - 4.3.5 naming the user, the field and what it held */
static int bad(const char *who, const char *field, const json_t *v,
               const char *why, struct status *st)
{
    char buf[80];

    return status_set(st, "4.3.5", "%s: bad %s '%s'%s", who, field,
                      shown(v, buf, sizeof(buf)), why);
}

/* field - key of o; NULL when absent or null (the same to a service) */
static json_t *field(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    return v == NULL || json_is_null(v) ? NULL : v;
}

/* acct_path - a string field (maildir, home) into out */
static int acct_path(const char *who, json_t *o, const char *key,
                     char *out, size_t cap, struct status *st)
{
    json_t *v = field(o, key);
    const char *s;

    if (v == NULL)
        return 0;
    /* no NUL inside: json_loads() refuses "\u0000" unless told */
    if ((s = json_string_value(v)) == NULL)
        return bad(who, key, v, "", st);
    if (strlen(s) >= cap)
        return bad(who, key, v, ": too long", st);
    /* a relative home would put "~" below lda's working directory */
    if (strcmp(key, "home") == 0 && s[0] != '\0' && s[0] != '/')
        return bad(who, key, v, ": not an absolute path", st);
    memcpy(out, s, strlen(s) + 1);
    return 0;
}

/* acct_sieve - the account's own script: "sieve" as userdb_sieve() */
static int acct_sieve(const char *who, json_t *o, struct account *a,
                      struct status *st)
{
    json_t *v = field(o, "sieve");
    char buf[1100];

    if (v == NULL)
        return 0;
    if (acct_path(who, o, "sieve", buf, sizeof(buf), st) < 0)
        return -1;
    if (userdb_sieve(buf, a) < 0)
        return bad(who, "sieve", v, ": not a path or file: location", st);
    return 0;
}

/* acct_id - uid or gid: a number, or a name for getpwnam/getgrnam */
static int acct_id(const char *who, json_t *o, const char *key, long *out,
                   struct status *st)
{
    json_t *v = field(o, key);
    const char *s;
    long long n = -1;
    struct passwd *pw;
    struct group *gr;

    if (v == NULL)
        return 0;
    if (json_is_integer(v)) {
        n = json_integer_value(v);
    } else if ((s = json_string_value(v)) != NULL && *s) {
        if (key[0] == 'u' && (pw = getpwnam(s)) != NULL)
            n = pw->pw_uid;
        else if (key[0] == 'g' && (gr = getgrnam(s)) != NULL)
            n = gr->gr_gid;
        else if (s[strspn(s, "0123456789")] == '\0' && strlen(s) <= 10)
            n = strtoll(s, NULL, 10);     /* a number sent as a string */
        else
            return bad(who, key, v, key[0] == 'u' ? ": no such user"
                       : ": no such group", st);
    }
    if (n == 0)
        return bad(who, key, v, ": refusing to deliver as root", st);
    /* (uid_t)-1 means "no change" to setuid() and chown() */
    if (n < 0 || n >= (long long)UINT32_MAX)
        return bad(who, key, v, "", st);
    *out = (long)n;
    return 0;
}

/* acct_quota - quota ("1G" or bytes) and quota_messages, as a pair */
static int acct_quota(const char *who, json_t *o, struct account *a,
                      struct status *st)
{
    json_t *q = field(o, "quota"), *m = field(o, "quota_messages");
    const char *s;

    if (q == NULL && m == NULL)
        return 0;
    a->quota_set = 1;   /* the other one absent means no limit */
    a->quota = a->quota_messages = 0;
    if (json_is_integer(q) && json_integer_value(q) >= 0)
        a->quota = (uint64_t)json_integer_value(q);
    else if (q != NULL && ((s = json_string_value(q)) == NULL
                           || conf_size(s, &a->quota) < 0))
        return bad(who, "quota", q, "", st);
    if (json_is_integer(m) && json_integer_value(m) >= 0)
        a->quota_messages = (uint64_t)json_integer_value(m);
    else if (m != NULL)
        return bad(who, "quota_messages", m, "", st);
    return 0;
}

/* tcp_account - a 200 value into a; *a stays as it was on failure */
static int tcp_account(const struct tcp *t, const char *user, char *value,
                       struct account *a, struct status *st)
{
    struct account n = *a;
    char who[700], buf[80];
    json_error_t jerr;
    json_t *o;
    int rc = -1;

    snprintf(who, sizeof(who), "tcp:%s: user '%s'", t->arg,
             printable(buf, sizeof(buf), user));
    if (tcp_decode(value) < 0)
        return status_set(st, "4.3.0", "%s: bad %%XX encoding in the reply",
                          who);
    /* duplicates refused: which of two "uid" keys counts is a guess */
    o = json_loads(value, JSON_REJECT_DUPLICATES, &jerr);
    if (o == NULL)
        return status_set(st, "4.3.5", "%s: bad JSON: %s", who, jerr.text);
    if (!json_is_object(o))
        status_set(st, "4.3.5", "%s: value is not a JSON object", who);
    else if (acct_path(who, o, "maildir", n.maildir, sizeof(n.maildir), st)
             == 0
             && acct_path(who, o, "home", n.home, sizeof(n.home), st) == 0
             && acct_id(who, o, "uid", &n.uid, st) == 0
             && acct_id(who, o, "gid", &n.gid, st) == 0
             && acct_quota(who, o, &n, st) == 0
             && acct_sieve(who, o, &n, st) == 0) {
        snprintf(n.name, sizeof(n.name), "%s", user);
        *a = n;
        rc = 0;
    }
    json_decref(o);
    return rc;
}

/* tcp_reply - what the reply line says about user */
static int tcp_reply(const struct tcp *t, const char *user, char *line,
                     struct account *a, struct status *st)
{
    char buf[80], ubuf[80];
    char *text = line + 4;

    if (strlen(line) < 4 || line[3] != ' '
        || strspn(line, "0123456789") != 3)
        return status_set(st, "4.3.0", "tcp:%s: malformed reply '%s'",
                          t->arg, printable(buf, sizeof(buf), line));
    if (strncmp(line, "200", 3) == 0)
        return tcp_account(t, user, text, a, st);
    if (strncmp(line, "500", 3) == 0)
        return status_set(st, "5.1.1", "user '%s' unknown (tcp:%s)",
                          printable(buf, sizeof(buf), user), t->arg);
    if (strncmp(line, "400", 3) != 0)
        return status_set(st, "4.3.0", "tcp:%s: unexpected reply '%s'",
                          t->arg, printable(buf, sizeof(buf), line));
    tcp_decode(text);   /* only shown: a bad %XX stays as it came */
    return status_set(st, "4.3.0", "tcp:%s: lookup of '%s' failed, try "
                      "again: %s", t->arg, printable(ubuf, sizeof(ubuf), user),
                      printable(buf, sizeof(buf), text));
}

/* tcp_lookup - ask HOST:PORT for r->user */
static int tcp_lookup(const char *arg, const struct config *cfg,
                      const struct recipient *r, struct account *a,
                      struct status *st)
{
    struct tcp t = {.arg = arg, .fd = -1};
    char host[256], port[6], line[TCP_REPLY_MAX];
    char req[sizeof(r->user) * 3 + 8] = "get ";
    int rc;

    if (tcp_split(arg, host, port) < 0)
        return status_set(st, "4.3.5", "userdb 'tcp:%s': want HOST:PORT "
                          "(IPv6 as [ADDR]:PORT)", arg);
    t.secs = (unsigned long)cfg->userdb_timeout;     /* 1 s to 1 day */
    t.deadline = clock_ms() + (long long)t.secs * 1000;
    tcp_encode(r->user, req + 4);
    strcat(req, "\n");
    if (tcp_connect(&t, host, port, st) < 0)
        return -1;
    rc = tcp_send(&t, req, strlen(req), st);
    if (rc == 0)
        rc = tcp_recv(&t, line, st);
    close(t.fd);        /* nothing was written that a close could lose */
    return rc < 0 ? -1 : tcp_reply(&t, r->user, line, a, st);
}

const struct userdb_ops userdb_tcp_ops = {
    .name = "tcp",
    .lookup = tcp_lookup,
};
