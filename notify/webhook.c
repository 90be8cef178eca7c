/*
 * webhook.c - the webhook notifier: each attempt one signed HTTP POST
 *
 * The event JSON is POSTed to the endpoint's url with the Standard
 * Webhooks v1 headers (webhook-id, webhook-timestamp, webhook-signature;
 * see sign.c).  2xx is success, 410 means the endpoint is gone, anything
 * else is retried later; redirects are not followed (a receiver that
 * moved must be configured anew, and a signed body must not be replayed
 * to a place nobody configured).  On 429 and 503 the Retry-After header
 * (RFC 9110 section 10.2.3) tells the queue how long to wait.
 *
 * libcurl does the HTTP under the queue's poll(2) loop: its socket and
 * timer callbacks keep a table of the sockets it wants watched and the
 * time it next wants to run, which pollfds() hands to the queue; then
 * progress() hands the results back to curl_multi_socket_action().  One
 * CURLM per endpoint keeps that endpoint's connections; a fixed set of
 * easy handles, one per attempt allowed in flight, is configured once in
 * init() and reused, so that after warm-up an attempt allocates nothing
 * here and goes out on a kept-alive connection.
 *
 * Of the answer's body, the first ATT_REPLY_MAX bytes are kept for the
 * attempt log and the rest up to WH_DRAIN_MAX is read and dropped, so
 * that the connection stays usable; a longer body is not read at all:
 * the transfer is cut (the connection closed) and the attempt judged by
 * the status line, which had come already.  A receiver answering with a
 * gigabyte costs next to nothing.
 *
 * notifier_done() is called from progress(), never from a libcurl
 * callback, once the attempt's handle is free again.  fini() drops
 * attempts still in flight without notifier_done().
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "endpoint.h"
#include "notifier.h"
#include "sign.h"
#include "../util/clock.h"

/* The driver's own endpoint settings (notifier.h). */
struct webhook_settings {
    char url[ENDPOINT_TARGET_MAX];
};

#define URL(ep) (((const struct webhook_settings *)(ep)->settings)->url)

static const struct conf_key webhook_keys[] = {
    {"url", CONF_STR, CONF_FIELD(struct webhook_settings, url), "", NULL},
    {NULL, CONF_STR, 0, 0, NULL, NULL},
};

/* The headers of every attempt, then those of the endpoint. */
enum { HDR_TYPE, HDR_AGENT, HDR_EXPECT, HDR_ID, HDR_TS, HDR_SIG, HDR_OWN };

#ifndef LDA_NOTIFYD_VERSION
#define LDA_NOTIFYD_VERSION "0.1"
#endif

static char hdr_type[] = "Content-Type: application/json";
static char hdr_agent[] = "User-Agent: lda-notifyd/" LDA_NOTIFYD_VERSION;
static char hdr_expect[] = "Expect:";   /* no 100-continue round trip */

#define SIG_PREFIX "webhook-signature: "
#define WH_DRAIN_MAX (64 * 1024)        /* body bytes read at most */

/* One attempt in flight (or a free easy handle waiting for one). */
struct wh_slot {
    CURL *easy;
    struct job *job;                    /* NULL when free */
    struct wh_slot *next_free;
    size_t reply_len;
    size_t body_len;                    /* bytes of the body read */
    int cut;                            /* we ended the body early */
    /* our own list nodes over our own buffers: libcurl only reads it */
    struct curl_slist hdr[HDR_OWN + ENDPOINT_MAX_HEADERS];
    char id[16 + sizeof(((struct job *)0)->id)];
    char ts[48];
    char sig[sizeof(SIG_PREFIX) + SIGN_HEADER_MAX];
    char err[CURL_ERROR_SIZE];
};

/* A socket libcurl wants watched, and for what. */
struct wh_sock {
    curl_socket_t fd;
    short events;
};

struct webhook {
    CURLM *multi;
    struct wh_slot *slot;
    int nslot;
    struct wh_slot *free;
    struct wh_sock *sock;
    int nsock, capsock;
    unsigned rot;                       /* see webhook_pollfds() */
    int timer_on;                       /* libcurl wants to run at due */
    int timer_seen;                     /* its timer callback ran */
    long long due;                      /* CLOCK_MONOTONIC ms */
};

