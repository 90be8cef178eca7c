/* userdb.h - the account of a recipient: where its mail goes, as whom */
#ifndef LDA_USERDB_H
#define LDA_USERDB_H

#include <stdint.h>
#include <sys/types.h>

#include "../util/status.h"
#include "config.h"
#include "recipient.h"

#define USERDB_NO_ID ((long)-1)

/*
 * What a lookup found.  Unset fields keep the values userdb_lookup()
 * started them with: maildir "" (the maildir setting is used), uid and
 * gid USERDB_NO_ID (the user and group settings are used), quota_set 0
 * (the quota settings are used).
 */
struct account {
    char name[520];             /* the key that matched, for messages */
    char maildir[1024];         /* template (%u %n %d ~) or path */
    char home[1024];            /* for "~"; "" when none */
    long uid, gid;
    int quota_set;              /* quota and quota_messages given */
    uint64_t quota;             /* bytes, 0 = none */
    uint64_t quota_messages;    /* 0 = none */
    int sieve_set;              /* sieve given: it replaces the setting */
    char sieve[1024];           /* the active script, "" for none */
    char sieve_dir[1024];       /* include :personal, "" unless given */
};

/*
 * A driver.  lookup() fills a for recipient r: 0 found; -1 with st
 * 5.1.1 when there is no such account, 4.3.0 when the source cannot be
 * asked or answers nonsense (never a bounce because a service is down),
 * 4.3.5 when the entry is unusable.  arg is what follows "name:" in the
 * userdb setting.
 */
struct userdb_ops {
    const char *name;
    int (*lookup)(const char *arg, const struct config *cfg,
                  const struct recipient *r, struct account *a,
                  struct status *st);
};

extern const struct userdb_ops userdb_static_ops;
extern const struct userdb_ops userdb_passwd_ops;
extern const struct userdb_ops userdb_tcp_ops;
extern const struct conf_key userdb_tcp_keys[];  /* into struct config */

int userdb_sieve(const char *v, struct account *a);
int userdb_lookup(const struct config *cfg, const struct recipient *r,
                  struct account *a, struct status *st);

#endif
