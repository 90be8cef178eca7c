/*
 * userdb.c - the account of a recipient: where its mail goes, as whom
 *
 * The "userdb" setting names a driver and its argument, as Dovecot's
 * userdb and Postfix's lookup tables do: "static" (the maildir, user,
 * group and quota settings, the same for everyone), "passwd-file:PATH"
 * (Dovecot's passwd-file, userdb_passwd.c) or "tcp:HOST:PORT" (a
 * Postfix tcp_table(5) service, userdb_tcp.c).  One lookup is made per
 * delivery; whatever it leaves unset falls back to the settings.
 */
#include <stdio.h>
#include <string.h>

#include "../util/registry.h"
#include "userdb.h"

static const struct driver drivers[] = {
    {"static", &userdb_static_ops},
    {"passwd-file", &userdb_passwd_ops},
    {"tcp", &userdb_tcp_ops},
    {NULL, NULL},
};

/* static_lookup - every recipient exists; the settings say the rest */
static int static_lookup(const char *arg, const struct config *cfg,
                         const struct recipient *r, struct account *a,
                         struct status *st)
{
    (void)cfg;
    if (*arg)
        return status_set(st, "4.3.5", "userdb 'static' takes no "
                          "argument: '%s'", arg);
    snprintf(a->name, sizeof(a->name), "%s", r->user);
    return 0;
}

const struct userdb_ops userdb_static_ops = {
    .name = "static",
    .lookup = static_lookup,
};

/*
 * userdb_sieve - an account's own script, as Dovecot's userdb "sieve"
 * field gives it: a path ("~/.dovecot.sieve", "/var/sieve/u.sieve"),
 * or a location "file:DIR;active=PATH" (DIR for include :personal);
 * "" is no script at all.  -1 when it is neither.
 */
int userdb_sieve(const char *v, struct account *a)
{
    const char *semi, *active;
    size_t n;

    a->sieve_set = 1;
    a->sieve[0] = a->sieve_dir[0] = '\0';
    if (strncmp(v, "file:", 5) == 0)
        v += 5;
    if (*v == '\0')
        return 0;
    semi = strchr(v, ';');
    n = semi ? (size_t)(semi - v) : strlen(v);
    active = semi ? strstr(semi, ";active=") : NULL;
    if (n >= sizeof(a->sieve))
        return -1;
    if (active) {
        memcpy(a->sieve_dir, v, n);
        a->sieve_dir[n] = '\0';
        active += strlen(";active=");
        n = strcspn(active, ";");
        if (n >= sizeof(a->sieve))
            return -1;
        memcpy(a->sieve, active, n);
        a->sieve[n] = '\0';
    } else {
        memcpy(a->sieve, v, n);
        a->sieve[n] = '\0';
    }
    if ((a->sieve[0] != '/' && strncmp(a->sieve, "~/", 2) != 0)
        || (a->sieve_dir[0] && a->sieve_dir[0] != '/'
            && strncmp(a->sieve_dir, "~/", 2) != 0))
        return -1;
    return 0;
}

/* userdb_lookup - the account of r through the configured driver */
int userdb_lookup(const struct config *cfg, const struct recipient *r,
                  struct account *a, struct status *st)
{
    const char *colon = strchr(cfg->userdb, ':');
    size_t len = colon ? (size_t)(colon - cfg->userdb) : strlen(cfg->userdb);
    const struct userdb_ops *ops = registry_find(drivers, cfg->userdb, len);
    char names[128];

    memset(a, 0, sizeof(*a));
    a->uid = a->gid = USERDB_NO_ID;
    if (ops != NULL)
        return ops->lookup(colon ? colon + 1 : "", cfg, r, a, st);
    return status_set(st, "4.3.5", "userdb '%s': unknown driver (%s)",
                      cfg->userdb, registry_names(drivers, names,
                                                  sizeof(names)));
}