static int wh_users;                    /* endpoints holding curl_global */

/* sock_find - the table index of fd; -1 if libcurl does not watch it */
static int sock_find(const struct webhook *w, curl_socket_t fd)
{
    int i;

    for (i = 0; i < w->nsock; i++)
        if (w->sock[i].fd == fd)
            return i;
    return -1;
}

/* on_socket - CURLMOPT_SOCKETFUNCTION: keep the table of watched sockets */
static int on_socket(CURL *easy, curl_socket_t fd, int what, void *arg,
                     void *sockp)
{
    struct webhook *w = arg;
    int i = sock_find(w, fd);

    (void)easy;
    (void)sockp;
    if (what == CURL_POLL_REMOVE) {
        if (i >= 0)
            w->sock[i] = w->sock[--w->nsock];
        return 0;
    }
    if (i < 0) {
        if (w->nsock == w->capsock) {
            struct wh_sock *more = realloc(w->sock, 2 * (size_t)w->capsock
                                           * sizeof(*more));

            if (more == NULL)
                return -1;
            w->sock = more;
            w->capsock *= 2;
        }
        i = w->nsock++;
        w->sock[i].fd = fd;
    }
    w->sock[i].events = (short)((what & CURL_POLL_IN ? POLLIN : 0)
                                | (what & CURL_POLL_OUT ? POLLOUT : 0));
    return 0;
}

/*
 * on_timer - CURLMOPT_TIMERFUNCTION: remember when libcurl wants to run.
 * One millisecond more than asked: fired early, libcurl would find
 * nothing due and might not ask again (it calls back only on a change).
 */
static int on_timer(CURLM *multi, long ms, void *arg)
{
    struct webhook *w = arg;

    (void)multi;
    w->timer_seen = 1;
    w->timer_on = ms >= 0;
    if (ms >= 0)
        w->due = clock_ms() + ms + (ms > 0);
    return 0;
}

/*
 * on_write - CURLOPT_WRITEFUNCTION: keep the reply's start, drop the
 * rest; past WH_DRAIN_MAX, a short count makes libcurl end the transfer
 */
static size_t on_write(char *data, size_t size, size_t n, void *arg)
{
    struct wh_slot *s = arg;
    size_t len = size * n, room = ATT_REPLY_MAX - s->reply_len;

    if (len < room)
        room = len;
    memcpy(s->job->res.reply + s->reply_len, data, room);
    s->reply_len += room;
    s->body_len += len;
    if (s->body_len > WH_DRAIN_MAX) {
        s->cut = 1;
        return 0;
    }
    return len;
}

/* retry_after - the Retry-After of the reply in seconds; -1 if none */
static long retry_after(CURL *easy)
{
    struct curl_header *h;
    const char *v;
    char *end;
    long n;
    time_t t, now;

    if (curl_easy_header(easy, "Retry-After", 0, CURLH_HEADER, -1, &h)
        != CURLHE_OK)
        return -1;
    for (v = h->value; *v == ' ' || *v == '\t'; v++)
        ;
    if (*v >= '0' && *v <= '9') {           /* delay-seconds */
        errno = 0;
        n = strtol(v, &end, 10);
        while (*end == ' ' || *end == '\t')
            end++;
        if (*end != '\0')
            return -1;
        return errno == ERANGE ? LONG_MAX : n;
    }
    if ((t = curl_getdate(v, NULL)) == -1)  /* HTTP-date */
        return -1;
    now = time(NULL);
    return t > now ? (long)(t - now) : 0;
}

