/*
 * grammar.c - every command and test of the supported extensions, with
 * the tagged and positional arguments of its RFC, and the checks the
 * table cannot express
 *
 * Match types, :comparator and address parts are not listed per entry:
 * the SV_F_MATCH, SV_F_COMPARATOR and SV_F_ADDRPART flags let parse.c
 * accept them.  Messages follow Pigeonhole's where it has one.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "lex.h"

/* ---- checks beyond the table ---- */

/* str_const - a's string when it holds no variable reference */
static const struct sv_str *str_const(const struct sv_parser *p,
                                      const struct sv_arg *a)
{
    if (a == NULL || a->type != SV_STR)
        return NULL;
    if (a->v[0].has_var && (p->s->ext & SV_EXT_VARIABLES))
        return NULL;
    return &a->v[0];
}

/* v_fileinto - a constant folder must be UTF-8 (Pigeonhole checks it) */
static int v_fileinto(struct sv_parser *p, struct sv_node *n)
{
    const struct sv_str *f = str_const(p, n->pos[0]);

    if (f != NULL && !sv_utf8_valid(f->s, f->len))
        return sv_parse_error(p, f->line, f->col, "fileinto command: invalid "
                              "folder name '%s' specified: invalid utf-8",
                              f->s);
    return 0;
}

/* cfws - past blanks and (nested) comments */
static const char *cfws(const char *s)
{
    int depth;

    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
            s++;
        if (*s != '(')
            return s;
        for (depth = 0; *s; s++) {
            if (*s == '\\' && s[1])
                s++;
            else if (*s == '(')
                depth++;
            else if (*s == ')' && --depth == 0)
                break;
        }
        if (*s == '\0')
            return s;
        s++;
    }
}

