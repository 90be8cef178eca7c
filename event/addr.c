/*
 * addr.c - From: and To: values into display names and addresses
 *
 * An event lists who a message is from and to, so the address-list
 * grammar of RFC 5322 3.4 is followed far enough to find each mailbox:
 * name-addr and addr-spec forms, groups (members listed, the group's
 * name dropped), comments (nested, with quoted-pairs), quoted strings
 * and the obsolete source route of RFC 5322 4.4 (dropped).  Headers come
 * from strangers, so parsing is one bounded pass that never fails: an
 * unterminated quote, comment or angle bracket ends at the end of the
 * input, and a piece that yields no address is skipped.
 *
 * Choices: an entry always has an address (a bare piece needs an "@"
 * outside quotes and comments, with text on both sides; "<root>" in
 * brackets is taken as written); the name is the phrase, else the first
 * comment; names are RFC 2047 decoded, also inside quoted strings as
 * common mail readers do; addresses lose blanks, comments and control
 * characters (CFWS is not part of an address) and keep their quotes.
 */
#include <string.h>

#include "addr.h"
#include "rfc2047.h"

#define PIECE_MAX 1024              /* the header scanner cuts at 1024 too */

struct buf {
    char s[PIECE_MAX];
    size_t n;
};

/* One address of the list while it is being read. */
struct piece {
    struct buf phrase;          /* display name: atoms, quoted text */
    struct buf bare;            /* the text as an addr-spec */
    struct buf angle;           /* between the first < and its > */
    struct buf comment;         /* the first comment outside brackets */
    int space;                  /* a blank is due before the next word */
    int angles;                 /* <...> seen: 0, 1, 2 for more */
    int comments;               /* one was seen outside brackets */
    int at;                     /* an "@" outside quotes, comments, <> */
    int words;                  /* blanks between words of a bare local
                                 * part */
    int junk;                   /* a word after a bare domain: the rest
                                 * is no part of the address */
    size_t junk_at;             /* where it started in bare */
};

/* buf_add - one byte if it fits; the rest of a long piece is dropped */
static void buf_add(struct buf *b, char c)
{
    if (b != NULL && b->n + 1 < sizeof(b->s))
        b->s[b->n++] = c;
}

/* buf_str - the text so far as a string */
static const char *buf_str(struct buf *b)
{
    b->s[b->n] = '\0';
    return b->s;
}

/* addr_add - a byte of an address: blanks and controls are no part of it */
static void addr_add(struct buf *b, char c)
{
    if ((unsigned char)c > ' ' && c != 0x7f)
        buf_add(b, c);
}

/* phrase_add - a byte of the display name, after a blank if one is due */
static void phrase_add(struct piece *pc, char c)
{
    if (pc->space && pc->phrase.n > 0)
        buf_add(&pc->phrase, ' ');
    pc->space = 0;
    buf_add(&pc->phrase, c);
}

/* scan_quoted - a quoted-string at p: its text to the name, raw to addr */
static const char *scan_quoted(const char *p, struct piece *pc,
                               struct buf *addr, int in_phrase)
{
    if (in_phrase && pc->space && pc->phrase.n > 0)
        buf_add(&pc->phrase, ' ');
    pc->space = 0;
    buf_add(addr, '"');
    for (p++; *p != '\0'; p++) {
        if (*p == '"') {
            buf_add(addr, '"');
            return p + 1;
        }
        if (*p == '\\' && p[1] != '\0')
            buf_add(addr, *p++);        /* an address keeps its quoting */
        if (*p == ' ' || *p == '\t')
            buf_add(addr, *p);          /* "john doe"@example.com */
        else
            addr_add(addr, *p);
        if (in_phrase)
            buf_add(&pc->phrase, *p);
    }
    return p;
}

/* scan_comment - a comment at p, nested ones within it; its text to to */
static const char *scan_comment(const char *p, struct buf *to)
{
    size_t depth = 0;

    for (; *p != '\0'; p++) {
        if (*p == '\\' && p[1] != '\0') {
            buf_add(to, *++p);
            continue;
        }
        if (*p == '(' && depth++ == 0)
            continue;
        if (*p == ')' && --depth == 0)
            return p + 1;
        buf_add(to, *p);
    }
    return p;
}

