/*
 * secrets.c - the secrets file: signing keys and credential headers
 *
 * "NAME = whsec_... [whsec_...]" gives endpoint NAME its Standard
 * Webhooks signing secrets, newest first (all of them sign, so a
 * receiver can move to a new key while the old one still verifies);
 * "NAME.header = Name: value" adds a header that should not sit in the
 * world-readable configuration.  The file must be readable by its owner
 * only, like an ssh key: any group or other permission is refused.
 * Its values never appear in a message, and the buffer they were read
 * into is wiped after use.
 *
 * secrets_open() reads and judges the file; secrets_next() goes through
 * it line by line, decoding the secrets into their endpoints and
 * handing each header to its caller, which applies it as it applies a
 * "header" of the configuration.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/conf.h"
#include "endpoint.h"
#include "secrets.h"
#include "sign.h"

#define SECRETS_MAX (64 * 1024)         /* bytes of a secrets file */

/* find_endpoint - the endpoint called name[0..len); NULL when none */
static struct endpoint *find_endpoint(struct notifyd_config *cfg,
                                      const char *name, size_t len)
{
    int i;

    for (i = 0; i < cfg->nep; i++)
        if (strlen(cfg->ep[i].name) == len
            && strncmp(cfg->ep[i].name, name, len) == 0)
            return &cfg->ep[i];
    return NULL;
}

/*
 * set_secrets - "NAME = whsec_… …", newest first; each token is wiped
 * as soon as it is decoded
 */
static int set_secrets(struct endpoint *ep, const char *where, char *v,
                       struct status *st)
{
    char *tok, *save = NULL;

    if (ep->nsecrets > 0)
        return status_set(st, "4.3.5", "%s: endpoint '%s': secrets given "
                          "twice (put all on one line, newest first)", where,
                          ep->name);
    for (tok = strtok_r(v, ENDPOINT_LIST_SEP, &save); tok;
         tok = strtok_r(NULL, ENDPOINT_LIST_SEP, &save)) {
        if (ep->nsecrets == ENDPOINT_MAX_SECRETS)
            return status_set(st, "4.3.5", "%s: endpoint '%s': more than %d "
                              "secrets", where, ep->name,
                              ENDPOINT_MAX_SECRETS);
        if (sign_secret_decode(tok, ep->secret[ep->nsecrets],
                               ENDPOINT_SECRET_MAX,
                               &ep->secret_len[ep->nsecrets]) < 0)
            return status_set(st, "4.3.5", "%s: endpoint '%s': secret %d is "
                              "not 'whsec_' + base64 of 24 to 64 bytes",
                              where, ep->name, ep->nsecrets + 1);
        explicit_bzero(tok, strlen(tok));
        ep->nsecrets++;
    }
    if (ep->nsecrets == 0)
        return status_set(st, "4.3.5", "%s: endpoint '%s': no secret",
                          where, ep->name);
    return 0;
}

/*
 * secrets_line - one line of the secrets file; values never quoted.  1
 * with h filled for a header, 0 for a line done (or blank), -1
 */
static int secrets_line(struct notifyd_config *cfg, char *line, int lineno,
                        struct secrets_header *h, struct status *st)
{
    static const char hsuffix[] = ".header";
    const size_t hlen = sizeof(hsuffix) - 1;
    struct endpoint *ep;
    char *where = h->where, *key, *value;
    size_t len;
    int header = 0;

