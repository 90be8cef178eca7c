/*
 * conf.h - configuration files in Postfix main.cf syntax: the reading
 * loop, the value parsers and typed key tables
 */
#ifndef LDA_CONF_H
#define LDA_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define CONF_LINE_MAX 2048      /* bytes of a line, newline included */
#define CONF_WHERE_MAX 1300     /* "config 'PATH' line N" and more */

enum conf_type {
    CONF_STR,                   /* text into a char[size] */
    CONF_BOOL,                  /* yes/true/1, no/false/0 into an int */
    CONF_SIZE,                  /* 1000, 512K, 1G, 2T into a uint64_t */
    CONF_COUNT,                 /* a plain number into a uint64_t */
    CONF_TIME,                  /* 30s, 5m, 1h, 1d (1 s to 1 d) in seconds */
    CONF_FUNC                   /* the key's own set() */
};

/*
 * A key of a settings struct: where its value goes (off, and size for
 * CONF_STR) and its built-in value.  A table ends with a NULL name.
 * set() parses what no type above can; it fills st itself.
 */
struct conf_key {
    const char *name;
    enum conf_type type;
    size_t off;
    size_t size;
    const char *dflt;
    int (*set)(void *base, const struct conf_key *k, const char *v,
               const char *where, struct status *st);
};

#define CONF_FIELD(s, f) offsetof(s, f), sizeof(((s *)0)->f)

/* called with each line that is neither blank nor a comment, trimmed */
typedef int (*conf_line_fn)(void *arg, char *line, int lineno,
                            const char *where, struct status *st);

int conf_read(const char *path, int must_exist, conf_line_fn fn, void *arg,
              struct status *st);

const struct conf_key *conf_find(const struct conf_key *tab,
                                 const char *name);
int conf_parse(const struct conf_key *k, void *base, const char *v);
int conf_apply(const struct conf_key *k, void *base, const char *v,
               const char *where, struct status *st);
void conf_defaults(const struct conf_key *tab, void *base);

char *conf_trim(char *s);
int conf_split(char *line, char **key, char **value);
int conf_decimal(const char *v, unsigned long long *n, char **end);
int conf_size(const char *v, uint64_t *out);
int conf_time(const char *v, uint64_t *out);

#endif