/* strip_route - the addr-spec of an angle-addr, without "@a,@b:" */
static const char *strip_route(const char *a)
{
    const char *colon;

    if (*a == '@' && (colon = strchr(a, ':')) != NULL)
        return colon + 1;
    return a;
}

/* piece_emit - the piece as an entry; 1 if stored, 0 if it had none */
static int piece_emit(struct piece *pc, struct addr *out)
{
    const char *address, *name;
    size_t len;

    if (pc->angles > 0) {
        address = strip_route(buf_str(&pc->angle));
        name = pc->phrase.n > 0 ? buf_str(&pc->phrase)
            : buf_str(&pc->comment);
    } else {
        address = buf_str(&pc->bare);
        name = buf_str(&pc->comment);
        len = strlen(address);
        if (!pc->at || len < 3 || address[0] == '@'
            || address[len - 1] == '@')
            return 0;
    }
    if (*address == '\0')
        return 0;
    utf8_clean(address, strlen(address), out->address,
               sizeof(out->address));
    out->spaced = pc->angles == 0 && pc->words;
    out->plain = (int)strlen(out->address);
    if (pc->angles == 0 && pc->junk && pc->junk_at < (size_t)out->plain)
        out->plain = (int)pc->junk_at;
    rfc2047_decode(name, out->name, sizeof(out->name));
    return 1;
}

/*
 * bare_blank - what a blank before c means to a bare addr-spec: between
 * words of the local part it makes none ("a b@c", kept but marked);
 * after the domain, before a word that is not "." or continues none,
 * ends the address proper ("a@b.c junk": plain is a@b.c), as Dovecot
 * reads them; the address itself keeps the lenient reading
 */
static void bare_blank(struct piece *pc, char c)
{
    char last;

    if (!pc->space || pc->bare.n == 0 || pc->angles > 0)
        return;
    last = pc->bare.s[pc->bare.n - 1];
    if (!pc->at && c != '@')
        pc->words = 1;
    else if (pc->at && !pc->junk && last != '@' && last != '.' && c != '.') {
        pc->junk = 1;
        pc->junk_at = pc->bare.n;
    }
}

/* piece_reset - start the next piece */
static void piece_reset(struct piece *pc)
{
    pc->phrase.n = pc->bare.n = pc->angle.n = pc->comment.n = 0;
    pc->space = pc->angles = pc->comments = pc->at = 0;
    pc->words = pc->junk = 0;
}

/* addr_parse_list - up to max entries from an address-list; how many */
int addr_parse_list(const char *in, struct addr *out, int max)
{
    struct piece pc;
    const char *p = in;
    int n = 0, in_angle = 0;

    if (in == NULL || out == NULL || max <= 0)
        return 0;
    piece_reset(&pc);
    while (*p != '\0' && n < max) {
        if (*p == '"') {
            if (in_angle)
                p = scan_quoted(p, &pc, pc.angles == 1 ? &pc.angle : NULL,
                                0);
            else
                p = scan_quoted(p, &pc, &pc.bare, 1);
            continue;
        }
        if (*p == '(') {
            /* only the first comment outside brackets may be a name */
            p = scan_comment(p, in_angle || pc.comments > 0 ? NULL
                             : &pc.comment);
            if (!in_angle)
                pc.comments = 1;
            pc.space = 1;
            continue;
        }
        if (in_angle) {
            if (*p == '>')
                in_angle = 0;
            else if (pc.angles == 1)
                addr_add(&pc.angle, *p);
            p++;
            continue;
        }
        switch (*p) {
        case '<':
            in_angle = 1;
            if (pc.angles < 2)
                pc.angles++;
            break;
        case '>':
        case ')':
            break;                      /* a stray one: nothing to close */
        case ',':
        case ';':                       /* ";" also ends a group */
            n += piece_emit(&pc, &out[n]);
            piece_reset(&pc);
            break;
        case ':':                       /* what came before named a group */
            piece_reset(&pc);
            break;
        case ' ': case '\t': case '\r': case '\n':
            pc.space = 1;
            break;
        default:
            bare_blank(&pc, *p);
            if (*p == '@')
                pc.at = 1;
            phrase_add(&pc, *p);
            addr_add(&pc.bare, *p);
            break;
        }
        p++;
    }
    if (*p == '\0' && n < max)
        n += piece_emit(&pc, &out[n]);
    return n;
}
