/* config.h - lda.conf: settings, defaults, parsing */
#ifndef LDA_CONFIG_H
#define LDA_CONFIG_H

#include <stdint.h>

#include "../sieve/sieve.h"
#include "../store/nfs.h"
#include "../util/conf.h"
#include "../util/status.h"

#define CONFIG_DEFAULT_FILE "/etc/lda/lda.conf"
#define CONFIG_MAX_WARNINGS 8

/*
 * lda-lmtpd's settings.  lda reads them and does nothing with them, so
 * one lda.conf serves both programs.
 */
struct lmtp_settings {
    char listen[1024];          /* "unix:/path, inet:127.0.0.1:24" */
    uint64_t socket_mode;       /* of the unix sockets it creates */
    char user[64];              /* root: become this user after binding */
    uint64_t max_connections;
    uint64_t max_recipients;
    uint64_t command_timeout;
    uint64_t data_timeout;
    char spool_dir[1024];       /* messages too large to keep in memory */
};

/*
 * Sieve: where the scripts are and what sending takes; the language's
 * own settings are the interpreter's struct.
 */
struct sieve_settings {
    char script[1024];          /* the user's active script, "" none */
    char before[1024];          /* files or directories, comma-separated */
    char after[1024];
    char personal_dir[1024];    /* include :personal, before ~ */
    char sendmail[1024];
    char redirect_from[320];    /* sender, recipient, orig_recipient, <>,
                                 * or an address */
    struct sieve_conf conf;
};

struct config {
    char maildir[1024];
    char storage_root[1024];
    char user[64];
    char group[64];
    int create_maildir;
    int create_folders;
    char recipient_delimiter[16];
    uint64_t quota;
    uint64_t quota_messages;
    int quota_count_trash;
    int quota_bounce;
    int quota_warning[CONFIG_MAX_WARNINGS];
    int quota_warnings;
    uint64_t message_size_limit;
    int add_headers;
    uint64_t delivery_timeout;
    struct nfs_settings nfs;    /* store/nfs.c's keys */
    char hostname[64];
    char outbox[1024];
    char userdb[1024];
    uint64_t userdb_timeout;    /* userdb_tcp.c's key */
    struct lmtp_settings lmtp;
    struct sieve_settings sieve;
};

void config_defaults(struct config *cfg);
int config_set(struct config *cfg, const char *key, const char *value,
               const char *where, struct status *st);
int config_override(struct config *cfg, const char *kv, struct status *st);
int config_load(struct config *cfg, const char *path, int must_exist,
                struct status *st);
int config_read(struct config *cfg, const char *path,
                const char *const *overrides, int n, struct status *st);

#endif
