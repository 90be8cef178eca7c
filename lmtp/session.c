/*
 * session.c - one LMTP connection (RFC 2033), in its own process
 *
 * Commands are read from a buffer, so a pipelining client's commands
 * are answered in order and the replies go out together before the
 * process next waits for input.  After DATA the message is received
 * once (spool.c) and delivered to each accepted recipient in turn
 * through the delivery core, with one reply each, in RCPT order: a
 * 250 only once message and event are durable.  Waiting is bounded by
 * lmtp_command_timeout and lmtp_data_timeout; a stop request ends an
 * idle session at once and a busy one after its transaction.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../lda/message.h"
#include "../lda/recipient.h"
#include "../util/log.h"
#include "run.h"
#include "server.h"
#include "spool.h"

#define LINE_MAX_ 2048          /* a command line, CRLF excluded */
#define IN_CAP 65536
#define OUT_CAP 16384
#define ADDR_MAX 1000           /* an address or ORCPT, in bytes */
#define MAX_ERRORS 20

struct rcpt {
    char *addr;
    char *orcpt;                /* decoded ORCPT, or NULL */
};

struct session {
    struct server *srv;
    int fd;
    char peer[80];
    char in[IN_CAP];
    size_t head, tail;
    char out[OUT_CAP];
    size_t outlen;
    int lhlo, mail, errors;
    char sender[ADDR_MAX + 1];
    struct rcpt *rcpts;
    size_t nrcpt, cap;
    struct spool spool;
};

/* Why waiting for input ended. */
enum { IN_DATA = 1, IN_ERROR = -1, IN_TIMEOUT = -2, IN_STOP = -3,
       IN_EOF = -4 };

/* flush - send the replies held; -1 when the client is gone */
static int flush(struct session *s)
{
    struct pollfd p = {.fd = s->fd, .events = POLLOUT};
    size_t off = 0;
    ssize_t n;

    while (off < s->outlen) {
        n = write(s->fd, s->out + off, s->outlen - off);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        /* A client that reads nothing holds only its own process, and
         * that for no longer than a command may take. */
        if (n < 0 && errno == EAGAIN
            && poll(&p, 1, (int)s->srv->cfg.lmtp.command_timeout * 1000) > 0)
            continue;
        s->outlen = 0;
        return -1;
    }
    s->outlen = 0;
    return 0;
}

