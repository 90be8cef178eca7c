/* delivery.h - the state of one delivery, shared by deliver.c's parts */
#ifndef LDA_DELIVERY_H
#define LDA_DELIVERY_H

#include <sys/time.h>

#include "../event/event.h"
#include "../store/backend.h"
#include "../store/maildir.h"
#include "config.h"
#include "deliver.h"
#include "recipient.h"
#include "userdb.h"

struct filter;

#define DELIVERY_BLOCK 65536    /* bytes read from the source at a time */

/*
 * Filled by setup.c (settings, recipient, account, Maildir), added to
 * by deliver.c and trace.c as the message streams by, read by tell.c
 * for the events.
 */
struct delivery {
    const struct envelope *env;
    struct config cfg;          /* a copy: the account may set quota */
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
    char home[MD_PATH];         /* the account's, for "~" */
    struct filter *filter;      /* Sieve's, when a script applies */
    char buf[DELIVERY_BLOCK];
};

#endif
