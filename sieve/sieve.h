/*
 * sieve.h - Sieve filtering (RFC 5228 and the extensions webmail
 * generates), as the delivery core and lda-sieve use it
 *
 * A script is read and parsed on each delivery (sieve_load), then a
 * sequence of scripts (sieve_before, the user's, sieve_after) is run
 * over the message already written to tmp/ (sieve_execute), which
 * yields a list of actions.  Nothing here stores or sends anything:
 * the caller carries the actions out with lda's guarantees.
 */
#ifndef LDA_SIEVE_H
#define LDA_SIEVE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SIEVE_MAX_TEXT_VALUES 10

/* What lda.conf says of Sieve (lda/config.c's sieve_* keys). */
struct sieve_conf {
    char delimiter[16];         /* recipient_delimiter, for subaddress */
    char global_dir[1024];      /* include :global */
    char personal_dir[1024];    /* include :personal, ~ expanded */
    uint64_t max_script_size;   /* bytes, 0: no limit */
    uint64_t max_actions;       /* 0: no limit */
    uint64_t max_redirects;
    uint64_t max_cpu_time;      /* seconds, 0: no limit */
    uint64_t vacation_min_period;       /* seconds */
    uint64_t vacation_max_period;       /* 0: no limit */
    uint64_t vacation_default_period;
    /* spamtest (RFC 5235), as Pigeonhole's sieve_spamtest_* */
    char spam_status_type[16];  /* "score", "strlen" or "text"; "" off */
    char spam_status_header[256];       /* "Name" or "Name: regex" */
    char spam_max_header[256];
    char spam_max_value[32];
    char spam_text_value[SIEVE_MAX_TEXT_VALUES + 1][128];
    char virus_status_type[16];
    char virus_status_header[256];
    char virus_max_header[256];
    char virus_max_value[32];
    char virus_text_value[SIEVE_MAX_TEXT_VALUES + 1][128];
};

/* Where an error is: script, line and column (1-based; 0: unknown). */
struct sieve_error {
    char file[512];
    int line, col;
    char text[512];
};

/* One delivery, as a script sees it. */
struct sieve_env {
    const char *from;           /* envelope sender, "" for <> */
    const char *to;             /* envelope recipient, user+detail@domain */
    const char *orig_to;        /* original recipient, NULL: none */
    const char *user;           /* the account's name */
    const char *default_folder; /* where keep stores: "INBOX" or -m's */
    time_t now;
    /* the message as stored, LF line ends, from its first header */
    uint64_t size;
    long (*pread)(void *arg, void *buf, size_t len, uint64_t off);
    /* folder existence for mailboxexists; NULL: none exists but INBOX */
    int (*mailbox_exists)(void *arg, const char *folder);
    void *arg;
};

enum sieve_action_type {
    SIEVE_KEEP,                 /* store into folder (keep, fileinto) */
    SIEVE_DISCARD,              /* only reported when nothing else is done */
    SIEVE_REDIRECT,
    SIEVE_REJECT,
    SIEVE_EREJECT,
    SIEVE_VACATION
};

struct sieve_vacation {
    uint64_t period;            /* seconds: :days or :seconds, clamped */
    char *subject;              /* NULL: "Auto: " and the original's */
    char *from;                 /* NULL: the recipient */
    char **addresses;           /* :addresses */
    int naddresses;
    int mime;                   /* reason is a MIME part */
    char *handle;               /* NULL: made from the arguments */
    char *reason;
    char *to;                   /* whom it answers: the envelope sender */
};

struct sieve_action {
    enum sieve_action_type type;
    char *folder;               /* KEEP: the folder, "INBOX" for keep */
    int create;                 /* KEEP: fileinto :create */
    int implicit;               /* KEEP: the implicit keep */
    char **flags;               /* KEEP: IMAP flags, "\\Seen", "$Junk" */
    int nflags;
    char *address;              /* REDIRECT */
    char *reason;               /* REJECT, EREJECT */
    struct sieve_vacation *vacation;
    char script[512];           /* where it was decided: file and line */
    int line;
};

struct sieve_result {
    struct sieve_action *act;
    int n;
};

struct sieve_script;

/*
 * sieve_load - read and parse the script at path (following symlinks,
 * as ManageSieve's active-script link needs), its includes resolved
 * against conf's directories: 0, or -1 with err (file, line, column).
 * A missing file is -1 with errno ENOENT and err set, so the caller
 * can tell "no script" from a broken one.
 */
int sieve_load(const struct sieve_conf *conf, const char *path,
               struct sieve_script **out, struct sieve_error *err);
/* sieve_parse_text - parse a script held in memory, named name */
int sieve_parse_text(const struct sieve_conf *conf, const char *name,
                     const char *text, size_t len,
                     struct sieve_script **out, struct sieve_error *err);
void sieve_script_free(struct sieve_script *s);

/*
 * sieve_execute - run scripts[0..n-1] in order, as Pigeonhole runs
 * sieve_before, the user's script and sieve_after: the next script runs
 * only while the implicit keep is in effect.  Returns 0 with the
 * actions in res (at least one: a KEEP, or a DISCARD when every store
 * was cancelled); 1 when a script failed at run time (err names it,
 * file, line, column): res then holds the actions of the scripts before
 * it and the implicit keep; -1 when out of memory (err set): the caller
 * keeps.  res is freed with sieve_result_free in every case.
 */
int sieve_execute(const struct sieve_conf *conf,
                  struct sieve_script *const *scripts, int n,
                  const struct sieve_env *env, struct sieve_result *res,
                  struct sieve_error *err);
void sieve_result_free(struct sieve_result *res);

void sieve_conf_defaults(struct sieve_conf *conf);

#endif
