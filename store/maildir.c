/*
 * maildir.c - deliver one message into a Maildir, atomically, under quota
 *
 * The Maildir rule (cr.yp.to/proto/maildir.html): create a unique file
 * in tmp/, write it in full, fsync, close, then give it its name in
 * new/; "at that instant the message has been delivered".  lda adds:
 * the size is checked after the fsync, the move never replaces a file,
 * new/ is fsynced before success is reported, and every failure removes
 * what was half made, so nothing partial is ever visible and nothing
 * acknowledged is ever lost.  Written once over the backend interface.
 *
 * Quota is checked with the real size under the maildirsize lock just
 * before the move and counted just after it, so a failed delivery is
 * never counted and concurrent ones are counted exactly.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "../util/path.h"
#include "maildir.h"
#include "mdname.h"

/* join - dir "/" name into out; -1 if too long */
static int join(char *out, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(out, cap, "%s/%s", dir, name);

    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* parent_of - the directory holding path */
static void parent_of(const char *path, char *out, size_t cap)
{
    char *slash;

    snprintf(out, cap, "%s", path);
    if ((slash = strrchr(out, '/')) != NULL)
        slash[slash == out ? 1 : 0] = '\0';
}

/*
 * mkdir_one - mkdir with mode, an existing directory being fine.  A
 * new one is made durable in its parent at once: a message later
 * acknowledged in it must not vanish with it in a crash, and the order
 * in which directories appear (make_subdirs) must survive one.
 */
static int mkdir_one(struct backend *b, const char *path, int mode,
                     struct status *st)
{
    char parent[MD_PATH];
    struct bstat sb;

    if (b->ops->mkdir(b, path, mode) == 0) {
        parent_of(path, parent, sizeof(parent));
        if (b->ops->fsync_dir(b, parent) < 0)
            return status_errno(st, errno, "fsync '%s'", parent);
        return 0;
    }
    if (errno == EEXIST && b->ops->stat(b, path, &sb) == 0 && sb.is_dir)
        return 0;
    return status_errno(st, errno, "create directory '%s'", path);
}

/*
 * make_subdirs - cur/, new/ and tmp/ of a Maildir or folder, in that
 * order: a delivery starts by creating its file in tmp/, so where tmp/
 * exists the other two do, whenever a crash came.  Whatever is missing
 * is made, so a half-made Maildir heals on its next delivery.
 */
static int make_subdirs(struct backend *b, const char *dir, struct status *st)
{
    static const char *const sub[] = {"cur", "new", "tmp"};
    char path[MD_PATH];
    size_t i;

    for (i = 0; i < 3; i++) {
        if (join(path, sizeof(path), dir, sub[i]) < 0)
            return status_set(st, "4.3.0", "path too long: '%s'", dir);
        if (mkdir_one(b, path, 0700, st) < 0)
            return -1;
    }
    return 0;
}

/*
 * make_root - create the Maildir and the directories between it and
 * the storage root, or say why not.  The storage root itself is never
 * made: when it is missing the storage is not mounted, and mail must
 * not go to whatever disk is under the mount point.  Directories above
 * the Maildir (per-domain directories, homes) take the storage root's
 * permission bits, less write for others (a 02770 root shared by a
 * group stays usable by every account of the group); the Maildir and
 * what is inside it are 0700.
 */
static int make_root(struct maildir *md, struct status *st)
{
    struct backend *b = md->b;
    const char *root = md->o->base ? md->o->base : "/", *rest;
    struct bstat sb;
    char path[MD_PATH];
    char *p;
    int mode;

    if (b->ops->stat(b, md->root, &sb) == 0) {
        if (!sb.is_dir)
            return status_set(st, "4.2.0", "Maildir '%s' is not a directory",
                              md->root);
        /* It exists, so the account does: heal it whatever
         * create_maildir says. */
        return make_subdirs(b, md->root, st);
    }
    if (errno != ENOENT)
        return status_errno(st, errno, "Maildir '%s'", md->root);
    if (b->ops->stat(b, root, &sb) < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return status_set(st, "4.2.0", "Maildir '%s' missing and its "
                              "storage root '%s' too (not mounted?)",
                              md->root, root);
        return status_errno(st, errno, "storage root '%s'", root);
    }
    if (!md->o->create_maildir)
        return status_set(st, "5.1.1", "unknown user: no Maildir '%s'",
                          md->root);
    /* strictly below: the storage root itself is never made */
    if ((rest = path_below(md->root, root, strlen(root))) == NULL
        || *rest == '\0')
        return status_set(st, "4.3.5", "Maildir '%s' is outside its "
                          "storage root '%s'", md->root, root);
    mode = sb.mode & 02775;
    snprintf(path, sizeof(path), "%s", md->root);
    p = path + strlen(root) + (strcmp(root, "/") != 0);
    for (; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        if (mkdir_one(b, path, mode | 0700, st) < 0)
            return -1;
        *p = '/';
    }
    if (mkdir_one(b, md->root, 0700, st) < 0)
        return -1;
    return make_subdirs(b, md->root, st);
}

/*
 * make_folder - a Maildir++ folder: its directory, maildirfolder, then
 * its subdirectories, so a folder with tmp/ is complete; whatever is
 * missing is made
 */
static int make_folder(struct maildir *md, const char *dir, struct status *st)
{
    char path[MD_PATH];
    struct bfile *f;

    if (mkdir_one(md->b, dir, 0700, st) < 0)
        return -1;
    if (join(path, sizeof(path), dir, "maildirfolder") < 0)
        return status_set(st, "4.3.0", "path too long: '%s'", dir);
    if (md->b->ops->create(md->b, path, 0600, &f) == 0)
        md->b->ops->close(md->b, f);
    else if (errno != EEXIST)
        return status_errno(st, errno, "create '%s'", path);
    return make_subdirs(md->b, dir, st);
}

/* repair - make what is missing of the Maildir or folder delivered to */
static int repair(struct maildir *md, struct status *st)
{
    if (strcmp(md->dir, md->root) == 0)
        return make_root(md, st);
    return make_folder(md, md->dir, st);
}

/*
 * resolve_folder - folder's directory into dir and its name into name:
 * the root and "INBOX" for INBOX, for a bad name, and for a folder that
 * does not exist and may not be made (create: make it); imap: the name
 * is an IMAP one (UTF-8, "/" between levels), as Sieve gives it
 */
static int resolve_folder(struct maildir *md, const char *folder, int create,
                          int imap, char *dir, size_t dcap, char *name,
                          size_t ncap, struct status *st)
{
    char mdn[300];
    struct bstat sb;

    snprintf(dir, dcap, "%s", md->root);
    snprintf(name, ncap, "INBOX");
    if (folder == NULL || *folder == '\0'
        || (imap ? mdname_imap_folder(folder, mdn, sizeof(mdn))
            : mdname_folder(folder, mdn, sizeof(mdn))) < 0
        || join(dir, dcap, md->root, mdn) < 0) {
        snprintf(dir, dcap, "%s", md->root);
        return 0;
    }
    if (md->b->ops->stat(md->b, dir, &sb) == 0 && sb.is_dir) {
        snprintf(name, ncap, "%s", folder);
        return 0;
    }
    if (!create) {
        snprintf(dir, dcap, "%s", md->root);
        return 0;
    }
    if (md->b->ops->stat(md->b, md->root, &sb) < 0 && make_root(md, st) < 0)
        return -1;
    if (make_folder(md, dir, st) < 0)
        return -1;
    snprintf(name, ncap, "%s", folder);
    return 0;
}

/* pick_folder - the folder's directory, or the root for INBOX */
static int pick_folder(struct maildir *md, const char *folder,
                       struct status *st)
{
    return resolve_folder(md, folder, md->o->create_folders, 0, md->dir,
                          sizeof(md->dir), md->folder, sizeof(md->folder),
                          st);
}

/* create_tmp - the exclusive tmp/ file, making the Maildir if needed */
static int create_tmp(struct maildir *md, struct status *st)
{
    struct backend *b = md->b;

    if (b->ops->create(b, md->tmp, 0600, &md->f) == 0)
        return 0;
    if (errno != ENOENT)
        return status_errno(st, errno, "create '%s'", md->tmp);
    if (repair(md, st) < 0)
        return -1;
    if (b->ops->create(b, md->tmp, 0600, &md->f) < 0)
        return status_errno(st, errno, "create '%s'", md->tmp);
    return 0;
}

/* maildir_open - choose the folder and create the message in tmp/ */
int maildir_open(struct maildir *md, struct backend *b, const char *root,
                 const char *folder, const struct maildir_opts *o,
                 struct status *st)
{
    struct timeval tv;
    size_t len;

    memset(md, 0, sizeof(*md));
    md->b = b;
    md->o = o;
    md->quota_on = o->limits.bytes != 0 || o->limits.messages != 0;
    len = strlen(root);
    while (len > 1 && root[len - 1] == '/')
        len--;
    if (len >= sizeof(md->root))
        return status_set(st, "4.3.0", "Maildir path too long");
    memcpy(md->root, root, len);
    md->root[len] = '\0';
    if (pick_folder(md, folder, st) < 0)
        return -1;
    /* Courier's rule, when chosen: Trash neither counted nor limited. */
    if (!o->limits.count_trash && strcmp(md->dir, md->root) != 0
        && strcmp(md->dir + strlen(md->root), "/.Trash") == 0)
        md->quota_on = 0;
    gettimeofday(&tv, NULL);
    if (mdname_base(md->base, sizeof(md->base), (long)tv.tv_sec,
                    (long)tv.tv_usec, (long)getpid(), o->host) < 0
        || snprintf(md->tmp, sizeof(md->tmp), "%s/tmp/%s", md->dir, md->base)
        >= (int)sizeof(md->tmp))
        return status_set(st, "4.3.0", "Maildir path too long");
    if (create_tmp(md, st) < 0)
        return -1;
    md->state = MD_WRITING;
    return 0;
}

/* maildir_write - append bytes to the message */
int maildir_write(struct maildir *md, const void *buf, size_t len,
                  struct status *st)
{
    const char *p = buf, *end = p + len;

    if (md->b->ops->pwrite(md->b, md->f, buf, len, md->size) < 0)
        return status_errno(st, errno, "write '%s'", md->tmp);
    md->size += len;
    /* IMAP counts each LF as CRLF: the W= size. */
    md->crlf_size += len;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        md->crlf_size++;
        p++;
    }
    return 0;
}

