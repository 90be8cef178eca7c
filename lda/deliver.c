/*
 * deliver.c - one delivery, from options to exit code
 *
 * Order of work: settings, recipient, account (userdb.c, looked up
 * before root is given up: an account file may be root's), then the
 * message is
 * streamed once from standard input into tmp/: the leading "From "
 * line dropped, CRLF made LF, Return-Path and Delivered-To put on top
 * unless the MTA already did, the header section scanned for a mail
 * loop on the way.  maildir_commit() then makes it durable and
 * visible.  Every outcome is one syslog line and, on failure, one
 * status line whose code tells Postfix what to do.  With an outbox,
 * the outcome is also an event (event/event.c) made durable before
 * lda exits; writing it can fail, but it never changes the exit code:
 * a tempfail after the message is in new/ would have Postfix deliver
 * it twice.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../store/backend.h"
#include "../store/maildir.h"
#include "../store/mdname.h"
#include "../event/event.h"
#include "config.h"
#include "deliver.h"
#include "header.h"
#include "../util/log.h"
#include "message.h"
#include "privs.h"
#include "recipient.h"
#include "template.h"
#include "userdb.h"

#define BLOCK 65536
#define HARD_EXIT_GRACE 10      /* seconds after the timeout */

struct ctx {
    const struct options *o;
    struct config cfg;
    struct recipient rcpt;
    struct account acct;
    char sender[1024];
    int sender_known;
    struct location loc;
    char root[MD_PATH];
    char base[MD_PATH];         /* what a remote driver mounts */
    char storage[MD_PATH];      /* the storage root: must exist */
    char host[256];
    struct maildir_opts mo;
    struct maildir md;
    struct backend *b;
    int have_rp, have_dt;       /* trace lines the MTA put on top */
    int dt_count;               /* Delivered-To: naming the recipient */
    struct event_headers eh;    /* what an event tells of the message */
    struct timeval start;
};

/* Why the delivery is being cut short: nothing yet, time, a signal. */
enum { STOP_NONE, STOP_TIMEOUT, STOP_SIGNAL };
static volatile sig_atomic_t stopping;
static volatile sig_atomic_t stop_signal;
static struct maildir *volatile active;

/*
 * hard_exit - a system call hung past the grace period, or a second
 * signal came: leave at once with 75, removing a local tmp/ file (a
 * remote one would need calls that are not async-signal-safe; the
 * 36-hour tmp/ cleanup takes it)
 */
static void hard_exit(void)
{
    static const char late[] = "4.3.0 delivery timed out\n";
    static const char sig[] = "4.3.0 delivery stopped by a signal\n";
    struct maildir *md = active;

    if (md && md->state == MD_WRITING && md->b->ops == &backend_local_ops)
        (void)unlink(md->tmp);
    if (stopping == STOP_SIGNAL)
        (void)!write(2, sig, sizeof(sig) - 1);
    else
        (void)!write(2, late, sizeof(late) - 1);
    _exit(EX_TEMPFAIL_);
}

/*
 * on_alarm - the first alarm makes reads fail so the delivery ends
 * through its normal error path, which removes the tmp/ file; a second
 * one, if a system call hangs past the grace period, ends the process
 * with 75 all the same.
 */
static void on_alarm(int sig)
{
    (void)sig;
    if (stopping) {
        hard_exit();
        return;
    }
    stopping = STOP_TIMEOUT;
    alarm(HARD_EXIT_GRACE);
}

/*
 * on_stop - SIGTERM, SIGINT, SIGHUP: end the delivery as a timeout
 * does (tmp/ file removed, exit 75); a second signal ends it at once
 */
static void on_stop(int sig)
{
    if (stopping == STOP_SIGNAL) {
        hard_exit();
        return;
    }
    stop_signal = sig;
    stopping = STOP_SIGNAL;
    alarm(HARD_EXIT_GRACE);
}

/* catch - install handler for sig, without SA_RESTART: reads must see
 * EINTR */
static void catch(int sig, void (*handler)(int))
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sigaction(sig, &sa, NULL);
}

/* stopped - the status of a delivery cut short, or 0 if it was not */
static int stopped(struct status *st)
{
    if (stopping == STOP_TIMEOUT)
        return status_set(st, "4.3.0", "delivery timed out");
    if (stopping == STOP_SIGNAL)
        return status_set(st, "4.3.0", "delivery stopped by signal %d",
                          (int)stop_signal);
    return 0;
}

