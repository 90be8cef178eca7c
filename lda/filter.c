/*
 * filter.c - Sieve in a delivery: which scripts run, and their actions
 * carried out with lda's guarantees
 *
 * The message is first written to tmp/ as always; the scripts
 * (sieve_before..., the user's, sieve_after...) then read it back from
 * there, and their actions decide what becomes of it.  Every store is
 * a link of that one file (store/maildir.c), all made durable before
 * the delivery succeeds.  A script that cannot be read, does not
 * compile or fails at run time never loses mail: it is skipped, or the
 * message is kept, and one syslog line says where and why.  Sending
 * (redirect, vacation) goes through sendmail after the stores; a
 * failed redirect keeps the message rather than drop it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../sieve/send.h"
#include "../store/mdname.h"
#include "../util/log.h"
#include "filter.h"
#include "message.h"
#include "tell.h"

#define FILTER_MAX_SCRIPTS 64
#define SEND_TIMEOUT 120        /* seconds a sendmail may take */

struct filter {
    struct delivery *c;
    char *path[FILTER_MAX_SCRIPTS];
    int n;
    struct sieve_conf conf;
    struct sieve_result res;
    struct md_copy *copies;
    int ncopies;
    struct bfile *rf;           /* the tmp/ file, read back */
    struct backend *b;
    char summary[600];          /* what the log line and reply say */
};

/* home_path - "~/x" under the account's home into out; -1 if too long */
static int home_path(const struct delivery *c, const char *p, char *out,
                     size_t cap)
{
    if (strncmp(p, "~/", 2) == 0)
        return snprintf(out, cap, "%s%s", c->home, p + 1) < (int)cap
            ? 0 : -1;
    return snprintf(out, cap, "%s", p) < (int)cap ? 0 : -1;
}

/* add - one script to run; scripts past the limit are logged, not run */
static void add(const struct delivery *c, struct filter *f, const char *p)
{
    if (f->n == FILTER_MAX_SCRIPTS) {
        log_warn("to=<%s>, sieve: more than %d scripts, '%s' not run",
                 c->rcpt.address, FILTER_MAX_SCRIPTS, p);
        return;
    }
    if ((f->path[f->n] = strdup(p)) != NULL)
        f->n++;
}

/* is_sieve - a directory entry named *.sieve, not hidden */
static int is_sieve(const struct dirent *d)
{
    size_t len = strlen(d->d_name);

    return d->d_name[0] != '.' && len > 6
        && strcmp(d->d_name + len - 6, ".sieve") == 0;
}

/* add_list - "file, dir": each file, or each dir's *.sieve in name order */
static void add_list(const struct delivery *c, struct filter *f,
                     const char *list)
{
    char buf[1024], path[MD_PATH], *tok, *save = NULL;
    struct dirent **ents;
    struct stat sb;
    int i, n;

    snprintf(buf, sizeof(buf), "%s", list);
    for (tok = strtok_r(buf, ", \t", &save); tok;
         tok = strtok_r(NULL, ", \t", &save)) {
        if (home_path(c, tok, path, sizeof(path)) < 0
            || stat(path, &sb) < 0) {
            log_warn("to=<%s>, sieve: global script '%s': %s",
                     c->rcpt.address, tok, strerror(errno ? errno
                                                    : ENAMETOOLONG));
            continue;
        }
        if (!S_ISDIR(sb.st_mode)) {
            add(c, f, path);
            continue;
        }
        if ((n = scandir(path, &ents, is_sieve, alphasort)) < 0) {
            log_warn("to=<%s>, sieve: read '%s': %s", c->rcpt.address, path,
                     strerror(errno));
            continue;
        }
        for (i = 0; i < n; i++) {
            char file[MD_PATH + 300];

            snprintf(file, sizeof(file), "%s/%s", path, ents[i]->d_name);
            add(c, f, file);
            free(ents[i]);
        }
        free(ents);
    }
}

/*
 * filter_prepare - after setup: the scripts of this delivery, if any.
 * Without one the delivery goes on as if Sieve did not exist.
 */
void filter_prepare(struct delivery *c)
{
    const struct sieve_settings *s = &c->cfg.sieve;
    const char *user = c->acct.sieve_set ? c->acct.sieve : s->script;
    const char *dir = c->acct.sieve_dir[0] ? c->acct.sieve_dir
        : s->personal_dir;
    struct filter *f;
    char path[MD_PATH];
    struct stat sb;
    int have_user;

    c->filter = NULL;
    have_user = user[0] && home_path(c, user, path, sizeof(path)) == 0
        && stat(path, &sb) == 0;
    if (!have_user && s->before[0] == '\0' && s->after[0] == '\0')
        return;
    if ((f = calloc(1, sizeof(*f))) == NULL) {
        log_error("to=<%s>, sieve: out of memory: scripts not run",
                  c->rcpt.address);
        return;
    }
    f->c = c;
    f->conf = s->conf;
    snprintf(f->conf.delimiter, sizeof(f->conf.delimiter), "%s",
             c->cfg.recipient_delimiter);
    if (home_path(c, dir, f->conf.personal_dir,
                  sizeof(f->conf.personal_dir)) < 0)
        f->conf.personal_dir[0] = '\0';
    add_list(c, f, s->before);
    if (have_user)
        add(c, f, path);
    add_list(c, f, s->after);
    if (f->n == 0) {
        free(f);
        return;
    }
    c->filter = f;
}