/* finish_file - fsync, verify the size, close */
static int finish_file(struct maildir *md, struct status *st)
{
    struct backend *b = md->b;
    struct bstat sb;
    struct bfile *f = md->f;

    md->f = NULL;
    if (b->ops->fsync(b, f) < 0) {
        status_errno(st, errno, "fsync '%s'", md->tmp);
        b->ops->close(b, f);
        return -1;
    }
    if (b->ops->fstat(b, f, &sb) < 0) {
        status_errno(st, errno, "stat '%s'", md->tmp);
        b->ops->close(b, f);
        return -1;
    }
    if (b->ops->close(b, f) < 0)
        return status_errno(st, errno, "close '%s'", md->tmp);
    if (sb.size != md->size)
        return status_set(st, "4.3.0", "'%s' holds %llu bytes, wrote %llu",
                          md->tmp, (unsigned long long)sb.size,
                          (unsigned long long)md->size);
    return 0;
}

/* over_quota - the status for a message that does not fit */
static int over_quota(struct maildir *md, struct status *st)
{
    const struct quota_limits *l = &md->o->limits;
    char used[128];
    int n = 0;

    md->over_quota = 1;
    if (l->bytes && md->size > l->bytes)
        return status_set(st, "5.2.2", "message of %llu bytes is larger "
                          "than the mailbox quota of %llu",
                          (unsigned long long)md->size,
                          (unsigned long long)l->bytes);
    if (l->bytes)
        n = snprintf(used, sizeof(used), "%lld of %llu bytes",
                     (long long)md->before.bytes,
                     (unsigned long long)l->bytes);
    if (l->messages)
        snprintf(used + n, sizeof(used) - (size_t)n, "%s%lld of %llu "
                 "messages", n ? ", " : "", (long long)md->before.messages,
                 (unsigned long long)l->messages);
    return status_set(st, md->o->quota_bounce ? "5.2.2" : "4.2.2",
                      "mailbox full: %s used", used);
}

