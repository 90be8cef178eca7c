/*
 * send.h - the Sieve actions that send mail (redirect, vacation),
 * through the local MTA's sendmail command
 */
#ifndef LDA_SIEVE_SEND_H
#define LDA_SIEVE_SEND_H

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

#endif