/* reply - queue one reply line (CRLF added) */
static void reply(struct session *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void reply(struct session *s, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (s->outlen + LINE_MAX_ > OUT_CAP && flush(s) < 0)
        return;
    va_start(ap, fmt);
    n = vsnprintf(s->out + s->outlen, OUT_CAP - s->outlen - 2, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > OUT_CAP - s->outlen - 3)
        n = (int)(OUT_CAP - s->outlen - 3);
    s->outlen += (size_t)n;
    memcpy(s->out + s->outlen, "\r\n", 2);
    s->outlen += 2;
}

/* bad - a refused command: counted, and too many end the session */
static int bad(struct session *s, const char *text)
{
    reply(s, "%s", text);
    if (++s->errors < MAX_ERRORS)
        return 0;
    reply(s, "421 4.7.0 %s too many errors", s->srv->host);
    log_info("too many errors from %s", s->peer);
    return -1;
}

/*
 * fill - wait up to seconds for more input; a stop request ends the
 * wait when idle is set (no transaction would be cut short)
 */
static int fill(struct session *s, unsigned long long seconds, int idle)
{
    struct pollfd p = {.fd = s->fd, .events = POLLIN};
    struct timespec ts;
    sigset_t none;
    ssize_t n;

    if (s->head > 0) {
        memmove(s->in, s->in + s->head, s->tail - s->head);
        s->tail -= s->head;
        s->head = 0;
    }
    if (flush(s) < 0)
        return IN_ERROR;
    sigemptyset(&none);
    ts.tv_sec = (time_t)seconds;
    ts.tv_nsec = 0;
    for (;;) {
        if (server_stop && idle)
            return IN_STOP;
        /* Signals are blocked but here, so none is missed between the
         * check above and the wait. */
        n = ppoll(&p, 1, &ts, &none);
        if (n < 0 && errno == EINTR)
            continue;           /* ts keeps the time left */
        if (n == 0)
            return IN_TIMEOUT;
        if (n < 0)
            return IN_ERROR;
        n = read(s->fd, s->in + s->tail, IN_CAP - s->tail);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            return n == 0 ? IN_EOF : IN_ERROR;
        s->tail += (size_t)n;
        return IN_DATA;
    }
}

/* ended - say why the session ends, when the client can still hear it */
static void ended(struct session *s, int why, const char *during)
{
    if (why == IN_TIMEOUT) {
        reply(s, "421 4.4.2 %s timeout", s->srv->host);
        log_info("timeout %s from %s", during, s->peer);
    } else if (why == IN_STOP) {
        reply(s, "421 4.3.0 %s shutting down", s->srv->host);
    } else if (*during == 'd') {
        log_info("lost connection %s from %s", during, s->peer);
    }
    flush(s);
}

/*
 * next_line - the next command line without its CRLF or LF: its
 * length; -2 when it was too long (skipped whole); -1 when the session
 * is over
 */
static long next_line(struct session *s, char *line)
{
    int toolong = 0, why;

    for (;;) {
        char *b = s->in + s->head, *lf;
        size_t avail = s->tail - s->head, len;

        if ((lf = memchr(b, '\n', avail)) != NULL) {
            len = (size_t)(lf - b);
            s->head += len + 1;
            if (len && b[len - 1] == '\r')
                len--;
            if (toolong || len > LINE_MAX_)
                return -2;
            memcpy(line, b, len);
            line[len] = '\0';
            return (long)len;
        }
        if (avail > LINE_MAX_ + 1) {
            toolong = 1;        /* keep reading to its end, keep nothing */
            s->head = s->tail;
        }
        why = fill(s, s->srv->cfg.lmtp.command_timeout, !s->mail);
        if (why != IN_DATA) {
            ended(s, why, "waiting for a command");
            return -1;
        }
    }
}

/* reset - forget the transaction */
static void reset(struct session *s)
{
    size_t i;

    for (i = 0; i < s->nrcpt; i++) {
        free(s->rcpts[i].addr);
        free(s->rcpts[i].orcpt);
    }
    s->nrcpt = 0;
    s->mail = 0;
    s->sender[0] = '\0';
}

/*
 * path - the address of "<addr>" at *p (a source route dropped), *p
 * moved past it; -1 on bad syntax, -2 when longer than cap allows
 */
static int path(char **p, char *addr, size_t cap)
{
    char *s = *p, *e, *colon;
    size_t len;

    while (*s == ' ')
        s++;
    if (*s != '<' || (e = strchr(s, '>')) == NULL)
        return -1;
    s++;
    if (*s == '@' && (colon = memchr(s, ':', (size_t)(e - s))) != NULL)
        s = colon + 1;
    len = (size_t)(e - s);
    if (len >= cap)
        return -2;
    memcpy(addr, s, len);
    addr[len] = '\0';
    *p = e + 1;
    return 0;
}

/* param - the next "KEY[=VALUE]" at *p: 1, 0 at the end */
static int param(char **p, char **key, char **value)
{
    char *s = *p;

    while (*s == ' ')
        s++;
    if (*s == '\0')
        return 0;
    *key = s;
    s += strcspn(s, " ");
    if (*s)
        *s++ = '\0';
    *p = s;
    if ((*value = strchr(*key, '=')) != NULL)
        *(*value)++ = '\0';
    return 1;
}

/* xtext - decode RFC 3461 xtext ("+2B" is "+") in place; -1 if bad */
static int xtext(char *s)
{
    char *d = s;

    for (; *s; s++) {
        if (*s == '+') {
            if (!isxdigit((unsigned char)s[1])
                || !isxdigit((unsigned char)s[2]))
                return -1;
            *d++ = (char)strtol((char[]){s[1], s[2], 0}, NULL, 16);
            s += 2;
        } else if ((unsigned char)*s < 33 || *s == '=' || *s == 0x7f) {
            return -1;
        } else {
            *d++ = *s;
        }
    }
    *d = '\0';
    return 0;
}

/* controls - whether s has a control character */
static int controls(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < ' ' || *s == 0x7f)
            return 1;
    return 0;
}