/*
 * move_again - after a failed move into new/: when new/ is gone (a
 * Maildir half made by an older version, or emptied by hand), make
 * what is missing and move once more
 */
static int move_again(struct maildir *md, struct status *st)
{
    if (errno != ENOENT)
        return status_errno(st, errno, "move '%s' to new/", md->tmp);
    if (repair(md, st) < 0)
        return -1;
    if (md->b->ops->move(md->b, md->tmp, md->newpath) < 0)
        return status_errno(st, errno, "move '%s' to new/", md->tmp);
    return 0;
}

/*
 * heal_rest - a Maildir without cur/ (or a folder without maildirfolder)
 * takes mail but mail readers stumble on it: after the delivery, which
 * does not depend on them, make what is missing
 */
static void heal_rest(struct maildir *md)
{
    char path[MD_PATH];
    struct bstat sb;
    struct status ignored;
    int folder = strcmp(md->dir, md->root) != 0;

    if ((join(path, sizeof(path), md->dir, "cur") == 0
         && md->b->ops->stat(md->b, path, &sb) < 0 && errno == ENOENT)
        || (folder && join(path, sizeof(path), md->dir, "maildirfolder") == 0
            && md->b->ops->stat(md->b, path, &sb) < 0 && errno == ENOENT))
        (void)repair(md, &ignored);
}