/* read_back - pread on the tmp/ file for the scripts and sendmail */
static long read_back(void *arg, void *buf, size_t len, uint64_t off)
{
    struct filter *f = arg;

    return f->b->ops->pread(f->b, f->rf, buf, len, off);
}

/* exists - mailboxexists: the folder's directory is there */
static int exists(void *arg, const char *folder)
{
    struct delivery *c = ((struct filter *)arg)->c;
    char name[300], path[MD_PATH + 300];
    struct bstat sb;

    if (strcasecmp(folder, "INBOX") == 0)
        return 1;
    if (mdname_imap_folder(folder, name, sizeof(name)) < 0)
        return 0;
    snprintf(path, sizeof(path), "%s/%s", c->md.root, name);
    return c->b->ops->stat(c->b, path, &sb) == 0 && sb.is_dir;
}

/* run - load and run the scripts; the result always has an action */
static void run(struct delivery *c, struct filter *f, const char *deflt)
{
    struct sieve_script *s[FILTER_MAX_SCRIPTS];
    struct sieve_error err;
    struct sieve_env env;
    int i, k = 0, rc = -1;

    for (i = 0; i < f->n; i++) {
        memset(&err, 0, sizeof(err));
        if (sieve_load(&f->conf, f->path[i], &s[k], &err) == 0) {
            k++;
            continue;
        }
        message_sanitize(err.text);
        log_error("to=<%s>, sieve: %s:%d:%d: %s: script not run%s",
                  c->rcpt.address, err.file, err.line, err.col, err.text,
                  i > 0 || f->n == 1 ? "" : ", the others are");
    }
    memset(&env, 0, sizeof(env));
    env.from = c->sender;
    env.to = c->rcpt.address;
    env.orig_to = c->env->orig_recipient;
    env.user = c->acct.name[0] ? c->acct.name : c->rcpt.user;
    env.default_folder = deflt;
    env.now = time(NULL);
    env.size = c->md.size;
    env.pread = read_back;
    env.mailbox_exists = exists;
    env.arg = f;
    memset(&err, 0, sizeof(err));
    memset(&f->res, 0, sizeof(f->res));
    if (k > 0) {
        rc = sieve_execute(&f->conf, s, k, &env, &f->res, &err);
        if (rc != 0) {
            message_sanitize(err.text);
            log_error("to=<%s>, sieve: %s:%d:%d: %s: %s", c->rcpt.address,
                      err.file, err.line, err.col, err.text,
                      rc > 0 ? "message kept" : "all actions dropped, "
                      "message kept");
        }
    }
    for (i = 0; i < k; i++)
        sieve_script_free(s[i]);
    if (k > 0 && rc >= 0 && f->res.n > 0)
        return;
    /* nothing ran, or nothing could be kept of it: the implicit keep */
    sieve_result_free(&f->res);
    if ((f->res.act = calloc(1, sizeof(*f->res.act))) != NULL) {
        f->res.act->type = SIEVE_KEEP;
        f->res.act->implicit = 1;
        f->res.act->folder = strdup(deflt);
        f->res.n = f->res.act->folder ? 1 : 0;
    }
}

/* info - IMAP system flags as Maildir info letters, in ASCII order */
static void info(const struct sieve_action *a, char *out, size_t cap)
{
    static const struct {
        const char *flag;
        char letter;
    } map[] = {
        {"\\Draft", 'D'}, {"\\Flagged", 'F'}, {"\\Answered", 'R'},
        {"\\Seen", 'S'}, {"\\Deleted", 'T'},
    };
    size_t i, n = 0;
    int j;

    for (i = 0; i < sizeof(map) / sizeof(map[0]) && n + 1 < cap; i++)
        for (j = 0; j < a->nflags; j++)
            if (strcasecmp(a->flags[j], map[i].flag) == 0) {
                out[n++] = map[i].letter;
                break;
            }
    out[n] = '\0';
}

/* place - "new/NAME" or "FOLDER/cur/NAME:2,S" of a copy, for the log */
static void place(const struct maildir *md, const struct md_copy *cp,
                  char *out, size_t cap)
{
    size_t len = strlen(md->root);

    snprintf(out, cap, "%s%s%s/%s",
             strcmp(cp->dir, md->root) == 0 ? "" : cp->dir + len + 1,
             strcmp(cp->dir, md->root) == 0 ? "" : "/",
             cp->info[0] ? "cur" : "new", cp->name);
}

