/*
 * queue.c - lda-notifyd's loop: outbox in, attempts out, retries kept
 *
 * Events come in by name (notify/watch.c: inotify, lda's wake-ups,
 * scans of new/).  Each event held in memory has one slot per endpoint,
 * and endpoints are independent: each has its own window of at most
 * QUEUE_WINDOW events it is working on (slots due or in flight), so a
 * backlog of any length costs the same memory, and an endpoint that is
 * slow or down fills its own window only.
 *
 * An event is read while some endpoint has room.  A slot the event's
 * type, domain, user or folder does not match stays idle; a due slot
 * whose endpoint has room is started as the endpoint's concurrency
 * allows; a due slot whose endpoint is full is deferred: the event
 * stays in new/, and once that endpoint has room again it walks new/
 * itself (a pass of its own, watch_walk()) to catch up, at its own pace.
 * A failed attempt parks its slot until its retry time: the slot leaves
 * its endpoint's window, and the retry is made from memory while other
 * endpoints still hold the event, else from disk after a scan.
 *
 * An event is held while any slot is due or in flight; then it is
 * settled: gone from new/ when every endpoint took it (or gave it up to
 * dead/), else what has changed (an endpoint done, an attempt failed)
 * is written to state/ and the event waits in new/.  Success at the
 * first go everywhere writes nothing but the unlink.  Sending is at
 * least once: a crash between an endpoint's 2xx and the record sends
 * the event again, with the same webhook-id, which is what receivers
 * deduplicate on.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "../util/log.h"
#include "../event/outbox.h"
#include "queue.h"
#include "state.h"
#include "watch.h"
#include "../util/clock.h"

#define QUEUE_WINDOW 512        /* events an endpoint works on at once */
#define QUEUE_BATCH 256         /* names read in a row, then poll(2) */
#define QUEUE_MAX_EVENT (1024 * 1024)   /* bigger is not lda's */
#define QUEUE_MAX_FDS 1024
#define QUEUE_IDLE_MS 60000     /* look at new/ at least this often */
#define QUEUE_ID_MAX WATCH_ID_MAX

volatile sig_atomic_t queue_stop;
volatile sig_atomic_t queue_reload;

/*
 * A slot is idle (not wanted, done, or parked until next), due (waiting
 * for a place among the endpoint's concurrency), running, or deferred
 * (due, but the endpoint's window was full).  Due and running slots
 * count in their endpoint's window.
 */
enum { S_IDLE, S_NEED, S_RUNNING, S_DEFER };

struct slot {
    struct job job;
    int state;
    int wanted;                 /* the endpoint's filters match */
    int done;                   /* sent, or given up to dead/ */
    int attempts;
    long long next;             /* Unix ms of the next attempt */
};

struct item {
    struct item *next;
    char id[QUEUE_ID_MAX];
    char *body;
    size_t len;
    json_t *rec;                /* state/<id>.json, once there is cause */
    int dirty;                  /* rec changed */
    int running;
    int via;                    /* read by a scan (-1) or an endpoint */
    struct slot slot[];
};

/* The queue's side of an endpoint. */
struct lane {
    int held;                   /* its slots due or running */
    int behind;                 /* events deferred since its last pass */
    DIR *walk;                  /* its pass over new/, to catch up */
};

static struct {
    struct notifyd_config *cfg;
    struct item *head, **tail;
    int held;
    struct lane *lane;          /* one per endpoint */
    struct watch w;
    long long next_scan;        /* Unix ms: a retry on disk falls due */
    long long next_retry;       /* Unix ms: one in memory falls due */
    int once;
    int sig;                    /* signalfd: TERM, INT, HUP */
    long sent, failed, dead, waiting;
} q;

/* stopping - told to stop, or to stop for a reload */
static int stopping(void)
{
    return queue_stop || queue_reload;
}

/* in_window - whether a slot state counts in its endpoint's window */
static int in_window(int state)
{
    return state == S_NEED || state == S_RUNNING;
}

/* mark - move slot i of it to state, keeping its endpoint's count */
static void mark(struct item *it, int i, int state)
{
    q.lane[i].held += in_window(state) - in_window(it->slot[i].state);
    it->slot[i].state = state;
}

/* room - whether endpoint i may take one more event */
static int room(int i)
{
    return q.lane[i].held < QUEUE_WINDOW;
}