/* publish - move into new/ and make that durable; undo on failure */
static int publish(struct maildir *md, struct status *st)
{
    struct backend *b = md->b;

    if (join(md->newdir, sizeof(md->newdir), md->dir, "new") < 0
        || mdname_final(md->final, sizeof(md->final), md->base, md->size,
                        md->crlf_size) < 0
        || join(md->newpath, sizeof(md->newpath), md->newdir, md->final) < 0)
        return status_set(st, "4.3.0", "Maildir path too long");
    md->state = MD_MOVING;
    if (b->ops->move(b, md->tmp, md->newpath) < 0
        && move_again(md, st) < 0) {
        md->state = MD_WRITING;
        return -1;
    }
    if (b->ops->fsync_dir(b, md->newdir) < 0) {
        status_errno(st, errno, "fsync '%s'", md->newdir);
        /* Not durable, so not delivered: take it back and say 4.x.x. */
        (void)b->ops->unlink(b, md->newpath);
        md->state = MD_DONE;
        return -1;
    }
    return 0;
}

/* maildir_commit - finish the file, check quota, deliver */
int maildir_commit(struct maildir *md, struct status *st)
{
    struct quota q;
    int rc, fits;

    if (finish_file(md, st) < 0) {
        maildir_abort(md);
        return -1;
    }
    if (!md->quota_on) {
        if (publish(md, st) < 0) {
            maildir_abort(md);
            return -1;
        }
        md->state = MD_DONE;
        heal_rest(md);
        return 0;
    }
    if (quota_begin(&q, md->b, md->root, &md->o->limits, md->tmp,
                    md->o->deadline, st) < 0) {
        maildir_abort(md);
        return -1;
    }
    rc = quota_fits(&q, md->size, &fits, st);
    md->before = q.use;         /* after a recount, if quota_fits did one */
    if (rc < 0 || !fits) {
        if (rc == 0)
            over_quota(md, st);
        goto fail;
    }
    if (publish(md, st) < 0)
        goto fail;
    /* The message is delivered: from here on nothing may turn the
     * result into a retry, which would deliver it twice.  A usage line
     * that cannot be appended (a full disk, a file size limit) leaves
     * maildirsize for the next delivery to recount. */
    if (quota_add(&q, (int64_t)md->size, 1, &md->quota_error) < 0) {
        md->quota_lost = 1;
        quota_forget(&q);
        q.use.bytes += (int64_t)md->size;
        q.use.messages++;
    }
    md->after = q.use;
    quota_end(&q);
    md->state = MD_DONE;
    heal_rest(md);
    return 0;
fail:
    quota_end(&q);
    maildir_abort(md);
    return -1;
}