/* finish - fill the result of s's attempt from how the transfer ended */
static void finish(struct wh_slot *s, CURLcode rc)
{
    struct attempt *r = &s->job->res;
    long code = 0;
    char *loc = NULL;

    curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code);
    if (s->cut && rc == CURLE_WRITE_ERROR)
        rc = CURLE_OK;          /* the body we chose not to read */
    r->status = code;
    r->reply[s->reply_len] = '\0';
    r->retry_after = -1;
    r->error[0] = '\0';
    /* an answer with a status is taken even if its body then failed */
    if (code >= 200 && code <= 299) {
        r->outcome = ATT_OK;
        return;
    }
    r->outcome = code == 410 ? ATT_GONE : ATT_RETRY;
    if (code == 429 || code == 503)
        r->retry_after = retry_after(s->easy);
    if (code == 0 || rc != CURLE_OK)
        snprintf(r->error, sizeof(r->error), "%s",
                 s->err[0] ? s->err : curl_easy_strerror(rc));
    else if (code >= 300 && code <= 399
             && curl_easy_getinfo(s->easy, CURLINFO_REDIRECT_URL, &loc)
             == CURLE_OK && loc != NULL)
        snprintf(r->error, sizeof(r->error),
                 "HTTP %ld: redirect to '%.180s' not followed", code, loc);
    else
        snprintf(r->error, sizeof(r->error), "HTTP %ld", code);
}

/* reap - hand every finished attempt to the queue; how many there were */
static int reap(struct webhook *w)
{
    CURLMsg *m;
    int left, n = 0;

    while ((m = curl_multi_info_read(w->multi, &left)) != NULL) {
        /* m dies with curl_multi_remove_handle(): copy it first */
        CURL *easy = m->easy_handle;
        CURLcode rc = m->data.result;
        char *p;
        struct wh_slot *s;
        struct job *j;

        if (m->msg != CURLMSG_DONE
            || curl_easy_getinfo(easy, CURLINFO_PRIVATE, &p) != CURLE_OK)
            continue;
        s = (struct wh_slot *)(void *)p;
        finish(s, rc);
        curl_multi_remove_handle(w->multi, easy);
        j = s->job;
        s->job = NULL;
        s->next_free = w->free;
        w->free = s;
        notifier_done(j);
        n++;
    }
    return n;
}

/* give_up - end an attempt in start() before libcurl has it */
static void give_up(struct job *j, enum attempt_outcome o, const char *fmt,
                    ...) __attribute__((format(printf, 3, 4)));

static void give_up(struct job *j, enum attempt_outcome o, const char *fmt,
                    ...)
{
    va_list ap;

    j->res.outcome = o;
    va_start(ap, fmt);
    vsnprintf(j->res.error, sizeof(j->res.error), fmt, ap);
    va_end(ap);
    notifier_done(j);
}

/* id_ok - may j's id go into a header as it is (printable ASCII) */
static int id_ok(const struct job *j)
{
    size_t i;

    for (i = 0; i < sizeof(j->id) && j->id[i] != '\0'; i++)
        if (j->id[i] <= ' ' || j->id[i] > '~')
            return 0;
    return i > 0 && i < sizeof(j->id);
}

/* webhook_start - sign the event and hand the POST to libcurl */
static void webhook_start(struct endpoint *ep, struct job *j)
{
    struct webhook *w = ep->priv;
    struct wh_slot *s;
    long ts = (long)time(NULL);
    CURLMcode mc;

    memset(&j->res, 0, sizeof(j->res));
    j->res.retry_after = -1;
    if (w == NULL) {
        give_up(j, ATT_RETRY, "endpoint '%s': not set up", ep->name);
        return;
    }
    if ((s = w->free) == NULL) {
        give_up(j, ATT_RETRY, "endpoint '%s': more attempts than "
                "'concurrency' at once", ep->name);
        return;
    }
    if (!id_ok(j)) {
        give_up(j, ATT_FAIL, "event id unfit for a header");
        return;
    }
    if (sign_header(ep, j->id, ts, j->body, j->len,
                    s->sig + sizeof(SIG_PREFIX) - 1,
                    sizeof(s->sig) - (sizeof(SIG_PREFIX) - 1)) < 0) {
        give_up(j, ATT_RETRY, "endpoint '%s': signing failed", ep->name);
        return;
    }
    snprintf(s->id, sizeof(s->id), "webhook-id: %s", j->id);
    snprintf(s->ts, sizeof(s->ts), "webhook-timestamp: %ld", ts);
    /* not copied: the queue keeps the body until notifier_done() */
    curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, j->body ? j->body : "");
    curl_easy_setopt(s->easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     (curl_off_t)j->len);
    s->reply_len = s->body_len = 0;
    s->cut = 0;
    s->err[0] = '\0';
    s->job = j;
    j->priv = s;
    /* the transfer begins at the next progress(): libcurl sets a 0 timer */
    if ((mc = curl_multi_add_handle(w->multi, s->easy)) != CURLM_OK) {
        s->job = NULL;
        give_up(j, ATT_RETRY, "curl_multi_add_handle: %s",
                curl_multi_strerror(mc));
        return;
    }
    w->free = s->next_free;
}