/* cmd_lhlo - LHLO: who we are and what we can do; a new start */
static int cmd_lhlo(struct session *s, char *arg)
{
    const struct config *cfg = &s->srv->cfg;

    if (*arg == '\0')
        return bad(s, "501 5.5.4 syntax: LHLO hostname");
    reset(s);
    s->lhlo = 1;
    reply(s, "250-%s", s->srv->host);
    reply(s, "250-PIPELINING");
    reply(s, "250-ENHANCEDSTATUSCODES");
    reply(s, "250-8BITMIME");
    if (cfg->message_size_limit)
        reply(s, "250-SIZE %llu",
              (unsigned long long)cfg->message_size_limit);
    else
        reply(s, "250-SIZE");
    reply(s, "250 DSN");
    return 0;
}

/* cmd_helo - HELO and EHLO belong to SMTP (RFC 2033 4.1) */
static int cmd_helo(struct session *s, char *arg)
{
    (void)arg;
    return bad(s, "500 5.5.1 this is LMTP: use LHLO");
}

/* cmd_mail - MAIL FROM:<sender> and its ESMTP parameters */
static int cmd_mail(struct session *s, char *arg)
{
    const struct config *cfg;
    char addr[ADDR_MAX + 1], *key, *value, *end;
    unsigned long long size;
    int rc;

    if (!s->lhlo)
        return bad(s, "503 5.5.1 send LHLO first");
    if (s->mail)
        return bad(s, "503 5.5.1 nested MAIL command");
    if (strncasecmp(arg, "FROM:", 5) != 0)
        return bad(s, "501 5.5.4 syntax: MAIL FROM:<address>");
    arg += 5;
    if ((rc = path(&arg, addr, sizeof(addr))) == -1)
        return bad(s, "501 5.5.4 syntax: MAIL FROM:<address>");
    if (rc < 0 || controls(addr))
        return bad(s, "501 5.1.7 bad sender address");
    /* Settings reread on SIGHUP take effect with a new transaction. */
    if (server_reload) {
        server_reload = 0;
        server_reread(s->srv);
    }
    cfg = &s->srv->cfg;
    while (param(&arg, &key, &value)) {
        if (strcasecmp(key, "SIZE") == 0 && value) {
            size = strtoull(value, &end, 10);
            if (*value == '\0' || *end != '\0')
                return bad(s, "501 5.5.4 bad SIZE parameter");
            if (cfg->message_size_limit && size > cfg->message_size_limit)
                return bad(s, "552 5.3.4 message size exceeds fixed limit");
        } else if (strcasecmp(key, "BODY") == 0 && value) {
            if (strcasecmp(value, "7BIT") && strcasecmp(value, "8BITMIME"))
                return bad(s, "501 5.5.4 bad BODY parameter");
        } else if (strcasecmp(key, "RET") == 0 && value) {
            if (strcasecmp(value, "FULL") && strcasecmp(value, "HDRS"))
                return bad(s, "501 5.5.4 bad RET parameter");
        } else if (strcasecmp(key, "ENVID") == 0 && value) {
            if (xtext(value) < 0)
                return bad(s, "501 5.5.4 bad ENVID parameter");
        } else {
            return bad(s, "555 5.5.4 unsupported MAIL parameter");
        }
    }
    snprintf(s->sender, sizeof(s->sender), "%s", addr);
    s->mail = 1;
    reply(s, "250 2.1.0 Ok");
    return 0;
}

/* reply_code - the basic reply code for an enhanced status code */
static int reply_code(const char *code)
{
    if (code[0] == '2')
        return 250;
    if (code[0] == '4')
        return strcmp(code, "4.2.2") == 0 || strcmp(code, "4.3.1") == 0
            ? 452 : 451;
    if (strncmp(code, "5.1.", 4) == 0)
        return strcmp(code, "5.1.1") == 0 ? 550 : 553;
    if (strcmp(code, "5.2.2") == 0 || strcmp(code, "5.2.3") == 0
        || strcmp(code, "5.3.4") == 0)
        return 552;
    if (strcmp(code, "5.4.6") == 0)
        return 554;
    return 550;
}