/* set_sender - the envelope sender; "", "<>", MAILER-DAEMON are null */
static void set_sender(struct ctx *c, const char *s)
{
    size_t len = strlen(s);

    if (len >= 2 && s[0] == '<' && s[len - 1] == '>') {
        s++;
        len -= 2;
    }
    if (len >= sizeof(c->sender))
        len = sizeof(c->sender) - 1;
    memcpy(c->sender, s, len);
    c->sender[len] = '\0';
    if (strcasecmp(c->sender, "MAILER-DAEMON") == 0)
        c->sender[0] = '\0';
    message_sanitize(c->sender);    /* it goes into a header */
    c->sender_known = 1;
}

/*
 * account - look the recipient up, become its owner; what the account
 * does not say (Maildir, owner, quota) the settings do
 */
static int account(struct ctx *c, char *home, size_t cap, struct status *st)
{
    struct account *a = &c->acct;

    if (userdb_lookup(&c->cfg, &c->rcpt, a, st) < 0)
        return -1;
    log_verbose("account '%s' from userdb '%s'%s%s", a->name, c->cfg.userdb,
                a->maildir[0] ? ", maildir " : "", a->maildir);
    if (a->quota_set) {
        c->cfg.quota = a->quota;
        c->cfg.quota_messages = a->quota_messages;
    }
    if ((a->uid != USERDB_NO_ID
         ? privs_account(a->uid, a->gid, c->cfg.group, a->name, home, cap, st)
         : privs_drop(c->cfg.user, c->cfg.group, home, cap, st)) < 0)
        return -1;
    if (a->home[0])
        snprintf(home, cap, "%s", a->home);
    return 0;
}

/* setup - settings, recipient, account, paths */
static int setup(struct ctx *c, struct status *st)
{
    const struct options *o = c->o;
    struct backend_conf bc;
    char home[MD_PATH], host[256];
    int i;

    config_defaults(&c->cfg);
    log_verbose("config '%s'", o->config ? o->config : CONFIG_DEFAULT_FILE);
    if (config_load(&c->cfg, o->config ? o->config : CONFIG_DEFAULT_FILE,
                    o->config != NULL, st) < 0)
        return -1;
    for (i = 0; i < o->noverrides; i++)
        if (config_override(&c->cfg, o->overrides[i], st) < 0)
            return -1;
    /* Give up with 75 well before Postfix would bounce. */
    alarm((unsigned)c->cfg.delivery_timeout);
    if (o->recipient == NULL || *o->recipient == '\0')
        return status_set(st, "4.3.5", "no recipient: use -d address");
    if (recipient_parse(o->recipient, c->cfg.recipient_delimiter, &c->rcpt,
                        st) < 0)
        return -1;
    if (o->extension && *o->extension)
        recipient_set_ext(&c->rcpt, o->extension,
                          c->cfg.recipient_delimiter);
    if (o->sender)
        set_sender(c, o->sender);
    log_verbose("recipient '%s': local part '%s', extension '%s', domain "
                "'%s'", c->rcpt.address, c->rcpt.local, c->rcpt.ext,
                c->rcpt.domain);
    if (account(c, home, sizeof(home), st) < 0)
        return -1;
    log_verbose("delivering as uid %ld gid %ld", (long)getuid(),
                (long)getgid());
    umask(077);
    if (backend_locate(c->acct.maildir[0] ? c->acct.maildir : c->cfg.maildir,
                       &c->loc, st) < 0
        || template_expand(c->loc.path, &c->rcpt, home, c->root,
                           sizeof(c->root), c->base, sizeof(c->base), st) < 0)
        return -1;
    /* Over NFS the fixed part is what is mounted: it is the root. */
    if (c->loc.ops != &backend_local_ops)
        snprintf(c->storage, sizeof(c->storage), "%s", c->base);
    else if (template_storage_root(c->cfg.storage_root, c->loc.path,
                                   c->root, c->base, c->storage,
                                   sizeof(c->storage), st) < 0)
        return -1;
    log_verbose("maildir '%s%s' (storage root '%s', %s driver)",
                c->loc.server, c->root, c->storage, c->loc.ops->name);
    /* Unique names must differ between hosts sharing one Maildir. */
    if (c->cfg.hostname[0])
        snprintf(host, sizeof(host), "%s", c->cfg.hostname);
    else if (gethostname(host, sizeof(host)) < 0)
        host[0] = '\0';
    host[sizeof(host) - 1] = '\0';
    if (mdname_host(host, c->host, sizeof(c->host)) < 0)
        snprintf(c->host, sizeof(c->host), "localhost");
    bc.timeout = (unsigned)c->cfg.nfs.timeout;
    bc.host = c->host;
    if (backend_open(&c->loc, c->base, &bc, &c->b, st) < 0)
        return -1;
    c->mo.create_maildir = c->cfg.create_maildir;
    c->mo.create_folders = c->cfg.create_folders;
    c->mo.quota_bounce = c->cfg.quota_bounce;
    c->mo.limits.bytes = c->cfg.quota;
    c->mo.limits.messages = c->cfg.quota_messages;
    c->mo.limits.count_trash = c->cfg.quota_count_trash;
    c->mo.base = c->storage;
    c->mo.host = c->host;
    c->mo.deadline = c->start.tv_sec + (time_t)c->cfg.delivery_timeout;
    return 0;
}

