/*
 * send.h - the Sieve actions that send mail (redirect, vacation),
 * through the local MTA's sendmail command
 */
#ifndef LDA_SIEVE_SEND_H
#define LDA_SIEVE_SEND_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../store/backend.h"
#include "../util/status.h"
#include "sieve.h"

struct sieve_send {
    const char *sendmail;       /* sendmail_path */
    const char *envelope_from;  /* redirect's -f, "" for <> */
    const char *recipient;      /* the user's address (envelope to) */
    const char *orig_recipient; /* NULL: none */
    const char *sender;         /* the message's envelope sender */
    /* the message as stored: LF line ends, lda's Return-Path and
     * Delivered-To on top */
    long (*pread)(void *arg, void *buf, size_t len, uint64_t off);
    uint64_t size;
    void *arg;
    /* where vacation remembers whom it answered: dir on backend b (the
     * Maildir's root) */
    struct backend *b;
    const char *dir;
    time_t now;
    unsigned timeout;           /* seconds a sendmail may take */
};

/* sieve_redirect - send the message on to addr: 0, or -1 with st (4.x) */
int sieve_redirect(const struct sieve_send *s, const char *addr,
                   struct status *st);
/*
 * sieve_vacation - answer as v says, under RFC 3834 and RFC 5230's
 * rules: 0 sent, 1 not sent by a rule (which, in st->text), -1 with st
 */
int sieve_vacation(const struct sieve_send *s,
                   const struct sieve_vacation *v, struct status *st);

/*
 * The sendmail run that redirect and vacation share (sendmail.c).
 * sieve_sendmail runs s->sendmail with argv (argv[0] included), feed
 * writing the message with sieve_out_write: 0 when sendmail took it
 * (exit 0), -1 with st, a 4.3.0 status "WHAT failed: sendmail exit 75:
 * its first line", otherwise.  feed returns 0, or -1 when a write failed
 * or, with st filled, when it could not make the message.
 */
struct sieve_out;
int sieve_out_write(struct sieve_out *o, const void *buf, size_t len);
int sieve_sendmail(const struct sieve_send *s, char *const argv[],
                   int (*feed)(void *arg, struct sieve_out *o,
                               struct status *st), void *arg,
                   const char *what, struct status *st);
/* sieve_message_id - a new "<...@host>" Message-ID into out */
void sieve_message_id(char *out, size_t cap, time_t now);

/*
 * sent.c: what was sent, remembered in a small file s->dir/name on s->b
 * ("lda-vacation", "lda-redirect").  A key is 32 hex digits made by
 * sieve_sent_key from n strings (NULL allowed; lower: the first one in
 * lower case).  check: 1 remembered and unexpired, 0 not, -1 with st;
 * mark: 0, or -1 with st.
 */
void sieve_sent_key(char out[33], int lower, const char *const *parts,
                    int n);
int sieve_sent_check(const struct sieve_send *s, const char *name,
                     const char *key, struct status *st);
int sieve_sent_mark(const struct sieve_send *s, const char *name,
                    const char *key, long long expiry, struct status *st);

#endif