/* any_room - whether some endpoint may take one more event */
static int any_room(void)
{
    int i;

    for (i = 0; i < q.cfg->nep; i++)
        if (room(i))
            return 1;
    return 0;
}

/* held - whether the event is in memory already */
static int held(const char *id)
{
    struct item *it;

    for (it = q.head; it; it = it->next)
        if (strcmp(it->id, id) == 0)
            return 1;
    return 0;
}

/* read_event - the whole event file; NULL when it is gone */
static char *read_event(const char *id, size_t *len)
{
    char path[4096], name[QUEUE_ID_MAX + 8], *buf;
    struct stat sb;
    ssize_t n;
    size_t got = 0;
    int fd;

    snprintf(name, sizeof(name), "%s%s", id, OUTBOX_SUFFIX);
    if (state_path(path, sizeof(path), q.cfg->outbox, "new", name,
                   NULL) < 0 || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return NULL;
    if (fstat(fd, &sb) < 0 || sb.st_size > QUEUE_MAX_EVENT
        || (buf = malloc((size_t)sb.st_size + 1)) == NULL) {
        close(fd);
        return NULL;
    }
    while (got < (size_t)sb.st_size
           && (n = read(fd, buf + got, (size_t)sb.st_size - got)) > 0)
        got += (size_t)n;
    close(fd);
    buf[got] = '\0';
    *len = got;
    return buf;
}

/* field - a string member of the event, "" when absent */
static const char *field(json_t *ev, const char *key)
{
    const char *s = json_string_value(json_object_get(ev, key));

    return s ? s : "";
}

/* record - the event's record, made when the first cause comes */
static json_t *record(struct item *it)
{
    if (it->rec == NULL)
        it->rec = json_pack("{s:{}}", "endpoints");
    return it->rec;
}

/*
 * still_disabled - whether ep is off; "lda-notifyd enable" may have
 * turned it on since the 410, by removing the file
 */
static int still_disabled(struct endpoint *ep)
{
    if (ep->disabled)
        ep->disabled = state_disabled(q.cfg->outbox, ep->name);
    return ep->disabled;
}

/* bury - give up on one endpoint for this event: dead/<endpoint>/ */
static void bury(struct item *it, int i, const char *why)
{
    struct endpoint *ep = &q.cfg->ep[i];
    struct status st;
    json_t *e = state_endpoint(record(it), ep->name);

    if (state_bury(q.cfg->outbox, ep->name, it->id, it->body, it->len, e,
                   why, &st) < 0) {
        /* Keep trying rather than lose it: the next retry buries again. */
        log_error("event %s to %s: dead letter not written: %s", it->id,
                  ep->name, st.text);
        it->slot[i].next = clock_unix_ms() + 60000;
        return;
    }
    it->slot[i].done = 1;
    q.dead++;
    log_error("event %s to %s: dead letter after %d attempts: %s", it->id,
              ep->name, it->slot[i].attempts, why);
}

/* recorded_done - whether the record says slot i is done already */
static int recorded_done(struct item *it, int i)
{
    json_t *e = json_object_get(json_object_get(it->rec, "endpoints"),
                                q.cfg->ep[i].name);

    return json_is_true(json_object_get(e, "done"));
}

/*
 * settle - an event no slot is due or running for: done, or left in
 * new/ with what changed written to state/.  A deferred slot is due
 * as the record says (or as the lack of one says): nothing to write for
 * it, but its endpoint is told to catch up.
 */
static void settle(struct item *it)
{
    long long wake = LLONG_MAX;
    char path[4096], name[QUEUE_ID_MAX + 8];
    struct status st;
    json_t *e;
    int i, pending = 0;

    for (i = 0; i < q.cfg->nep; i++) {
        struct slot *s = &it->slot[i];

        if (!s->wanted)
            continue;
        if (s->done) {
            /* another endpoint still wants it: remember this one's */
            if (!recorded_done(it, i))
                it->dirty = 1;
            continue;
        }
        pending = 1;
        if (s->state == S_DEFER)
            q.lane[i].behind = 1;
        else if (s->next < wake)
            wake = s->next;
    }
    if (!pending) {
        snprintf(name, sizeof(name), "%s%s", it->id, OUTBOX_SUFFIX);
        if (state_path(path, sizeof(path), q.cfg->outbox, "new", name,
                       NULL) == 0 && unlink(path) < 0 && errno != ENOENT)
            log_warn("remove '%s': %m", path);
        if (it->rec)
            state_remove(q.cfg->outbox, it->id);
    } else {
        for (i = 0; it->dirty && i < q.cfg->nep; i++) {
            struct slot *s = &it->slot[i];

            if (!s->wanted)
                continue;
            e = state_endpoint(record(it), q.cfg->ep[i].name);
            if (s->done) {
                json_object_set_new(e, "done", json_true());
                continue;
            }
            json_object_set_new(e, "attempts", json_integer(s->attempts));
            json_object_set_new(e, "next", json_integer(s->next));
        }
        if (it->dirty && state_save(q.cfg->outbox, it->id, it->rec, &st) < 0)
            log_warn("event %s: %s", it->id, st.text);
        if (wake < q.next_scan)
            q.next_scan = wake;
        /* a catch-up pass sees an event the last scan counted already */
        if (wake != LLONG_MAX && (it->via < 0 || it->dirty))
            q.waiting++;
    }
    for (i = 0; i < q.cfg->nep; i++)
        mark(it, i, S_IDLE);
    json_decref(it->rec);
    free(it->body);
    free(it);
}

/*
 * quarantine - an event file that is not JSON (not lda's: lda writes
 * whole events only) goes to dead/ as it is, for a person to look at
 */
static void quarantine(const char *id)
{
    char from[4096], to[4096], name[QUEUE_ID_MAX + 16];

    snprintf(name, sizeof(name), "%s%s", id, OUTBOX_SUFFIX);
    if (state_path(from, sizeof(from), q.cfg->outbox, "new", name, NULL) < 0
        || state_path(to, sizeof(to), q.cfg->outbox, "dead", NULL, NULL) < 0)
        goto too_long;
    (void)mkdir(to, 0700);
    snprintf(name, sizeof(name), "invalid-%s%s", id, OUTBOX_SUFFIX);
    if (state_path(to, sizeof(to), q.cfg->outbox, "dead", name, NULL) < 0)
        goto too_long;
    if (rename(from, to) < 0)
        log_error("event %s: not JSON, and not moved aside: rename '%s': %m",
                  id, from);
    else
        log_error("event %s: not JSON: moved to '%s'", id, to);
    return;
too_long:
    log_error("event %s: not JSON, and not moved aside: outbox '%s': name "
              "too long", id, q.cfg->outbox);
}

static long long delay(int n);

/*
 * admit - take an event into memory, or settle it at once; via is the
 * endpoint whose catch-up pass found it, -1 for the watch
 */
static void admit(const char *id, int via)
{
    struct item *it;
    json_t *ev, *e, *data;
    const char *rcpt, *at;
    long long now = clock_unix_ms();
    int i, need = 0;
    size_t len;
    char *body;

    if (held(id) || (body = read_event(id, &len)) == NULL)
        return;
    it = calloc(1, sizeof(*it) + (size_t)q.cfg->nep * sizeof(struct slot));
    if (it == NULL) {
        free(body);
        q.w.rescan = 1;
        return;
    }
    snprintf(it->id, sizeof(it->id), "%s", id);
    it->via = via;
    it->body = body;
    it->len = len;
    if ((ev = json_loadb(body, len, 0, NULL)) == NULL) {
        quarantine(id);
        free(body);
        free(it);
        return;
    }
    it->rec = state_load(q.cfg->outbox, id);
    data = json_object_get(ev, "data");
    rcpt = field(data, "recipient");
    at = strrchr(rcpt, '@');
    for (i = 0; i < q.cfg->nep; i++) {
        struct endpoint *ep = &q.cfg->ep[i];
        struct slot *s = &it->slot[i];

        s->wanted = endpoint_wants(ep, field(ev, "type"), at ? at + 1 : "",
                                   field(data, "user"),
                                   field(data, "folder"));
        if (!s->wanted)
            continue;
        e = it->rec ? json_object_get(json_object_get(it->rec, "endpoints"),
                                      ep->name) : NULL;
        s->done = json_is_true(json_object_get(e, "done"));
        s->attempts = (int)json_integer_value(json_object_get(e,
                                                              "attempts"));
        s->next = json_integer_value(json_object_get(e, "next"));
        if (s->done)
            continue;
        if (e == NULL && q.cfg->retry[0] > 0) {
            /* Attempt 1 waits its delay too: remember when it is due. */
            s->next = now + delay(0);
            it->dirty = 1;
        }
        if (still_disabled(ep)) {
            it->dirty = 1;
            bury(it, i, "endpoint disabled (HTTP 410 Gone)");
        } else if (s->next <= now && room(i)) {
            mark(it, i, S_NEED);
            need++;
        } else if (s->next <= now)
            s->state = S_DEFER;
    }
    json_decref(ev);
    if (need == 0) {
        settle(it);
        return;
    }
    *q.tail = it;
    q.tail = &it->next;
    q.held++;
}

/* delay - ms before attempt n+1 after n failed: the schedule, jittered */
static long long delay(int n)
{
    long long d = (long long)q.cfg->retry[n] * 1000;
    long long j = d * q.cfg->jitter / 100;

    return j > 0 ? d - j + random() % (2 * j + 1) : d;
}

/* notifier_done - an attempt ended: record it, decide what comes next */
void notifier_done(struct job *j)
{
    struct item *it = j->owner;
    int i = (int)(j->ep - q.cfg->ep);
    struct slot *s = &it->slot[i];
    struct attempt *r = &j->res;
    struct status st;
    long long ra, wait;

    mark(it, i, S_IDLE);
    it->running--;
    j->ep->inflight--;
    s->attempts++;
    if (r->outcome != ATT_OK || it->rec) {
        it->dirty = 1;
        state_log(state_endpoint(record(it), j->ep->name), s->attempts,
                  r->status, r->error, r->reply);
    }
    switch (r->outcome) {
    case ATT_OK:
        s->done = 1;
        q.sent++;
        log_info("event %s to %s: sent, attempt %d (%ld)", it->id,
                 j->ep->name, s->attempts, r->status);
        return;
    case ATT_RETRY:
        q.failed++;
        if (s->attempts >= q.cfg->nretry) {
            bury(it, i, r->error);
            return;
        }
        /* Retry-After can ask for more time, never for less. */
        ra = r->retry_after > 86400 ? 86400000LL : r->retry_after * 1000LL;
        wait = delay(s->attempts);
        s->next = clock_unix_ms() + (ra > wait ? ra : wait);
        log_warn("event %s to %s: attempt %d failed: %s; next in %llds",
                 it->id, j->ep->name, s->attempts, r->error,
                 (s->next - clock_unix_ms() + 999) / 1000);
        return;
    case ATT_FAIL:
        q.failed++;
        bury(it, i, r->error);
        return;
    case ATT_GONE:
        q.failed++;
        if (!j->ep->disabled) {
            j->ep->disabled = 1;
            log_error("endpoint %s disabled: %s; its events go to dead/ "
                      "until 'lda-notifyd enable %s'", j->ep->name,
                      r->error, j->ep->name);
            if (state_disable(q.cfg->outbox, j->ep->name, r->error, &st) < 0)
                log_error("endpoint %s: %s", j->ep->name, st.text);
        }
        bury(it, i, r->error);
        return;
    }
}

/*
 * take - whether slot i of it is to be started now: a parked slot whose
 * time came, or a deferred one, joins its endpoint's window if there is
 * room (else it is deferred); a due slot of a disabled endpoint is
 * buried instead
 */
static int take(struct item *it, int i, long long now)
{
    struct slot *s = &it->slot[i];

    if (!s->wanted || s->done || s->state == S_RUNNING)
        return 0;
    if (s->state == S_IDLE && q.once)
        return 0;               /* retries are for later runs */
    if (s->state == S_IDLE && s->next > now) {
        if (s->next < q.next_retry)
            q.next_retry = s->next;
        return 0;
    }
    if (still_disabled(&q.cfg->ep[i])) {
        mark(it, i, S_IDLE);
        it->dirty = 1;
        bury(it, i, "endpoint disabled (HTTP 410 Gone)");
        return 0;
    }
    if (s->state != S_NEED)
        mark(it, i, room(i) ? S_NEED : S_DEFER);
    return s->state == S_NEED;
}

/* dispatch - start what endpoints have room for; settle finished events */
static void dispatch(void)
{
    struct item *it, **pp;
    long long now = clock_unix_ms();
    int i;

    q.next_retry = LLONG_MAX;
    for (pp = &q.head; (it = *pp) != NULL;) {
        for (i = 0; i < q.cfg->nep; i++) {
            struct endpoint *ep = &q.cfg->ep[i];
            struct slot *s = &it->slot[i];

            if (!take(it, i, now) || ep->inflight >= ep->concurrency
                || stopping())
                continue;
            mark(it, i, S_RUNNING);
            memset(&s->job, 0, sizeof(s->job));
            s->job.ep = ep;
            snprintf(s->job.id, sizeof(s->job.id), "%s", it->id);
            s->job.body = it->body;
            s->job.len = it->len;
            s->job.owner = it;
            s->job.res.retry_after = -1;
            ep->inflight++;
            it->running++;
            ep->ops->start(ep, &s->job);
        }
        for (i = 0; i < q.cfg->nep; i++)
            if (in_window(it->slot[i].state))
                break;
        if (i < q.cfg->nep && !(stopping() && it->running == 0)) {
            pp = &it->next;
            continue;
        }
        *pp = it->next;
        if (q.tail == &it->next)
            q.tail = pp;
        q.held--;
        settle(it);
    }
}

/*
 * scan_due - when the next scan for retries may begin: when the first
 * retry falls due, but after a pause ten times as long as the last scan
 * took (from 1 s to a minute), so that a long queue of waiting events
 * is not read over and over while an endpoint is down
 */
static long long scan_due(void)
{
    long long gap = q.w.scan_took * 10;

    gap = gap < 1000 ? 1000 : gap > QUEUE_IDLE_MS ? QUEUE_IDLE_MS : gap;
    if (q.next_scan == LLONG_MAX || q.next_scan < q.w.scan_start + gap)
        return q.next_scan == LLONG_MAX ? q.w.scan_start + QUEUE_IDLE_MS
            : q.w.scan_start + gap;
    return q.next_scan;
}

/* behind - whether an endpoint has room and events to catch up on */
static int behind(void)
{
    int i;

    if (stopping())
        return 0;
    for (i = 0; i < q.cfg->nep; i++)
        if (room(i) && (q.lane[i].walk || q.lane[i].behind))
            return 1;
    return 0;
}

/* on_signals - TERM and INT stop, HUP reloads (read from the signalfd) */
static void on_signals(void)
{
    struct signalfd_siginfo si;

    while (read(q.sig, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        if (si.ssi_signo == SIGHUP)
            queue_reload = 1;
        else
            queue_stop = 1;
    }
}

/* wait_for_work - poll the outbox and every driver's descriptors */
static void wait_for_work(void)
{
    static struct pollfd pfd[QUEUE_MAX_FDS];
    int first[256], count[256], n, i;
    long timeout = QUEUE_IDLE_MS;
    long long now = clock_unix_ms(), due = scan_due();

    if (q.next_retry < due)
        due = q.next_retry;
    if ((watch_busy(&q.w) && any_room() && !stopping()) || behind())
        timeout = 0;            /* more to read right away */
    else
        timeout = due <= now ? 0 : due - now < timeout ? (long)(due - now)
            : timeout;
    pfd[0] = (struct pollfd){.fd = q.sig, .events = POLLIN};
    n = 1 + watch_fds(&q.w, pfd + 1);
    for (i = 0; i < q.cfg->nep && i < 256; i++) {
        first[i] = n;
        count[i] = q.cfg->ep[i].ops->pollfds(&q.cfg->ep[i], pfd + n,
                                             QUEUE_MAX_FDS - n, &timeout);
        n += count[i];
    }
    if (timeout < 0)
        timeout = 0;
    if (poll(pfd, (nfds_t)n, (int)timeout) < 0) {
        if (errno != EINTR)
            log_warn("poll: %m");
        for (i = 0; i < n; i++)
            pfd[i].revents = 0;
    }
    if (pfd[0].revents)
        on_signals();
    watch_read(&q.w, pfd + 1);
    for (i = 0; i < q.cfg->nep && i < 256; i++)
        q.cfg->ep[i].ops->progress(&q.cfg->ep[i], pfd + first[i], count[i]);
    /*
     * Retries fall due; "replay" and "enable" are seen within a minute.
     * Once is one scan: retries are for later runs.
     */
    if (!q.once && clock_unix_ms() >= scan_due())
        q.w.rescan = 1;
}

/*
 * catch_up - endpoint i walks new/ for the events it was too full to
 * take, while it has room; a pass begins when it has fallen behind
 * since the last one began
 */
static void catch_up(int i)
{
    struct lane *l = &q.lane[i];
    char id[QUEUE_ID_MAX];
    int n;

    for (n = 0; n < QUEUE_BATCH && !stopping() && room(i); n++) {
        if (l->walk == NULL) {
            if (!l->behind)
                break;
            l->behind = 0;
        }
        if (watch_walk(q.cfg->outbox, &l->walk, id) < 0)
            break;
        admit(id, i);
    }
}

/* feed - take in events while there is room, a batch at a time */
static void feed(void)
{
    char id[QUEUE_ID_MAX];
    int i, n;

    for (n = 0; n < QUEUE_BATCH && !stopping() && any_room()
         && watch_next(&q.w, id) == 0; n++) {
        if (q.w.began) {
            /* A scan sees every waiting event again, and their times. */
            q.w.began = 0;
            q.next_scan = LLONG_MAX;
            q.waiting = 0;
        }
        admit(id, -1);
    }
    for (i = 0; i < q.cfg->nep; i++)
        catch_up(i);
}

/* queue_run - serve the outbox until told to stop (or, once, drained) */
int queue_run(struct notifyd_config *cfg, int once, struct status *st)
{
    sigset_t block;
    int i, rc = 0;

    memset(&q, 0, sizeof(q));
    q.cfg = cfg;
    q.tail = &q.head;
    q.once = once;
    q.next_scan = LLONG_MAX;
    q.sig = q.w.ino = q.w.wake = q.w.lock = -1;
    if ((q.lane = calloc((size_t)cfg->nep, sizeof(*q.lane))) == NULL) {
        rc = status_errno(st, errno, "lda-notifyd");
        goto out;
    }
    srandom((unsigned)clock_unix_ms() ^ (unsigned)getpid());
    /*
     * Signals are read from a descriptor in the loop, so that one that
     * comes while there is always work (poll never waits) is not left
     * pending; exec's children get them unblocked again.
     */
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, NULL);
    q.sig = signalfd(-1, &block, SFD_NONBLOCK | SFD_CLOEXEC);
    if (q.sig < 0) {
        rc = status_errno(st, errno, "signalfd");
        goto out;
    }
    if (watch_open(&q.w, cfg->outbox, once, st) < 0) {
        rc = -1;
        goto out;
    }
    for (i = 0; i < cfg->nep; i++) {
        cfg->ep[i].disabled = state_disabled(cfg->outbox, cfg->ep[i].name);
        if (cfg->ep[i].disabled)
            log_warn("endpoint %s is disabled (HTTP 410 Gone); "
                     "'lda-notifyd enable %s' turns it on", cfg->ep[i].name,
                     cfg->ep[i].name);
        if (cfg->ep[i].ops->init(&cfg->ep[i], st) < 0) {
            rc = -1;
            goto out;
        }
    }
    log_info("serving outbox '%s', %d endpoint%s", cfg->outbox, cfg->nep,
             cfg->nep == 1 ? "" : "s");
    for (;;) {
        feed();
        dispatch();
        if (stopping() && q.held == 0)
            break;
        if (once && q.held == 0 && !watch_busy(&q.w) && !behind())
            break;
        wait_for_work();
    }
    log_info("%s: %ld sent, %ld failed attempts, %ld dead, %ld waiting",
             once ? "done" : "stopping", q.sent, q.failed, q.dead,
             q.waiting);
    if (once && q.waiting)
        rc = 1;
out:
    for (i = 0; i < cfg->nep; i++) {
        if (cfg->ep[i].ops->fini)
            cfg->ep[i].ops->fini(&cfg->ep[i]);
        if (q.lane && q.lane[i].walk)
            closedir(q.lane[i].walk);
    }
    free(q.lane);
    watch_close(&q.w);
    if (q.sig >= 0)
        close(q.sig);
    return rc;
}