/* same_sender - whether a Return-Path value names our sender */
static int same_sender(const struct ctx *c, const char *value)
{
    char buf[1024];
    size_t len;

    while (*value == ' ' || *value == '\t')
        value++;
    len = strlen(value);
    while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t'))
        len--;
    if (len >= 2 && value[0] == '<' && value[len - 1] == '>') {
        value++;
        len -= 2;
    }
    if (len >= sizeof(buf))
        return 0;
    memcpy(buf, value, len);
    buf[len] = '\0';
    return strcasecmp(buf, c->sender) == 0;
}

/*
 * want_trace - accept a trace line an MTA put on top (header_trace):
 * only lines equal to what lda would add, so a message cannot suppress
 * lda's own lines by carrying look-alikes.
 */
static int want_trace(void *arg, const char *name, const char *value)
{
    struct ctx *c = arg;

    if (strcasecmp(name, "Delivered-To") == 0) {
        if (!recipient_matches(&c->rcpt, value))
            return 0;
        c->have_dt = 1;
    } else if (strcasecmp(name, "Return-Path") == 0) {
        if (c->sender_known && !same_sender(c, value))
            return 0;
        c->have_rp = 1;
    }
    return 1;
}

/*
 * on_header - count Delivered-To fields that name the recipient, keep
 * the fields an event reports
 */
static void on_header(void *arg, const char *name, const char *value,
                      int truncated)
{
    struct ctx *c = arg;

    if (c->cfg.outbox[0])
        event_header(&c->eh, name, value);
    if (!truncated && strcasecmp(name, "Delivered-To") == 0
        && recipient_matches(&c->rcpt, value))
        c->dt_count++;
}

/* put_headers - Return-Path and Delivered-To, unless already there */
static int put_headers(struct ctx *c, struct status *st)
{
    char buf[2048];
    int n = 0;

    if (!c->cfg.add_headers)
        return 0;
    if (!c->have_rp && c->sender_known)
        n += snprintf(buf + n, sizeof(buf) - (size_t)n,
                      "Return-Path: <%s>\n", c->sender);
    if (!c->have_dt)
        n += snprintf(buf + n, sizeof(buf) - (size_t)n,
                      "Delivered-To: %s\n", c->rcpt.address);
    return n ? maildir_write(&c->md, buf, (size_t)n, st) : 0;
}

/* loop_found - the header section named this recipient once too often */
static int loop_found(const struct ctx *c)
{
    return c->dt_count > c->have_dt;
}

/* put_block - scan and store one block of the message */
static int put_block(struct ctx *c, struct header_scan *hs, const char *p,
                     size_t len, struct status *st)
{
    uint64_t limit = c->cfg.message_size_limit;

    if (!header_in_body(hs)) {
        header_feed(hs, p, len);
        if (loop_found(c))
            return status_set(st, "5.4.6", "mail forwarding loop for '%s'",
                              c->rcpt.address);
    }
    if (limit && c->md.size + len > limit)
        return status_set(st, "5.2.3", "message larger than %llu bytes",
                          (unsigned long long)limit);
    return len ? maildir_write(&c->md, p, len, st) : 0;
}

/* read_block - next block of standard input, or a status */
static long read_block(struct msgin *in, char *buf, struct status *st)
{
    long n = msgin_read(in, buf, BLOCK);

    if (n < 0 && stopping)
        return stopped(st);
    if (n < 0)
        return status_errno(st, errno, "read message");
    return n;
}