/*
 * Several copies (Sieve's fileinto and keep): the tmp/ file, finished
 * once, is linked into each folder's new/, or cur/ under its info
 * flags, each link made durable; quota counts every copy, under one
 * lock.  Any failure takes back the links already made, so a retry
 * never finds some of them delivered.  The tmp/ file stays until
 * maildir_drop(): a copy may still be wanted (a failed redirect keeps).
 */

/* maildir_finish - make the tmp/ file durable before it is read back */
int maildir_finish(struct maildir *md, struct status *st)
{
    if (finish_file(md, st) < 0) {
        maildir_abort(md);
        return -1;
    }
    return 0;
}

/* copy_is_trash - whether Courier's rule leaves this copy uncounted */
static int copy_is_trash(const struct maildir *md, const char *dir)
{
    return !md->o->limits.count_trash && strcmp(dir, md->root) != 0
        && strcmp(dir + strlen(md->root), "/.Trash") == 0;
}

/* link_copy - the link of one copy, its directory made durable */
static int link_copy(struct maildir *md, struct md_copy *c, struct status *st)
{
    struct backend *b = md->b;
    char sub[MD_PATH];

    if (join(sub, sizeof(sub), c->dir, c->info[0] ? "cur" : "new") < 0
        || mdname_final(c->name, sizeof(c->name), md->base, md->size,
                        md->crlf_size) < 0
        || (c->info[0] && snprintf(c->name + strlen(c->name),
                                   sizeof(c->name) - strlen(c->name),
                                   ":2,%s", c->info)
            >= (int)(sizeof(c->name) - strlen(c->name)))
        || join(c->path, sizeof(c->path), sub, c->name) < 0)
        return status_set(st, "4.3.0", "Maildir path too long");
    if (b->ops->link(b, md->tmp, c->path) < 0) {
        if (errno != ENOENT)
            return status_errno(st, errno, "link '%s' to '%s'", md->tmp,
                                c->path);
        /* a folder half made by an older version: make the rest */
        if ((strcmp(c->dir, md->root) == 0 ? make_root(md, st)
             : make_folder(md, c->dir, st)) < 0)
            return -1;
        if (b->ops->link(b, md->tmp, c->path) < 0)
            return status_errno(st, errno, "link '%s' to '%s'", md->tmp,
                                c->path);
    }
    c->linked = 1;
    if (b->ops->fsync_dir(b, sub) < 0)
        return status_errno(st, errno, "fsync '%s'", sub);
    return 0;
}

/* unlink_copies - take back the links made, durably as far as can be */
static void unlink_copies(struct maildir *md, struct md_copy *c, int n)
{
    char sub[MD_PATH];
    int i;

    for (i = 0; i < n; i++) {
        if (!c[i].linked)
            continue;
        (void)md->b->ops->unlink(md->b, c[i].path);
        if (join(sub, sizeof(sub), c[i].dir, c[i].info[0] ? "cur" : "new")
            == 0)
            (void)md->b->ops->fsync_dir(md->b, sub);
        c[i].linked = 0;
    }
}

/* same_copy - whether an earlier copy already lands in c's directory */
static int same_copy(const struct md_copy *c, int i)
{
    int j;

    for (j = 0; j < i; j++)
        if (!c[j].duplicate && strcmp(c[j].dir, c[i].dir) == 0)
            return 1;
    return 0;
}

/*
 * maildir_commit_copies - after maildir_finish, store the message as
 * the n copies say: 0 when all are durable, -1 with st and none left
 */
int maildir_commit_copies(struct maildir *md, struct md_copy *c, int n,
                          struct status *st)
{
    struct quota q;
    unsigned counted = 0;
    int i, fits, locked = 0;

