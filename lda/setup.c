/*
 * setup.c - a delivery made ready: settings, recipient, account, Maildir
 *
 * The settings come read (the front end reads them, and arms its own
 * timeout); the account is looked up before root is given up (an
 * account file may be root's), then privileges go to the account's
 * owner and the Maildir's location, storage root, host name and
 * options are worked out and its backend opened.  What the account
 * does not say (Maildir, owner, quota) the settings do.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../store/mdname.h"
#include "../util/log.h"
#include "message.h"
#include "privs.h"
#include "setup.h"
#include "template.h"

/* setup_sender - the envelope sender; "", "<>", MAILER-DAEMON are null */
void setup_sender(struct delivery *c, const char *s)
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
static int account(struct delivery *c, char *home, size_t cap, struct status *st)
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

/* setup_delivery - recipient, account, paths; the settings are c->cfg */
int setup_delivery(struct delivery *c, struct status *st)
{
    const struct envelope *env = c->env;
    struct backend_conf bc;
    char home[MD_PATH], host[256];

    if (env->recipient == NULL || *env->recipient == '\0')
        return status_set(st, "4.3.5", "no recipient: use -d address");
    if (recipient_parse(env->recipient, c->cfg.recipient_delimiter,
                        &c->rcpt, st) < 0)
        return -1;
    if (env->extension && *env->extension)
        recipient_set_ext(&c->rcpt, env->extension,
                          c->cfg.recipient_delimiter);
    if (env->sender)
        setup_sender(c, env->sender);
    log_verbose("recipient '%s': local part '%s', extension '%s', domain "
                "'%s'", c->rcpt.address, c->rcpt.local, c->rcpt.ext,
                c->rcpt.domain);
    if (account(c, home, sizeof(home), st) < 0)
        return -1;
    snprintf(c->home, sizeof(c->home), "%s", home);
    log_verbose("delivering as uid %ld gid %ld", (long)getuid(),
                (long)getgid());
    umask(077);
    if (backend_locate(c->acct.maildir[0] ? c->acct.maildir : c->cfg.maildir,
                       &c->loc, st) < 0
        || template_expand(c->loc.path, &c->rcpt, home, c->root,
                           sizeof(c->root), c->base, sizeof(c->base), st) < 0)
        return -1;
    /* Where the driver mounts the fixed part (NFS), that is the root. */
    if (c->loc.ops->base_is_root)
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