/*
 * webhook_pollfds - libcurl's sockets and deadline.  Should cap be short
 * of the sockets (the queue is told to leave 3 per attempt: one
 * connection, a second while connecting to both address families, the
 * resolver's), each call starts further on and waits at most 10 ms, so
 * every socket is still looked at.
 */
static int webhook_pollfds(struct endpoint *ep, struct pollfd *pfd, int cap,
                           long *timeout_ms)
{
    struct webhook *w = ep->priv;
    int i, n;
    unsigned first;
    long long left;

    if (w == NULL)
        return 0;
    n = w->nsock < cap ? w->nsock : cap;
    first = n < w->nsock ? w->rot++ : 0;

    for (i = 0; i < n; i++) {
        const struct wh_sock *k = &w->sock[(first + (unsigned)i)
                                           % (unsigned)w->nsock];

        pfd[i].fd = k->fd;
        pfd[i].events = k->events;
        pfd[i].revents = 0;
    }
    if (w->timer_on) {
        left = w->due - clock_ms();
        if (left < 0)
            left = 0;
        if (*timeout_ms < 0 || left < *timeout_ms)
            *timeout_ms = (long)left;
    }
    if (n < w->nsock && (*timeout_ms < 0 || *timeout_ms > 10))
        *timeout_ms = 10;
    return n;
}

#define PROGRESS_ROUNDS 64

