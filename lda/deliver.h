/*
 * deliver.h - the delivery core: one message, one recipient, a status
 *
 * Both front ends call it: lda (pipe(8), a message on standard input)
 * and lda-lmtpd (LMTP, a spooled message delivered to each recipient).
 * It takes settings already read, an envelope and a message source,
 * and does the rest: recipient, account, privileges, Maildir, quota,
 * trace lines, events, and the syslog line of the outcome.
 */
#ifndef LDA_DELIVER_H
#define LDA_DELIVER_H

#include <stddef.h>
#include <sys/time.h>

#include "../store/maildir.h"
#include "../util/status.h"
#include "config.h"

/* The envelope of one delivery; NULL or "" where not given. */
struct envelope {
    const char *sender;         /* NULL: unknown, a "From " line may say */
    const char *recipient;
    const char *orig_recipient; /* pipe(8) -a, LMTP ORCPT */
    const char *folder;         /* -m: overrides the +extension */
    const char *extension;      /* -e: the extension, as Postfix split it */
};

/*
 * A message source: the message's bytes from its start, LF line ends.
 * read() gives the count, 0 at the end, or -1 with st (a 4.x.x: a
 * message the source could not give is never acknowledged).  When set,
 * opened() is told of the tmp/ file once it exists, and committed()
 * that the message is durable in new/ (the events come after it).
 */
struct source {
    long (*read)(struct source *src, char *buf, size_t cap,
                 struct status *st);
    void (*opened)(struct source *src, struct maildir *md);
    void (*committed)(struct source *src);
};

/* What a delivery did, for the front end's reply. */
struct delivered {
    char folder[300];           /* "INBOX" or the folder's name */
    char place[MD_PATH + 400];  /* "new/NAME" or "FOLDER/new/NAME" */
    char reply[700];            /* "delivered to INBOX", "discarded by
                                 * sieve (...)": the LMTP reply's words */
};

int deliver(const struct config *cfg, const struct envelope *env,
            struct source *src, struct delivered *out, struct status *st);
void deliver_refused(const struct envelope *env,
                     const struct timeval *start, const struct status *st);

#endif