/* cmd_rcpt - RCPT TO:<recipient>, with ORCPT kept for the events */
static int cmd_rcpt(struct session *s, char *arg)
{
    const struct config *cfg = &s->srv->cfg;
    char addr[ADDR_MAX + 1], *key, *value, *orcpt = NULL;
    struct recipient *r;
    struct status st;
    struct rcpt *n;
    int rc;

    if (!s->mail)
        return bad(s, "503 5.5.1 need MAIL command");
    if (strncasecmp(arg, "TO:", 3) != 0)
        return bad(s, "501 5.5.4 syntax: RCPT TO:<address>");
    arg += 3;
    if ((rc = path(&arg, addr, sizeof(addr))) == -1)
        return bad(s, "501 5.5.4 syntax: RCPT TO:<address>");
    if (rc < 0) {
        reply(s, "553 5.1.3 recipient address too long");
        return 0;
    }
    while (param(&arg, &key, &value)) {
        if (strcasecmp(key, "ORCPT") == 0 && value) {
            char *semi = strchr(value, ';');

            if (semi == NULL || semi == value || xtext(semi + 1) < 0
                || controls(semi + 1))
                return bad(s, "501 5.5.4 bad ORCPT parameter");
            orcpt = semi + 1;
        } else if (strcasecmp(key, "NOTIFY") != 0 || value == NULL) {
            return bad(s, "555 5.5.4 unsupported RCPT parameter");
        }
    }
    if (s->nrcpt >= cfg->lmtp.max_recipients) {
        reply(s, "452 4.5.3 too many recipients");
        return 0;
    }
    /* What lda would refuse as unsafe is refused now. */
    if ((r = malloc(sizeof(*r))) == NULL) {
        reply(s, "451 4.3.0 out of memory");
        return 0;
    }
    rc = recipient_parse(addr, cfg->recipient_delimiter, r, &st);
    free(r);
    if (rc < 0) {
        message_sanitize(st.text);
        reply(s, "%d %s %s", reply_code(st.code), st.code, st.text);
        return 0;
    }
    if (s->nrcpt == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;

        if ((n = realloc(s->rcpts, cap * sizeof(*n))) == NULL) {
            reply(s, "451 4.3.0 out of memory");
            return 0;
        }
        s->rcpts = n;
        s->cap = cap;
    }
    n = &s->rcpts[s->nrcpt];
    n->addr = strdup(addr);
    n->orcpt = orcpt ? strdup(orcpt) : NULL;
    if (n->addr == NULL || (orcpt && n->orcpt == NULL)) {
        free(n->addr);
        free(n->orcpt);
        reply(s, "451 4.3.0 out of memory");
        return 0;
    }
    s->nrcpt++;
    reply(s, "250 2.1.5 Ok");
    return 0;
}

/* receive - DATA's bytes into the spool: 0, or the reason it ended */
static int receive(struct session *s)
{
    const struct config *cfg = &s->srv->cfg;
    int done = 0, why;

    spool_start(&s->spool, cfg->lmtp.spool_dir, cfg->message_size_limit
                ? cfg->message_size_limit + 1 : 0);
    for (;;) {
        s->head += spool_data(&s->spool, s->in + s->head,
                              s->tail - s->head, &done);
        if (done)
            return 0;
        s->head = s->tail = 0;
        if ((why = fill(s, cfg->lmtp.data_timeout, 0)) != IN_DATA)
            return why;
    }
}

/*
 * cmd_data - receive the message, then deliver it to each recipient,
 * one reply each, in RCPT order
 */
static int cmd_data(struct session *s, char *arg)
{
    const struct config *cfg = &s->srv->cfg;
    struct envelope env;
    struct delivered out;
    struct status st;
    size_t i;
    int why, ok;

    (void)arg;
    if (!s->mail)
        return bad(s, "503 5.5.1 need MAIL command");
    if (s->nrcpt == 0)
        return bad(s, "503 5.5.1 no valid recipients");
    reply(s, "354 2.0.0 end data with <CR><LF>.<CR><LF>");
    if ((why = receive(s)) != 0) {
        ended(s, why, "during DATA");
        reset(s);
        return -1;
    }
    ok = spool_finish(&s->spool, &st) == 0;
    for (i = 0; i < s->nrcpt; i++) {
        memset(&env, 0, sizeof(env));
        env.sender = s->sender;
        env.recipient = s->rcpts[i].addr;
        env.orig_recipient = s->rcpts[i].orcpt;
        env.folder = s->srv->folder;
        if (!ok) {
            deliver_refused(&env, NULL, &st);
        } else if (run_delivery(cfg, &env, &s->spool, s->srv->isolate,
                                s->fd, &out, &st) == 0) {
            reply(s, "250 2.0.0 <%s> %s", env.recipient, out.reply);
            flush(s);
            continue;
        }
        reply(s, "%d %s %s", reply_code(st.code), st.code, st.text);
        flush(s);
    }
    spool_start(&s->spool, cfg->lmtp.spool_dir, 0);
    reset(s);
    return 0;
}