/* run_timer - let libcurl do what is due: start, time out, retry */
static void run_timer(struct webhook *w)
{
    int running;
    long ms;

    w->timer_on = 0;
    w->timer_seen = 0;
    curl_multi_socket_action(w->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    /* not told again (the deadline did not change): ask */
    if (!w->timer_seen && curl_multi_timeout(w->multi, &ms) == CURLM_OK)
        on_timer(w->multi, ms, w);
}

/*
 * webhook_progress - feed poll(2)'s findings to libcurl and finish what
 * ended.  The table of sockets is never walked here: the pfd array is
 * the queue's copy, and a socket closed meanwhile is skipped.  Attempts
 * started from notifier_done() are sent out by the timer rounds below;
 * against a fast receiver that could go on for ever, so after
 * PROGRESS_ROUNDS the rest waits for the next call (the queue's other
 * endpoints get their turn), with the timer due at once so that
 * pollfds() does not let the queue sleep on it.
 */
static void webhook_progress(struct endpoint *ep, struct pollfd *pfd, int n)
{
    struct webhook *w = ep->priv;
    int i, ev, running, round, reaped;

    if (w == NULL)
        return;
    for (i = 0; i < n; i++) {
        if (pfd[i].revents == 0 || sock_find(w, pfd[i].fd) < 0)
            continue;
        ev = (pfd[i].revents & (POLLIN | POLLHUP) ? CURL_CSELECT_IN : 0)
            | (pfd[i].revents & POLLOUT ? CURL_CSELECT_OUT : 0)
            | (pfd[i].revents & POLLERR ? CURL_CSELECT_ERR : 0);
        if (ev != 0)
            curl_multi_socket_action(w->multi, pfd[i].fd, ev, &running);
    }
    for (round = 0; round < PROGRESS_ROUNDS; round++) {
        reaped = reap(w);
        if (w->timer_on && w->due <= clock_ms())
            run_timer(w);
        else if (reaped == 0)
            return;
    }
    w->timer_on = 1;
    w->due = clock_ms();
}

/* header_bad - what is wrong with an endpoint's header; NULL if nothing */
static const char *header_bad(const char *h)
{
    static const char *const ours[] = {"content-type", "content-length",
        "webhook-id", "webhook-timestamp", "webhook-signature"};
    size_t i, n = strcspn(h, ":");

    if (n == 0 || h[n] != ':' || strcspn(h, "\r\n") != strlen(h))
        return "not 'Name: value'";
    for (i = 0; i < n; i++)     /* RFC 9110 section 5.6.2: a token */
        if (h[i] <= ' ' || h[i] > '~' || strchr("\"(),/;<=>?@[\\]{}", h[i]))
            return "not 'Name: value'";
    for (i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
        if (strlen(ours[i]) == n && strncasecmp(h, ours[i], n) == 0)
            return "set by the notifier itself";
    return NULL;
}

/* webhook_check - an http(s) url, a secret, headers we can send */
static int webhook_check(const struct endpoint *ep, struct status *st)
{
    CURLU *u;
    CURLUcode uc;
    char *scheme = NULL;
    const char *why;
    int i, ok;

    if (URL(ep)[0] == '\0')
        return status_set(st, "4.3.5", "endpoint '%s': webhook needs 'url'",
                          ep->name);
    if ((u = curl_url()) == NULL)
        return status_set(st, "4.3.0", "endpoint '%s': out of memory",
                          ep->name);
    uc = curl_url_set(u, CURLUPART_URL, URL(ep), 0);
    if (uc == CURLUE_OK)
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
    ok = scheme != NULL && (strcmp(scheme, "http") == 0
                            || strcmp(scheme, "https") == 0);
    curl_free(scheme);
    curl_url_cleanup(u);
    if (uc != CURLUE_OK && uc != CURLUE_BAD_SCHEME
        && uc != CURLUE_UNSUPPORTED_SCHEME)
        return status_set(st, "4.3.5", "endpoint '%s': url '%s': %c%s",
                          ep->name, URL(ep),
                          tolower((unsigned char)*curl_url_strerror(uc)),
                          curl_url_strerror(uc) + 1);
    if (!ok)
        return status_set(st, "4.3.5", "endpoint '%s': url '%s': not "
                          "http:// or https://", ep->name, URL(ep));
    if (ep->nsecrets < 1)
        return status_set(st, "4.3.5", "endpoint '%s': webhook needs a "
                          "secret (whsec_...) in the secrets file", ep->name);
    for (i = 0; i < ep->nheaders; i++)
        if ((why = header_bad(ep->headers[i])) != NULL)
            /* the name only: the value may be a secret */
            return status_set(st, "4.3.5", "endpoint '%s': header '%.*s': "
                              "%s", ep->name,
                              (int)strcspn(ep->headers[i], ": \t\r\n"),
                              ep->headers[i], why);
    if (ep->concurrency < 1 || ep->timeout_ms < 1)
        return status_set(st, "4.3.5", "endpoint '%s': concurrency and "
                          "timeout must be positive", ep->name);
    return 0;
}

/* slot_init - an easy handle set up once for all attempts of ep */
static int slot_init(struct endpoint *ep, struct wh_slot *s)
{
    int i, n = HDR_OWN + ep->nheaders;

    s->hdr[HDR_TYPE].data = hdr_type;
    s->hdr[HDR_AGENT].data = hdr_agent;
    s->hdr[HDR_EXPECT].data = hdr_expect;
    s->hdr[HDR_ID].data = s->id;
    s->hdr[HDR_TS].data = s->ts;
    s->hdr[HDR_SIG].data = s->sig;
    memcpy(s->sig, SIG_PREFIX, sizeof(SIG_PREFIX) - 1);    /* stays */
    for (i = 0; i < ep->nheaders; i++)
        s->hdr[HDR_OWN + i].data = ep->headers[i];
    for (i = 0; i < n; i++)
        s->hdr[i].next = i + 1 < n ? &s->hdr[i + 1] : NULL;
    if ((s->easy = curl_easy_init()) == NULL)
        return -1;
    if (curl_easy_setopt(s->easy, CURLOPT_URL, URL(ep)) != CURLE_OK
        || curl_easy_setopt(s->easy, CURLOPT_PROTOCOLS_STR, "http,https")
        || curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->hdr)
        || curl_easy_setopt(s->easy, CURLOPT_POST, 1L)
        || curl_easy_setopt(s->easy, CURLOPT_FOLLOWLOCATION, 0L)
        || curl_easy_setopt(s->easy, CURLOPT_TIMEOUT_MS, ep->timeout_ms)
        || curl_easy_setopt(s->easy, CURLOPT_NOSIGNAL, 1L)
        || curl_easy_setopt(s->easy, CURLOPT_TCP_KEEPALIVE, 1L)
        || curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, on_write)
        || curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s)
        || curl_easy_setopt(s->easy, CURLOPT_ERRORBUFFER, s->err)
        || curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s))
        return -1;
    return 0;
}