    for (i = 0; i < n; i++) {
        c[i].linked = c[i].duplicate = 0;
        if (resolve_folder(md, c[i].folder, c[i].create
                           || md->o->create_folders, c[i].imap, c[i].dir,
                           sizeof(c[i].dir), c[i].stored,
                           sizeof(c[i].stored), st) < 0)
            return -1;
        c[i].duplicate = same_copy(c, i);
        if (!c[i].duplicate && !copy_is_trash(md, c[i].dir))
            counted++;
    }
    if (md->quota_on && counted) {
        if (quota_begin(&q, md->b, md->root, &md->o->limits, md->tmp,
                        md->o->deadline, st) < 0)
            return -1;
        locked = 1;
        if (quota_fits_copies(&q, md->size, counted, &fits, st) < 0)
            goto fail;
        md->before = q.use;
        if (!fits) {
            over_quota(md, st);
            goto fail;
        }
    }
    for (i = 0; i < n; i++)
        if (!c[i].duplicate && link_copy(md, &c[i], st) < 0)
            goto fail;
    if (locked) {
        /* delivered: a usage line that cannot be written is recounted */
        if (quota_add(&q, (int64_t)(md->size * counted), (int64_t)counted,
                      &md->quota_error) < 0) {
            md->quota_lost = 1;
            quota_forget(&q);
            q.use.bytes += (int64_t)(md->size * counted);
            q.use.messages += counted;
        }
        md->after = q.use;
        quota_end(&q);
    }
    return 0;
fail:
    unlink_copies(md, c, n);
    if (locked)
        quota_end(&q);
    return -1;
}

/* maildir_drop - the tmp/ file is no longer needed: remove it */
void maildir_drop(struct maildir *md)
{
    if (md->state == MD_WRITING)
        (void)md->b->ops->unlink(md->b, md->tmp);
    md->state = MD_DONE;
}

/* maildir_abort - remove whatever a failed delivery left behind */
void maildir_abort(struct maildir *md)
{
    if (md->f != NULL) {
        md->b->ops->close(md->b, md->f);
        md->f = NULL;
    }
    if (md->state == MD_WRITING)
        (void)md->b->ops->unlink(md->b, md->tmp);
    md->state = MD_DONE;
}

/*
 * maildir_signal_abort - maildir_abort() for a signal handler: only
 * what is async-signal-safe, i.e. the tmp/ file of a driver that can
 * remove it so (local); a remote one is left to the 36-hour tmp/
 * cleanup.  Nothing is closed or changed: the process exits next.
 */
void maildir_signal_abort(const struct maildir *md)
{
    if (md->state == MD_WRITING && md->b->ops->signal_unlink != NULL)
        (void)md->b->ops->signal_unlink(md->tmp);
}

struct tmp_scan {
    struct maildir *md;
    const char *dir;
    time_t cutoff;
};

/* clean_one - remove one tmp/ file older than 36 hours */
static int clean_one(void *arg, const char *name)
{
    struct tmp_scan *ts = arg;
    char path[MD_PATH];
    struct bstat sb;

    if (join(path, sizeof(path), ts->dir, name) < 0)
        return 0;
    if (ts->md->b->ops->stat(ts->md->b, path, &sb) == 0 && !sb.is_dir
        && sb.mtime < ts->cutoff)
        (void)ts->md->b->ops->unlink(ts->md->b, path);
    return 0;
}

/*
 * maildir_clean_tmp - now and then, remove tmp/ files older than 36
 * hours (left by crashes).  tmp/'s access time, which nothing else
 * touches, records the last scan, so this costs one stat a delivery.
 */
void maildir_clean_tmp(struct maildir *md)
{
    struct tmp_scan ts;
    char dir[MD_PATH];
    struct bstat sb;
    time_t now = time(NULL);

    if (join(dir, sizeof(dir), md->dir, "tmp") < 0
        || md->b->ops->stat(md->b, dir, &sb) < 0
        || sb.atime > now - MD_TMP_SCAN_EVERY)
        return;
    ts.md = md;
    ts.dir = dir;
    ts.cutoff = now - MD_TMP_MAX_AGE;
    (void)md->b->ops->scan(md->b, dir, clean_one, &ts);
    (void)md->b->ops->set_atime(md->b, dir, now);
}