static int is_atext(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9') || (c & 0x80)
        || (c && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* word - past an atom or a quoted string at s, or NULL */
static const char *word(const char *s)
{
    const char *p = s;

    if (*p == '"') {
        for (p++; *p && *p != '"'; p++)
            if (*p == '\\' && p[1])
                p++;
        return *p == '"' ? p + 1 : NULL;
    }
    while (is_atext((unsigned char)*p))
        p++;
    return p > s ? p : NULL;
}

/* addr_spec - past local@domain at s, or NULL; the local part as
 * leniently as Pigeonhole takes it (dots anywhere), the domain not */
static const char *addr_spec(const char *s)
{
    const char *p = s, *q;

    s = p = cfws(s);
    for (;;) {
        if (*p == '.')
            p++;
        else if ((q = word(p)) != NULL)
            p = q;
        else
            break;
    }
    if (p == s || *(p = cfws(p)) != '@')
        return NULL;
    p = cfws(p + 1);
    if (*p == '[') {
        while (*p && *p != ']')
            p++;
        return *p == ']' ? p + 1 : NULL;
    }
    for (;;) {
        q = p;
        while (is_atext((unsigned char)*p) && *p != '/')
            p++;
        if (p == q)
            return NULL;
        if (*p != '.')
            return p;
        p++;
    }
}

/* address_ok - s is one address: addr-spec, or a phrase and <addr-spec> */
static int address_ok(const char *s)
{
    const char *p = cfws(s), *q;

    for (q = p; (q = cfws(q)), *q && *q != '<';) {
        const char *w = *q == '.' ? q + 1 : word(q);

        if (w == NULL)
            break;
        q = w;
    }
    if (*q == '<') {
        p = addr_spec(q + 1);
        if (p == NULL || *(p = cfws(p)) != '>')
            return 0;
        p++;
    } else if ((p = addr_spec(p)) == NULL) {
        return 0;
    }
    return *cfws(p) == '\0';
}

/* v_redirect - a constant address must be one address */
static int v_redirect(struct sv_parser *p, struct sv_node *n)
{
    const struct sv_str *a = str_const(p, n->pos[0]);

    if (a != NULL && !address_ok(a->s))
        return sv_parse_error(p, a->line, a->col, "specified redirect "
                              "address '%s' is invalid", a->s);
    return 0;
}

/* v_address - RFC 5228 5.1: only headers that hold addresses, the set
 * Pigeonhole allows */
static int v_address(struct sv_parser *p, struct sv_node *n)
{
    static const char *const ok[] = {
        "from", "sender", "to", "cc", "bcc", "reply-to", "resent-from",
        "resent-sender", "resent-to", "resent-cc", "resent-bcc",
        "resent-reply-to", "delivered-to", "errors-to", "x-original-to",
        "mail-followup-to", "mail-reply-to", "return-receipt-to",
        "apparently-to", "x-beenthere", NULL
    };
    const struct sv_arg *a = n->pos[0];
    int k;

    for (int i = 0; i < a->n; i++) {
        if (a->v[i].has_var && (p->s->ext & SV_EXT_VARIABLES))
            continue;
        for (k = 0; ok[k] != NULL && strcasecmp(ok[k], a->v[i].s) != 0; k++)
            ;
        if (ok[k] == NULL)
            return sv_parse_error(p, a->v[i].line, a->v[i].col, "specified "
                                  "header '%s' is not allowed for the "
                                  "address test", a->v[i].s);
    }
    return 0;
}

/* v_envelope - RFC 5228 5.4: "from" and "to"; Pigeonhole adds "auth" */
static int v_envelope(struct sv_parser *p, struct sv_node *n)
{
    const struct sv_arg *a = n->pos[0];

    for (int i = 0; i < a->n; i++) {
        if (a->v[i].has_var && (p->s->ext & SV_EXT_VARIABLES))
            continue;
        if (strcasecmp(a->v[i].s, "from") != 0
            && strcasecmp(a->v[i].s, "to") != 0
            && strcasecmp(a->v[i].s, "auth") != 0)
            return sv_parse_error(p, a->v[i].line, a->v[i].col, "specified "
                                  "envelope part '%s' is not supported by "
                                  "the envelope test", a->v[i].s);
    }
    return 0;
}

/* var_names - each string of a (string or list) a valid variable name,
 * declared in the script's scope or the global one */
static int var_names(struct sv_parser *p, const struct sv_arg *a, int global)
{
    if (a == NULL)
        return 0;
    for (int i = 0; i < a->n; i++) {
        if (!sv_var_name_valid(a->v[i].s))
            return sv_parse_error(p, a->v[i].line, a->v[i].col,
                                  "invalid variable name '%s'", a->v[i].s);
        if (sv_declare(p, &a->v[i], global) < 0)
            return -1;
    }
    return 0;
}

/* v_set - RFC 5229 4.1: two modifiers of one precedence conflict */
static int v_set(struct sv_parser *p, struct sv_node *n)
{
    static const char *const groups[][3] = {
        {"lower", "upper", NULL}, {"lowerfirst", "upperfirst", NULL},
    };
    const struct sv_tagged *seen;

    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        seen = NULL;
        for (int i = 0; i < n->ntags; i++) {
            if (strcmp(n->tags[i].name, groups[g][0]) != 0
                && strcmp(n->tags[i].name, groups[g][1]) != 0)
                continue;
            if (seen != NULL)
                return sv_parse_error(p, n->tags[i].tag->line,
                                      n->tags[i].tag->col, "modifiers :%s "
                                      "and :%s specified for the set command"
                                      " conflict having equal precedence",
                                      seen->name, n->tags[i].name);
            seen = &n->tags[i];
        }
    }
    return var_names(p, n->pos[0], 0);
}

/* v_flags - imap4flags' optional variable: only with "variables" */
static int v_flags(struct sv_parser *p, struct sv_node *n)
{
    if (n->pos[0] != NULL && !(p->s->ext & SV_EXT_VARIABLES))
        return sv_parse_error(p, n->pos[0]->line, n->pos[0]->col,
                              "the %s %s takes a variable name only when "
                              "the variables extension is active", n->name,
                              n->def->kind == SV_TEST ? "test" : "command");
    return var_names(p, n->pos[0], 0);
}

/* v_global - RFC 6609 global: needs "variables", names are declared global */
static int v_global(struct sv_parser *p, struct sv_node *n)
{
    if (!(p->s->ext & SV_EXT_VARIABLES))
        return sv_parse_error(p, n->line, n->col, "global command requires "
                              "that variables extension is active");
    return var_names(p, n->pos[0], 1);
}

/* v_exclusive - at most one of the tags named */
static int v_exclusive(struct sv_parser *p, struct sv_node *n,
                       const char *const *names)
{
    const struct sv_tagged *first = NULL;

    for (int i = 0; i < n->ntags; i++) {
        for (int j = 0; names[j] != NULL; j++) {
            if (strcmp(n->tags[i].name, names[j]) != 0)
                continue;
            if (first != NULL)
                return sv_parse_error(p, n->tags[i].tag->line,
                                      n->tags[i].tag->col, "encountered "
                                      "duplicate :%s argument for the %s %s"
                                      " (:%s given)", n->tags[i].name,
                                      n->name, n->def->kind == SV_TEST ?
                                      "test" : "command", first->name);
            first = &n->tags[i];
        }
    }
    return 0;
}

/* v_size - exactly one of :over and :under */
static int v_size(struct sv_parser *p, struct sv_node *n)
{
    static const char *const names[] = {"over", "under", NULL};

    if (n->ntags == 0)
        return sv_parse_error(p, n->line, n->col, "the size test requires "
                              "one of the :over or :under tags");
    return v_exclusive(p, n, names);
}

/* v_body - one body transform at most */
static int v_body(struct sv_parser *p, struct sv_node *n)
{
    static const char *const names[] = {"raw", "content", "text", NULL};

    return v_exclusive(p, n, names);
}

/* v_date - :zone or :originalzone, not both */
static int v_date(struct sv_parser *p, struct sv_node *n)
{
    static const char *const names[] = {"zone", "originalzone", NULL};

    return v_exclusive(p, n, names);
}

/* v_vacation - :days or :seconds; a constant :from one address */
static int v_vacation(struct sv_parser *p, struct sv_node *n)
{
    static const char *const names[] = {"days", "seconds", NULL};
    const struct sv_str *from = str_const(p, sv_tag(n, "from"));

    if (from != NULL && !address_ok(from->s))
        return sv_parse_error(p, from->line, from->col, "specified :from "
                              "address '%s' is invalid for vacation action",
                              from->s);
    return v_exclusive(p, n, names);
}

/* v_include - a constant, plain script name; noted for loading */
static int v_include(struct sv_parser *p, struct sv_node *n)
{
    static const char *const names[] = {"personal", "global", NULL};
    const struct sv_str *s = &n->pos[0]->v[0];

    if (v_exclusive(p, n, names) < 0)
        return -1;
    /* RFC 6609 3.2: the name is a constant, never a path */
    if (s->has_var && (p->s->ext & SV_EXT_VARIABLES))
        return sv_parse_error(p, s->line, s->col, "include: the script name "
                              "'%s' must be a constant string", s->s);
    if (s->len == 0 || s->s[0] == '.' || strchr(s->s, '/') != NULL
        || !sv_utf8_valid(s->s, s->len) || s->len > 255)
        return sv_parse_error(p, s->line, s->col, "include: invalid script "
                              "name '%s'", s->s);
    for (size_t i = 0; i < s->len; i++)
        if ((unsigned char)s->s[i] < ' ' || s->s[i] == 0x7f)
            return sv_parse_error(p, s->line, s->col, "include: invalid "
                                  "script name '%s'", s->s);
    if (p->nincs == p->aincs) {
        int a = p->aincs ? p->aincs * 2 : 8;
        struct sv_node **v = sv_pool_alloc(p->pool, (size_t)a * sizeof(*v));

        if (v == NULL)
            return sv_parse_error(p, n->line, n->col, "out of memory");
        if (p->nincs)
            memcpy(v, p->incs, (size_t)p->nincs * sizeof(*v));
        p->incs = v;
        p->aincs = a;
    }
    p->incs[p->nincs++] = n;
    return 0;
}

/* ---- the table ---- */

static const struct sv_tagdef t_keep[] = {
    {"flags", 'L', "imap4flags"}, {NULL, 0, NULL}
};
static const struct sv_tagdef t_redirect[] = {
    {"copy", 0, "copy"}, {NULL, 0, NULL}
};
static const struct sv_tagdef t_fileinto[] = {
    {"copy", 0, "copy"}, {"create", 0, "mailbox"},
    {"flags", 'L', "imap4flags"}, {NULL, 0, NULL}
};
static const struct sv_tagdef t_set[] = {
    {"lower", 0, NULL}, {"upper", 0, NULL}, {"lowerfirst", 0, NULL},
    {"upperfirst", 0, NULL}, {"quotewildcard", 0, NULL},
    {"length", 0, NULL}, {NULL, 0, NULL}
};
static const struct sv_tagdef t_vacation[] = {
    {"days", 'N', NULL}, {"seconds", 'N', "vacation-seconds"},
    {"subject", 'S', NULL}, {"from", 'S', NULL}, {"addresses", 'L', NULL},
    {"mime", 0, NULL}, {"handle", 'S', NULL}, {NULL, 0, NULL}
};
static const struct sv_tagdef t_include[] = {
    {"personal", 0, NULL}, {"global", 0, NULL}, {"once", 0, NULL},
    {"optional", 0, NULL}, {NULL, 0, NULL}
};
static const struct sv_tagdef t_size[] = {
    {"over", 'N', NULL}, {"under", 'N', NULL}, {NULL, 0, NULL}
};
static const struct sv_tagdef t_body[] = {
    {"raw", 0, NULL}, {"content", 'L', NULL}, {"text", 0, NULL},
    {NULL, 0, NULL}
};
static const struct sv_tagdef t_date[] = {
    {"zone", 'S', NULL}, {"originalzone", 0, NULL}, {NULL, 0, NULL}
};
static const struct sv_tagdef t_currentdate[] = {
    {"zone", 'S', NULL}, {NULL, 0, NULL}
};
static const struct sv_tagdef t_spamtest[] = {
    {"percent", 0, "spamtestplus"}, {NULL, 0, NULL}
};

#define MCA (SV_F_MATCH | SV_F_COMPARATOR | SV_F_ADDRPART)
#define MC (SV_F_MATCH | SV_F_COMPARATOR)

static const struct sv_def defs[] = {
    /* RFC 5228 control and actions */
    {"require", SV_REQUIRE, SV_COMMAND, NULL, "L", NULL, 0, NULL},
    {"if", SV_IF, SV_COMMAND, NULL, "", NULL, SV_F_TEST | SV_F_BLOCK, NULL},
    {"elsif", SV_ELSIF, SV_COMMAND, NULL, "", NULL, SV_F_TEST | SV_F_BLOCK,
     NULL},
    {"else", SV_ELSE, SV_COMMAND, NULL, "", NULL, SV_F_BLOCK, NULL},
    {"stop", SV_STOP, SV_COMMAND, NULL, "", NULL, 0, NULL},
    {"keep", SV_KEEP, SV_COMMAND, NULL, "", t_keep, 0, NULL},
    {"discard", SV_DISCARD, SV_COMMAND, NULL, "", NULL, 0, NULL},
    {"redirect", SV_REDIRECT, SV_COMMAND, NULL, "S", t_redirect, 0,
     v_redirect},
    {"fileinto", SV_FILEINTO, SV_COMMAND, "fileinto", "S", t_fileinto, 0,
     v_fileinto},
    /* RFC 5429 */
    {"reject", SV_REJECT, SV_COMMAND, "reject", "S", NULL, 0, NULL},
    {"ereject", SV_EREJECT, SV_COMMAND, "ereject", "S", NULL, 0, NULL},
    /* RFC 5232: [<variablename: string>] <list-of-flags: string-list> */
    {"setflag", SV_SETFLAG, SV_COMMAND, "imap4flags", "sL", NULL, 0,
     v_flags},
    {"addflag", SV_ADDFLAG, SV_COMMAND, "imap4flags", "sL", NULL, 0,
     v_flags},
    {"removeflag", SV_REMOVEFLAG, SV_COMMAND, "imap4flags", "sL", NULL, 0,
     v_flags},
    /* RFC 5229: set [MODIFIER] <name: string> <value: string> */
    {"set", SV_SET, SV_COMMAND, "variables", "SS", t_set, 0, v_set},
    /* RFC 5230, RFC 6131 */
    {"vacation", SV_VACATION, SV_COMMAND, "vacation", "S", t_vacation, 0,
     v_vacation},
    /* RFC 6609 */
    {"include", SV_INCLUDE, SV_COMMAND, "include", "S", t_include, 0,
     v_include},
    {"return", SV_RETURN, SV_COMMAND, "include", "", NULL, 0, NULL},
    {"global", SV_GLOBAL, SV_COMMAND, "include", "L", NULL, 0, v_global},

    /* RFC 5228 tests */
    {"address", SV_ADDRESS, SV_TEST, NULL, "LL", NULL, MCA, v_address},
    {"allof", SV_ALLOF, SV_TEST, NULL, "", NULL, SV_F_TESTLIST, NULL},
    {"anyof", SV_ANYOF, SV_TEST, NULL, "", NULL, SV_F_TESTLIST, NULL},
    {"envelope", SV_ENVELOPE, SV_TEST, "envelope", "LL", NULL, MCA,
     v_envelope},
    {"exists", SV_EXISTS, SV_TEST, NULL, "L", NULL, 0, NULL},
    {"false", SV_FALSE, SV_TEST, NULL, "", NULL, 0, NULL},
    {"true", SV_TRUE, SV_TEST, NULL, "", NULL, 0, NULL},
    {"header", SV_HEADER, SV_TEST, NULL, "LL", NULL, MC, NULL},
    {"not", SV_NOT, SV_TEST, NULL, "", NULL, SV_F_TEST, NULL},
    {"size", SV_SIZE, SV_TEST, NULL, "", t_size, 0, v_size},
    /* RFC 5173: body [COMPARATOR] [MATCH-TYPE] [BODY-TRANSFORM] <keys> */
    {"body", SV_BODY, SV_TEST, "body", "L", t_body, MC, v_body},
    /* RFC 5260 */
    {"date", SV_DATE, SV_TEST, "date", "SSL", t_date, MC, v_date},
    {"currentdate", SV_CURRENTDATE, SV_TEST, "date", "SL", t_currentdate, MC,
     NULL},
    /* RFC 5235 */
    {"spamtest", SV_SPAMTEST, SV_TEST, "spamtest", "S", t_spamtest, MC,
     NULL},
    {"virustest", SV_VIRUSTEST, SV_TEST, "virustest", "S", NULL, MC, NULL},
    /* RFC 5232: hasflag [MATCH-TYPE] [COMPARATOR] [<variable-list>]
     * <list-of-flags> */
    {"hasflag", SV_HASFLAG, SV_TEST, "imap4flags", "lL", NULL, MC, v_flags},
    /* RFC 5490 */
    {"mailboxexists", SV_MAILBOXEXISTS, SV_TEST, "mailbox", "L", NULL, 0,
     NULL},
    /* RFC 5229: string [MATCH-TYPE] [COMPARATOR] <source> <keys> */
    {"string", SV_STRING, SV_TEST, "variables", "LL", NULL, MC, NULL},
};

const struct sv_def *sv_grammar_find(const char *name, enum sv_kind kind)
{
    for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
        if (defs[i].kind == kind && strcasecmp(defs[i].name, name) == 0)
            return &defs[i];
    return NULL;
}

static const struct {
    const char *name;
    unsigned long bit;
} exts[] = {
    {"fileinto", SV_EXT_FILEINTO}, {"envelope", SV_EXT_ENVELOPE},
    {"encoded-character", SV_EXT_ENCODED_CHARACTER},
    {"subaddress", SV_EXT_SUBADDRESS}, {"copy", SV_EXT_COPY},
    {"mailbox", SV_EXT_MAILBOX}, {"imap4flags", SV_EXT_IMAP4FLAGS},
    {"variables", SV_EXT_VARIABLES}, {"relational", SV_EXT_RELATIONAL},
    {"comparator-i;ascii-numeric", SV_EXT_NUMERIC}, {"body", SV_EXT_BODY},
    {"regex", SV_EXT_REGEX}, {"date", SV_EXT_DATE},
    {"spamtest", SV_EXT_SPAMTEST}, {"spamtestplus", SV_EXT_SPAMTESTPLUS},
    {"virustest", SV_EXT_VIRUSTEST}, {"include", SV_EXT_INCLUDE},
    {"reject", SV_EXT_REJECT}, {"ereject", SV_EXT_EREJECT},
    {"vacation", SV_EXT_VACATION},
    {"vacation-seconds", SV_EXT_VACATION_SECONDS},
};

/* Extension names are compared exactly: RFC 5228 3.2 says require's
 * capability strings are case-sensitive. */
unsigned long sv_ext_bit(const char *name)
{
    for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
        if (strcmp(exts[i].name, name) == 0)
            return exts[i].bit;
    return 0;
}