/* store - stream standard input into the Maildir and commit it */
static int store(struct ctx *c, struct status *st)
{
    static char buf[BLOCK];
    struct msgin in;
    struct header_scan hs;
    const char *folder;
    char fsender[1024] = "";
    size_t skip;
    int skipping;
    long n;

    /* A closed input is a broken caller, not an empty mail: storing
     * nothing would acknowledge a message that was lost on the way. */
    if (c->o->stdin_closed)
        return status_set(st, "4.3.0", "no message: standard input is "
                          "closed");
    msgin_init(&in, 0, &stopping);
    if ((n = read_block(&in, buf, st)) < 0)
        return -1;
    /* A leading mbox "From " line is dropped; it may name the sender. */
    skip = message_from_line(buf, (size_t)n, fsender, sizeof(fsender));
    skipping = skip > 0 && buf[skip - 1] != '\n';
    if (skip && !c->sender_known && !skipping && fsender[0])
        set_sender(c, fsender);
    (void)header_trace(buf + skip, (size_t)n - skip, want_trace, c);
    folder = c->o->folder && *c->o->folder ? c->o->folder : c->rcpt.ext;
    if (maildir_open(&c->md, c->b, c->root, folder, &c->mo, st) < 0)
        return -1;
    log_verbose("folder %s: writing '%s'", c->md.folder, c->md.tmp);
    active = &c->md;
    header_init(&hs, on_header, c);
    if (put_headers(c, st) < 0
        || put_block(c, &hs, buf + skip, (size_t)n - skip, st) < 0)
        goto fail;
    while (n > 0) {
        if ((n = read_block(&in, buf, st)) < 0)
            goto fail;
        skip = 0;
        if (skipping) {
            const char *lf = memchr(buf, '\n', (size_t)n);

            skip = lf ? (size_t)(lf - buf) + 1 : (size_t)n;
            skipping = lf == NULL;
        }
        if (put_block(c, &hs, buf + skip, (size_t)n - skip, st) < 0)
            goto fail;
    }
    header_end(&hs);
    if (loop_found(c)) {
        status_set(st, "5.4.6", "mail forwarding loop for '%s'",
                   c->rcpt.address);
        goto fail;
    }
    if (stopped(st) < 0)
        goto fail;
    return maildir_commit(&c->md, st);
fail:
    maildir_abort(&c->md);
    return -1;
}

/* drain - read the rest of the input, so the MTA sees no write error */
static void drain(void)
{
    static char sink[BLOCK];
    ssize_t n;

    if (isatty(0))
        return;                 /* a person at a terminal, not an MTA */
    while (!stopping && ((n = read(0, sink, sizeof(sink))) > 0
                          || (n < 0 && errno == EINTR)))
        ;
}

/* delay - seconds since start */
static double delay(const struct ctx *c)
{
    struct timeval now;

    gettimeofday(&now, NULL);
    return (double)(now.tv_sec - c->start.tv_sec)
        + (double)(now.tv_usec - c->start.tv_usec) / 1e6;
}

/* usage - the quota figures an event reports: after delivery, or before */
static void usage(const struct ctx *c, const struct quota_usage *u,
                  struct event_quota *q)
{
    q->on = c->md.quota_on;
    q->bytes = u->bytes;
    q->messages = u->messages;
    q->bytes_limit = c->cfg.quota;
    q->messages_limit = c->cfg.quota_messages;
}

/*
 * tell - write ev to the outbox, when there is one; a failure loses the
 * event, never the delivery, and is logged as loudly as syslog allows
 */
static void tell(const struct ctx *c, struct event *ev)
{
    const char *orig = c->o->orig_recipient;
    struct status st;

    if (c->cfg.outbox[0] == '\0')
        return;
    ev->user = c->rcpt.user;
    ev->recipient = c->rcpt.address;
    ev->original_recipient = orig && *orig ? orig : NULL;
    ev->sender = c->sender;
    ev->folder = c->md.folder[0] ? c->md.folder : "INBOX";
    if (event_emit(c->cfg.outbox, ev, &st) < 0)
        log_error("to=<%s>, %s event lost: %s", c->rcpt.address,
                  event_type_name(ev->type), st.text);
    else
        log_verbose("event %s '%s' in outbox '%s'",
                    event_type_name(ev->type), ev->id, c->cfg.outbox);
}

/* tell_new - the message.new event of a delivery */
static void tell_new(const struct ctx *c)
{
    struct event ev;
    char path[MD_PATH + 300];

    memset(&ev, 0, sizeof(ev));
    ev.type = EVENT_MESSAGE_NEW;
    snprintf(path, sizeof(path), "%s%s", c->loc.server, c->md.dir);
    ev.path = path;
    ev.file = c->md.final;
    ev.size = c->md.size;
    ev.hdr = &c->eh;
    usage(c, &c->md.after, &ev.quota);
    tell(c, &ev);
}