/* keep_default - a copy in the default folder, as the implicit keep */
static int keep_default(struct delivery *c, struct filter *f,
                        const char *deflt, struct status *st)
{
    struct md_copy *cp = &f->copies[f->ncopies];

    memset(cp, 0, sizeof(*cp));
    cp->folder = deflt;
    if (maildir_commit_copies(&c->md, cp, 1, st) < 0)
        return -1;
    f->ncopies++;
    return 0;
}

/* send - redirects, then vacation; none can fail the delivery */
static int send(struct delivery *c, struct filter *f, const char *deflt,
                struct status *st)
{
    const struct sieve_settings *ss = &c->cfg.sieve;
    struct sieve_send s;
    struct status sst;
    const char *from = c->sender;
    int i, kept = f->ncopies > 0, rc;

    if (strcmp(ss->redirect_from, "recipient") == 0)
        from = c->rcpt.address;
    else if (strcmp(ss->redirect_from, "orig_recipient") == 0)
        from = c->env->orig_recipient && *c->env->orig_recipient
            ? c->env->orig_recipient : c->rcpt.address;
    else if (strcmp(ss->redirect_from, "<>") == 0)
        from = "";
    else if (strcmp(ss->redirect_from, "sender") != 0)
        from = ss->redirect_from;
    memset(&s, 0, sizeof(s));
    s.sendmail = ss->sendmail;
    s.envelope_from = from;
    s.recipient = c->rcpt.address;
    s.orig_recipient = c->env->orig_recipient;
    s.sender = c->sender;
    s.pread = read_back;
    s.size = c->md.size;
    s.arg = f;
    s.b = c->b;
    s.dir = c->md.root;
    s.now = time(NULL);
    s.timeout = SEND_TIMEOUT;
    for (i = 0; i < f->res.n; i++) {
        const struct sieve_action *a = &f->res.act[i];

        if (a->type == SIEVE_REDIRECT) {
            if (sieve_redirect(&s, a->address, &sst) == 0) {
                log_info("to=<%s>, sieve: redirected to <%s> (%s line %d)",
                         c->rcpt.address, a->address, a->script, a->line);
                continue;
            }
            message_sanitize(sst.text);
            log_warn("to=<%s>, sieve: redirect to <%s> failed, message "
                     "kept: %s %s", c->rcpt.address, a->address, sst.code,
                     sst.text);
            if (!kept && keep_default(c, f, deflt, st) < 0)
                return -1;
            kept = 1;
        } else if (a->type == SIEVE_VACATION) {
            rc = sieve_vacation(&s, a->vacation, &sst);
            message_sanitize(sst.text);
            if (rc == 0)
                log_info("to=<%s>, sieve: vacation reply sent to <%s>",
                         c->rcpt.address, c->sender);
            else if (rc > 0)
                log_info("to=<%s>, sieve: vacation reply %s",
                         c->rcpt.address, sst.text);
            else
                log_warn("to=<%s>, sieve: vacation reply failed: %s %s",
                         c->rcpt.address, sst.code, sst.text);
        }
    }
    return 0;
}

/* summarize - the log's and the reply's words for what was done */
static void summarize(struct delivery *c, struct filter *f)
{
    size_t n = 0;
    int i;

    f->summary[0] = '\0';
    for (i = 0; i < f->ncopies && n < sizeof(f->summary); i++)
        if (!f->copies[i].duplicate)
            n += (size_t)snprintf(f->summary + n, sizeof(f->summary) - n,
                                  "%s%s", n ? ", " : "",
                                  f->copies[i].stored);
    if (n)
        return;
    for (i = 0; i < f->res.n; i++)
        if (f->res.act[i].type == SIEVE_REDIRECT) {
            snprintf(f->summary, sizeof(f->summary), "redirected by sieve "
                     "(%s line %d)", f->res.act[i].script,
                     f->res.act[i].line);
            return;
        }
    for (i = 0; i < f->res.n; i++)
        if (f->res.act[i].type == SIEVE_DISCARD) {
            snprintf(f->summary, sizeof(f->summary), "discarded by sieve "
                     "(%s line %d)", f->res.act[i].script,
                     f->res.act[i].line);
            return;
        }
    snprintf(f->summary, sizeof(f->summary), "discarded by sieve");
    (void)c;
}

/*
 * filter_commit - in place of maildir_commit(): finish the tmp/ file,
 * run the scripts over it and carry their actions out.  0 when every
 * copy is durable (or none was wanted); -1 with st, nothing stored.
 */
