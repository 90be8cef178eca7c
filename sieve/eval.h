/*
 * eval.h - the evaluator's state, shared by its modules
 *
 * eval.c walks the tree, keeps the actions and runs the control
 * commands and actions; msg.c reads the message (header index, address
 * lists); match.c matches values against keys; vars.c holds variables
 * and expands strings.  Each owns its own struct, reached from here.
 */
#ifndef LDA_SIEVE_EVAL_H
#define LDA_SIEVE_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "run.h"

struct sv_msg;                  /* msg.c */
struct sv_vars;                 /* vars.c */
struct sv_actions;              /* eval.c */

struct sv_run {
    const struct sieve_conf *conf;
    const struct sieve_env *env;
    const struct sieve_script *script;  /* the one running, for errors */
    struct sieve_error *err;
    struct sv_msg *msg;
    struct sv_vars *vars;
    struct sv_actions *acts;
    char *slot[4];              /* sv_string's buffers */
    size_t slot_cap[4];
    uint64_t steps;             /* commands and tests run, for the CPU
                                 * time check */
    struct timespec cpu_start;
};

/*
 * msg.c: the message's header fields, indexed on first use.  Usable
 * apart from a run (vacation.c reads the headers it must check).
 */
struct sv_msg *sv_msg_open(long (*pread)(void *, void *, size_t, uint64_t),
                           void *arg, uint64_t size);
void sv_msg_free(struct sv_msg *m);
int sv_msg_header_each(struct sv_msg *m, const char *name, int decode,
                       int (*fn)(void *arg, const char *value, size_t len),
                       void *arg);
uint64_t sv_msg_body_offset(struct sv_msg *m);

/* vars.c */
struct sv_vars *sv_vars_new(void);
void sv_vars_free(struct sv_vars *v);
/* a variable's value ("" when unset); the name is as written */
const char *sv_var_get(struct sv_run *r, const char *name, size_t *len);
int sv_var_set(struct sv_run *r, const char *name, const char *value,
               size_t len);
/* the match variables ${0}..${31} of the last successful match (RFC
 * 5229 asks for 9; Pigeonhole keeps 32) */
#define SV_MATCH_VARS 32
void sv_match_vars_set(struct sv_run *r, const char *const *v,
                       const size_t *len, int n);

/* The commands and tests of msg.c, match.c and vars.c's side. */
int sv_test_header(struct sv_run *r, const struct sv_node *n);
int sv_test_address(struct sv_run *r, const struct sv_node *n);
int sv_test_envelope(struct sv_run *r, const struct sv_node *n);
int sv_test_exists(struct sv_run *r, const struct sv_node *n);
int sv_test_size(struct sv_run *r, const struct sv_node *n);
int sv_test_string(struct sv_run *r, const struct sv_node *n);
int sv_cmd_set(struct sv_run *r, const struct sv_node *n);

#endif
