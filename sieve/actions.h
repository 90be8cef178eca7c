/*
 * actions.h - the evaluator's own state and the split of its work
 *
 * eval.c walks the tree and runs the control commands; actions.c keeps
 * the result (the actions so far, the implicit keep, duplicates,
 * conflicts, limits); flags.c holds imap4flags' internal variable;
 * include.c runs include, return and global.  Nothing outside these
 * four files uses this header.
 */
#ifndef LDA_SIEVE_ACTIONS_H
#define LDA_SIEVE_ACTIONS_H

#include "eval.h"

/* why the walk stops: stop (the whole run) or return (one script) */
enum sv_halt { SV_GO, SV_HALT_STOP, SV_HALT_RETURN };

/* a global variable of include (RFC 6609), shared by the scripts of one
 * run of the sequence */
struct sv_global {
    char *name;
    char *val;
    size_t len;
};

struct sv_actions {
    /* the result: actions in execution order, the command of each */
    struct sieve_action *act;
    const struct sv_node **node;
    int n, cap;
    int base;                   /* first action of the running script */
    int keep;                   /* the implicit keep is in effect */
    int oom;                    /* an allocation failed */
    /* the last discard command, for the DISCARD action's place */
    const struct sieve_script *discard_script;
    int discard_line;
    /* imap4flags' internal variable: flags separated by one space */
    char *flags;
    /* control */
    int taken;                  /* an if/elsif of this chain ran */
    enum sv_halt halt;
    int depth;                  /* include nesting */
    /* include: the scripts included so far (:once), the globals */
    const struct sieve_script **seen;
    int nseen, seencap;
    struct sv_global *globals;
    int nglobals;
    char **declared;            /* names the running script made global */
    int ndeclared;
    int ns_ok;                  /* vars.c holds "global.NAME" names */
};

/* eval.c */
int sv_run_block(struct sv_run *r, const struct sv_node *first);
int sv_run_test(struct sv_run *r, const struct sv_node *n);
/* sv_oom - an allocation failed at n: a runtime error, remembered */
int sv_oom(struct sv_run *r, const struct sv_node *n);
/* sv_list_count - how many strings a string or string-list holds */
int sv_list_count(const struct sv_arg *a);

/* actions.c */
int sv_cmd_keep(struct sv_run *r, const struct sv_node *n);
int sv_cmd_discard(struct sv_run *r, const struct sv_node *n);
int sv_cmd_redirect(struct sv_run *r, const struct sv_node *n);
int sv_cmd_fileinto(struct sv_run *r, const struct sv_node *n);
int sv_cmd_reject(struct sv_run *r, const struct sv_node *n);
int sv_cmd_vacation(struct sv_run *r, const struct sv_node *n);
int sv_test_mailboxexists(struct sv_run *r, const struct sv_node *n);
/* the implicit keep, at the end of the sequence; then DISCARD if the
 * result is otherwise empty */
int sv_act_finish(struct sv_run *r, const struct sieve_script *last);
void sv_act_free(struct sv_actions *a);
/* sv_act_clear - free what one action holds */
void sv_act_clear(struct sieve_action *x);

/* flags.c */
int sv_cmd_setflag(struct sv_run *r, const struct sv_node *n);
int sv_cmd_addflag(struct sv_run *r, const struct sv_node *n);
int sv_cmd_removeflag(struct sv_run *r, const struct sv_node *n);
int sv_test_hasflag(struct sv_run *r, const struct sv_node *n);
/*
 * sv_flags_split - the flags of a space-separated string s added to
 * the array *v of *n (duplicates, case-insensitive, dropped): 0 or -1
 */
int sv_flags_split(const char *s, char ***v, int *n);
/* sv_flags_of - the flags of an action at n: :flags's, or the internal
 * variable's; 0 or -1 (error set) */
int sv_flags_of(struct sv_run *r, const struct sv_node *n, char ***v,
                int *nv);
void sv_flags_free(char **v, int n);

/* include.c */
int sv_cmd_include(struct sv_run *r, const struct sv_node *n);
int sv_cmd_return(struct sv_run *r, const struct sv_node *n);
int sv_cmd_global(struct sv_run *r, const struct sv_node *n);
/* the globals of one script of the sequence: forgotten before the next */
void sv_globals_reset(struct sv_actions *a);

#endif