/* tell_refused - the quota.exceeded event of a refused message */
static void tell_refused(const struct ctx *c, const struct status *st)
{
    struct event ev;

    memset(&ev, 0, sizeof(ev));
    ev.type = EVENT_QUOTA_EXCEEDED;
    ev.size = c->md.size;
    ev.status = st->code;
    ev.bounced = st->code[0] == '5';
    usage(c, &c->md.before, &ev.quota);
    tell(c, &ev);
}

/* crossed - whether used went past pct percent of limit */
static int crossed(int64_t before, int64_t after, uint64_t limit, int pct)
{
    double mark = (double)limit * pct / 100.0;

    return limit && (double)before < mark && (double)after >= mark;
}

/*
 * warn_quota - log each quota_warning threshold this delivery crossed,
 * and tell it as a quota.warning event
 */
static void warn_quota(const struct ctx *c)
{
    const struct maildir *md = &c->md;
    struct event ev;
    char msgs[64] = "";
    int i, p;

    if (c->cfg.quota_messages)
        snprintf(msgs, sizeof(msgs), ", %lld of %llu messages",
                 (long long)md->after.messages,
                 (unsigned long long)c->cfg.quota_messages);
    for (i = 0; md->quota_on && i < c->cfg.quota_warnings; i++) {
        p = c->cfg.quota_warning[i];
        if (!crossed(md->before.bytes, md->after.bytes, c->cfg.quota, p)
            && !crossed(md->before.messages, md->after.messages,
                        c->cfg.quota_messages, p))
            continue;
        log_warn("to=<%s>, quota warning: %d%% reached: %lld of %llu "
                 "bytes%s", c->rcpt.address, p, (long long)md->after.bytes,
                 (unsigned long long)c->cfg.quota, msgs);
        memset(&ev, 0, sizeof(ev));
        ev.type = EVENT_QUOTA_WARNING;
        ev.threshold = p;
        usage(c, &md->after, &ev.quota);
        tell(c, &ev);
    }
}

/* where - the file's place relative to the Maildir, for the log */
static const char *where(const struct ctx *c, char *buf, size_t cap)
{
    const struct maildir *md = &c->md;

    if (strcmp(md->dir, md->root) == 0)
        snprintf(buf, cap, "new/%s", md->final);
    else
        snprintf(buf, cap, "%s/new/%s", md->dir + strlen(md->root) + 1,
                 md->final);
    return buf;
}

/* deliver_run - deliver standard input as o says; the exit code */
int deliver_run(const struct options *o)
{
    static struct ctx c;
    struct status st;
    char orig[600] = "", place[MD_PATH + 400];
    int rc;

    c.o = o;
    gettimeofday(&c.start, NULL);
    catch(SIGALRM, on_alarm);
    catch(SIGTERM, on_stop);
    catch(SIGINT, on_stop);
    catch(SIGHUP, on_stop);
    log_open("lda", o->verbose, !isatty(2));
    if (o->orig_recipient && *o->orig_recipient) {
        snprintf(orig, sizeof(orig), "orig_to=<%s>, ", o->orig_recipient);
        message_sanitize(orig);
    }
    if (setup(&c, &st) == 0 && store(&c, &st) == 0) {
        alarm(0);
        log_info("to=<%s>, %sfrom=<%s>, folder=%s, size=%llu, delay=%.3f, "
                 "status=sent (%s)", c.rcpt.address, orig, c.sender,
                 c.md.folder, (unsigned long long)c.md.size, delay(&c),
                 where(&c, place, sizeof(place)));
        if (c.md.quota_lost)
            log_warn("to=<%s>, maildirsize not updated, recounted by the "
                     "next delivery: %s", c.rcpt.address,
                     c.md.quota_error.text);
        tell_new(&c);
        warn_quota(&c);
        maildir_clean_tmp(&c.md);
        backend_close(c.b);
        log_flush();
        return 0;
    }
    drain();
    alarm(0);
    rc = status_exit(&st);
    message_sanitize(st.text);
    fprintf(stderr, "%s %s\n", st.code, st.text);
    if (c.md.over_quota)
        tell_refused(&c, &st);
    log_info("to=<%s>, %sfrom=<%s>, folder=%s, size=%llu, delay=%.3f, "
             "status=%s (%s %s)", c.rcpt.address[0] ? c.rcpt.address
             : "(none)", orig, c.sender, c.md.folder[0] ? c.md.folder
             : "INBOX", (unsigned long long)c.md.size, delay(&c),
             rc == EX_TEMPFAIL_ ? "deferred" : "bounced", st.code,
             st.text);
    backend_close(c.b);
    log_flush();
    return rc;
}