/* wh_free - close w's connections and free it, in flight or not */
static void wh_free(struct webhook *w)
{
    int i;

    if (w == NULL)
        return;
    for (i = 0; w->slot != NULL && i < w->nslot; i++) {
        if (w->slot[i].easy == NULL)
            continue;
        if (w->slot[i].job != NULL)
            curl_multi_remove_handle(w->multi, w->slot[i].easy);
        curl_easy_cleanup(w->slot[i].easy);
    }
    if (w->multi != NULL)
        curl_multi_cleanup(w->multi);
    free(w->slot);
    free(w->sock);
    free(w);
}

/*
 * webhook_fini - drop ep's attempts in flight, without notifier_done();
 * nothing to do for an endpoint whose init() failed or never ran
 */
static void webhook_fini(struct endpoint *ep)
{
    if (ep->priv == NULL)
        return;
    wh_free(ep->priv);
    ep->priv = NULL;
    if (--wh_users == 0)
        curl_global_cleanup();
}

/* webhook_init - the endpoint's CURLM, easy handles and socket table */
static int webhook_init(struct endpoint *ep, struct status *st)
{
    struct webhook *w;
    int i;

    if (wh_users == 0 && curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return status_set(st, "4.3.0", "endpoint '%s': curl_global_init "
                          "failed", ep->name);
    wh_users++;
    if ((ep->priv = w = calloc(1, sizeof(*w))) == NULL)
        goto fail;
    w->nslot = ep->concurrency;
    w->capsock = 3 * ep->concurrency + 4;
    if ((w->slot = calloc((size_t)w->nslot, sizeof(*w->slot))) == NULL
        || (w->sock = calloc((size_t)w->capsock, sizeof(*w->sock))) == NULL
        || (w->multi = curl_multi_init()) == NULL)
        goto fail;
    if (curl_multi_setopt(w->multi, CURLMOPT_SOCKETFUNCTION, on_socket)
        || curl_multi_setopt(w->multi, CURLMOPT_SOCKETDATA, w)
        || curl_multi_setopt(w->multi, CURLMOPT_TIMERFUNCTION, on_timer)
        || curl_multi_setopt(w->multi, CURLMOPT_TIMERDATA, w)
        || curl_multi_setopt(w->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                             (long)ep->concurrency)
        /* keep as many idle connections as attempts may need */
        || curl_multi_setopt(w->multi, CURLMOPT_MAXCONNECTS,
                             (long)ep->concurrency))
        goto fail;
    for (i = w->nslot - 1; i >= 0; i--) {
        if (slot_init(ep, &w->slot[i]) < 0)
            goto fail;
        w->slot[i].next_free = w->free;
        w->free = &w->slot[i];
    }
    return 0;
fail:
    wh_free(w);
    ep->priv = NULL;
    if (--wh_users == 0)
        curl_global_cleanup();
    return status_set(st, "4.3.0", "endpoint '%s': cannot set up libcurl",
                      ep->name);
}

const struct notifier_ops notifier_webhook_ops = {
    .name = "webhook",
    .keys = webhook_keys,
    .settings_size = sizeof(struct webhook_settings),
    .target_key = "url",
    .concurrency = 8,
    .signs = 1,
    .check = webhook_check,
    .init = webhook_init,
    .start = webhook_start,
    .pollfds = webhook_pollfds,
    .progress = webhook_progress,
    .fini = webhook_fini,
};
