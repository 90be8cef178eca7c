/* maildir.h - deliver one message into a Maildir, atomically, under quota */
#ifndef LDA_MAILDIR_H
#define LDA_MAILDIR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../util/status.h"
#include "backend.h"
#include "quota.h"

#define MD_PATH 4096
#define MD_TMP_MAX_AGE (36 * 3600)      /* Maildir: tmp/ files this old */
#define MD_TMP_SCAN_EVERY (8 * 3600)    /* how often tmp/ is looked at */

struct maildir_opts {
    int create_maildir;
    int create_folders;
    int quota_bounce;           /* over quota: 5.2.2 instead of 4.2.2 */
    struct quota_limits limits; /* both 0: maildirsize is left alone */
    const char *base;           /* must exist, else storage is missing */
    const char *host;           /* escaped host name */
    time_t deadline;
};

enum maildir_state { MD_IDLE, MD_WRITING, MD_MOVING, MD_DONE };

struct maildir {
    struct backend *b;
    const struct maildir_opts *o;
    char root[MD_PATH];
    char dir[MD_PATH];          /* the folder's directory */
    char folder[300];           /* "INBOX" or the folder's name */
    char base[300];             /* unique name in tmp/ */
    char tmp[MD_PATH];
    char newdir[MD_PATH];
    char final[400];            /* the name in new/ */
    char newpath[MD_PATH];
    struct bfile *f;
    uint64_t size;
    uint64_t crlf_size;
    volatile int state;         /* read by the timeout handler */
    int quota_on;
    int over_quota;             /* the quota refused the message */
    int quota_lost;             /* delivered, but maildirsize not updated */
    struct status quota_error;  /* why, when quota_lost */
    struct quota_usage before, after;
};

/* One copy of a message that Sieve stores in several places. */
struct md_copy {
    const char *folder;         /* as asked: "INBOX", "Junk", "a/b" */
    char info[16];              /* Maildir info flags ("FS"): into cur/ */
    int create;                 /* make the folder if it is missing */
    int imap;                   /* folder is UTF-8 with "/" levels */
    /* filled by maildir_commit_copies() */
    char stored[300];           /* the folder it went to ("INBOX" when
                                 * the one asked for is missing) */
    char dir[MD_PATH];
    char name[400 + 24];        /* its name in new/ or cur/ */
    char path[MD_PATH];
    int linked;
    int duplicate;              /* lands where an earlier copy does */
};

int maildir_open(struct maildir *md, struct backend *b, const char *root,
                 const char *folder, const struct maildir_opts *o,
                 struct status *st);
int maildir_write(struct maildir *md, const void *buf, size_t len,
                  struct status *st);
int maildir_commit(struct maildir *md, struct status *st);
void maildir_abort(struct maildir *md);
int maildir_finish(struct maildir *md, struct status *st);
int maildir_commit_copies(struct maildir *md, struct md_copy *c, int n,
                          struct status *st);
void maildir_drop(struct maildir *md);
void maildir_signal_abort(const struct maildir *md);
void maildir_clean_tmp(struct maildir *md);

#endif