    snprintf(where, sizeof(h->where), "secrets '%s' line %d", cfg->secrets,
             lineno);
    line = conf_trim(line);
    if (*line == '\0' || *line == '#')
        return 0;
    if (conf_split(line, &key, &value) < 0)
        return status_set(st, "4.3.5", "%s: expected 'NAME = whsec_...' or "
                          "'NAME.header = Name: value'", where);
    len = strlen(key);
    ep = find_endpoint(cfg, key, len);
    if (ep == NULL && len > hlen && strcmp(key + len - hlen, hsuffix) == 0
        && (ep = find_endpoint(cfg, key, len - hlen)) != NULL)
        header = 1;
    /*
     * A key of 24 bytes is 32 base64 characters: a shorter name-shaped
     * key is quoted, anything else could be a secret pasted in place
     */
    if (ep == NULL && len < 32 && strncmp(key, "whsec_", 6) != 0
        && strspn(key, ENDPOINT_NAME_CHARS) == len)
        return status_set(st, "4.3.5", "%s: unknown endpoint '%s'", where,
                          key);
    if (ep == NULL)
        return status_set(st, "4.3.5", "%s: unknown endpoint", where);
    if (!ep->ops->signs)
        return status_set(st, "4.3.5", "%s: endpoint '%s': %s endpoints "
                          "take no %s", where, ep->name, ep->ops->name,
                          header ? "headers" : "secrets");
    if (header) {
        snprintf(where + strlen(where), sizeof(h->where) - strlen(where),
                 ": endpoint '%s'", ep->name);
        h->ep = ep;
        h->value = value;
        return 1;
    }
    return set_secrets(ep, where, value, st);
}

/*
 * secrets_open - read the secrets file, owner-only; a missing file is
 * judged later, by whether an endpoint needs what it would hold (then
 * secrets_next() finds nothing in it)
 */
int secrets_open(struct secrets *sf, const char *path, int *missing,
                 struct status *st)
{
    struct stat sb;
    char *buf = NULL;
    size_t got = 0;
    ssize_t n;
    int fd, rc = 0;

    memset(sf, 0, sizeof(*sf));
    *missing = 0;
    /* O_NONBLOCK: a FIFO put there must not hang the daemon */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0 && errno == ENOENT) {
        *missing = 1;
        return 0;
    }
    if (fd < 0)
        return status_errno_as(st, "4.3.5", errno, "secrets '%s'", path);
    if (fstat(fd, &sb) < 0)
        rc = status_errno_as(st, "4.3.5", errno, "secrets '%s'", path);
    else if (!S_ISREG(sb.st_mode))
        rc = status_set(st, "4.3.5", "secrets '%s': not a regular file",
                        path);
    else if ((sb.st_mode & 077) != 0)
        rc = status_set(st, "4.3.5", "secrets '%s': %s by group or others "
                        "(mode %04o): chmod 600 it", path,
                        (sb.st_mode & 044) ? "readable" : "accessible",
                        (unsigned)(sb.st_mode & 07777));
    else if (sb.st_size > SECRETS_MAX)
        rc = status_set(st, "4.3.5", "secrets '%s': larger than %d bytes",
                        path, SECRETS_MAX);
    if (rc == 0 && (buf = malloc(SECRETS_MAX + 1)) == NULL)
        rc = status_errno(st, ENOMEM, "secrets '%s'", path);
    if (rc < 0) {
        close(fd);
        return -1;
    }
    while (got < SECRETS_MAX
           && (n = read(fd, buf + got, SECRETS_MAX - got)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = status_errno_as(st, "4.3.5", errno, "read secrets '%s'",
                                 path);
            break;
        }
        got += (size_t)n;
    }
    close(fd);
    buf[got] = '\0';
    sf->buf = sf->next = buf;
    if (rc == 0 && strlen(buf) != got)
        rc = status_set(st, "4.3.5", "secrets '%s': a NUL byte in the file",
                        path);
    if (rc < 0)
        secrets_close(sf);
    return rc;
}

/*
 * secrets_next - go on to the next header line of the file, decoding
 * the secrets on the way: 1 with h filled (valid until secrets_close()),
 * 0 at the end, -1 on a mistake
 */
int secrets_next(struct secrets *sf, struct notifyd_config *cfg,
                 struct secrets_header *h, struct status *st)
{
    char *line;
    int rc;

    while (sf->next != NULL && *sf->next) {
        line = sf->next;
        if ((sf->next = strchr(line, '\n')) != NULL)
            *sf->next++ = '\0';
        if ((rc = secrets_line(cfg, line, ++sf->lineno, h, st)) != 0)
            return rc;
    }
    return 0;
}

/* secrets_close - wipe and free what secrets_open() read */
void secrets_close(struct secrets *sf)
{
    if (sf->buf != NULL) {
        explicit_bzero(sf->buf, SECRETS_MAX + 1);
        free(sf->buf);
    }
    memset(sf, 0, sizeof(*sf));
}