/* cmd_rset - RSET: forget the transaction */
static int cmd_rset(struct session *s, char *arg)
{
    (void)arg;
    reset(s);
    reply(s, "250 2.0.0 Ok");
    return 0;
}

/* cmd_noop - NOOP */
static int cmd_noop(struct session *s, char *arg)
{
    (void)arg;
    reply(s, "250 2.0.0 Ok");
    return 0;
}

/* cmd_vrfy - VRFY: neither yes nor no (RFC 5321 3.5.3) */
static int cmd_vrfy(struct session *s, char *arg)
{
    (void)arg;
    reply(s, "252 2.5.0 send some mail, I'll try my best");
    return 0;
}

/* cmd_help - HELP: the commands */
static int cmd_help(struct session *s, char *arg)
{
    (void)arg;
    reply(s, "214 2.0.0 LHLO MAIL RCPT DATA RSET NOOP VRFY HELP QUIT");
    return 0;
}

/* cmd_quit - QUIT: say goodbye; the session ends */
static int cmd_quit(struct session *s, char *arg)
{
    (void)arg;
    reply(s, "221 2.0.0 %s closing connection", s->srv->host);
    flush(s);
    return -1;
}

/* The commands, by verb. */
static const struct command {
    const char *verb;
    int (*run)(struct session *s, char *arg);
} commands[] = {
    {"LHLO", cmd_lhlo}, {"MAIL", cmd_mail}, {"RCPT", cmd_rcpt},
    {"DATA", cmd_data}, {"RSET", cmd_rset}, {"NOOP", cmd_noop},
    {"QUIT", cmd_quit}, {"VRFY", cmd_vrfy}, {"HELP", cmd_help},
    {"HELO", cmd_helo}, {"EHLO", cmd_helo}, {NULL, NULL},
};

/* dispatch - run one command line */
static int dispatch(struct session *s, char *line)
{
    const struct command *c;
    size_t len = strcspn(line, " ");
    char *arg = line + len;

    while (*arg == ' ')
        arg++;
    for (c = commands; c->verb; c++)
        if (len == 4 && strncasecmp(line, c->verb, 4) == 0)
            return c->run(s, arg);
    return bad(s, "500 5.5.2 command not recognized");
}

/* session_run - serve the client on fd until it is done */
int session_run(struct server *srv, int fd)
{
    struct session *s;
    struct status st;
    char line[LINE_MAX_ + 1];
    long n;

    if ((s = calloc(1, sizeof(*s))) == NULL
        || spool_init(&s->spool, &st) < 0) {
        free(s);
        close(fd);
        return -1;
    }
    s->srv = srv;
    s->fd = fd;
    /* Never blocked by a client that stops reading: see flush(). */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    listen_peer(fd, s->peer, sizeof(s->peer));
    log_verbose("connect from %s", s->peer);
    reply(s, "220 %s LMTP lda-lmtpd ready", srv->host);
    for (;;) {
        n = next_line(s, line);
        if (n == -1)
            break;
        if (n == -2) {
            if (bad(s, "500 5.5.2 line too long") < 0)
                break;
            continue;
        }
        if (strlen(line) != (size_t)n) {
            if (bad(s, "500 5.5.2 NUL in command") < 0)
                break;
            continue;
        }
        if (dispatch(s, line) < 0)
            break;
        /* After a transaction, a stop request closes the session. */
        if (server_stop && !s->mail && s->head == s->tail) {
            ended(s, IN_STOP, "");
            break;
        }
    }
    flush(s);
    log_verbose("disconnect from %s", s->peer);
    reset(s);
    free(s->rcpts);
    spool_free(&s->spool);
    close(fd);
    free(s);
    return 0;
}