int filter_commit(struct delivery *c, const char *deflt, struct status *st)
{
    struct filter *f = c->filter;
    int i, j, n = 0;

    if (maildir_finish(&c->md, st) < 0)
        return -1;
    f->b = c->b;
    if (c->b->ops->open_rw(c->b, c->md.tmp, &f->rf) < 0) {
        status_errno(st, errno, "open '%s'", c->md.tmp);
        goto fail;
    }
    run(c, f, deflt);
    for (i = 0; i < f->res.n; i++) {
        const struct sieve_action *a = &f->res.act[i];

        if (a->type == SIEVE_REJECT || a->type == SIEVE_EREJECT) {
            status_set(st, "5.7.1", "%s", a->reason ? a->reason
                       : "rejected");
            message_sanitize(st->text);
            goto fail;
        }
        n += a->type == SIEVE_KEEP;
    }
    /* one more for a redirect that fails and keeps */
    if ((f->copies = calloc((size_t)n + 1, sizeof(*f->copies))) == NULL) {
        status_errno(st, errno, "allocate copies");
        goto fail;
    }
    for (i = 0; i < f->res.n; i++) {
        const struct sieve_action *a = &f->res.act[i];
        struct md_copy *cp;

        if (a->type != SIEVE_KEEP)
            continue;
        cp = &f->copies[f->ncopies++];
        cp->folder = a->folder ? a->folder : deflt;
        cp->imap = strcmp(cp->folder, deflt) != 0;
        cp->create = a->create;
        info(a, cp->info, sizeof(cp->info));
        for (j = 0; j < a->nflags; j++)
            if (a->flags[j][0] != '\\')
                log_verbose("to=<%s>, sieve: keyword '%s' not stored "
                            "(Maildir names hold system flags only)",
                            c->rcpt.address, a->flags[j]);
    }
    if (f->ncopies && maildir_commit_copies(&c->md, f->copies, f->ncopies,
                                            st) < 0)
        goto fail;
    for (i = 0; i < f->ncopies; i++)
        if (strcasecmp(f->copies[i].folder, f->copies[i].stored) != 0)
            log_warn("to=<%s>, sieve: folder '%s' does not exist: stored "
                     "in INBOX", c->rcpt.address, f->copies[i].folder);
    if (send(c, f, deflt, st) < 0) {
        for (i = 0; i < f->ncopies; i++)
            if (f->copies[i].linked)
                (void)c->b->ops->unlink(c->b, f->copies[i].path);
        goto fail;
    }
    c->b->ops->close(c->b, f->rf);
    f->rf = NULL;
    maildir_drop(&c->md);
    summarize(c, f);
    return 0;
fail:
    maildir_abort(&c->md);
    return -1;
}

/*
 * filter_report - the syslog line of a filtered delivery and the
 * message.new event of each copy; what the front end replies
 */
void filter_report(struct delivery *c, double delay, const char *orig,
                   struct delivered *out)
{
    struct filter *f = c->filter;
    char places[2048], one[MD_PATH + 400], folders[1024];
    size_t n = 0, k = 0;
    int i;

    places[0] = folders[0] = '\0';
    for (i = 0; i < f->ncopies; i++) {
        if (f->copies[i].duplicate)
            continue;
        place(&c->md, &f->copies[i], one, sizeof(one));
        if (n < sizeof(places))
            n += (size_t)snprintf(places + n, sizeof(places) - n, "%s%s",
                                  n ? ", " : "", one);
        if (k < sizeof(folders))
            k += (size_t)snprintf(folders + k, sizeof(folders) - k, "%s%s",
                                  k ? "," : "", f->copies[i].stored);
    }
    log_info("to=<%s>, %sfrom=<%s>, folder=%s, size=%llu, delay=%.3f, "
             "status=sent (%s)", c->rcpt.address, orig, c->sender,
             f->ncopies ? folders : "none",
             (unsigned long long)c->md.size, delay,
             f->ncopies ? places : f->summary);
    snprintf(out->folder, sizeof(out->folder), "%.299s", f->summary);
    if (f->ncopies)
        snprintf(out->reply, sizeof(out->reply), "delivered to %s",
                 f->summary);
    else
        snprintf(out->reply, sizeof(out->reply), "%s", f->summary);
    snprintf(out->place, sizeof(out->place), "%s", places);
    for (i = 0; i < f->ncopies; i++)
        if (!f->copies[i].duplicate)
            tell_copy(c, f->copies[i].dir, f->copies[i].name,
                      f->copies[i].stored);
}

/* filter_free - what a filtered delivery held */
void filter_free(struct delivery *c)
{
    struct filter *f = c->filter;
    int i;

    if (f == NULL)
        return;
    if (f->rf)
        c->b->ops->close(c->b, f->rf);
    sieve_result_free(&f->res);
    free(f->copies);
    for (i = 0; i < f->n; i++)
        free(f->path[i]);
    free(f);
    c->filter = NULL;
}
