/* addr.h - RFC 5322 address lists into display names and addresses */
#ifndef LDA_ADDR_H
#define LDA_ADDR_H

#define ADDR_NAME_MAX 256
#define ADDR_ADDRESS_MAX 320

struct addr {
    char name[ADDR_NAME_MAX];           /* UTF-8, "" when none */
    char address[ADDR_ADDRESS_MAX];     /* local@domain, "" when none */
    int spaced;         /* read from words with blanks between them
                         * ("a b@c" as "ab@c"): no addr-spec, strictly */
    int plain;          /* bytes of address that are the addr-spec, the
                         * words after a bare domain not counted
                         * ("a@b.c junk" gives "a@b.cjunk", plain 5) */
};

/*
 * addr_parse_list - the mailboxes of an address-list (From:, To:) into
 * out, at most max of them, in order; group members are listed, group
 * names dropped.  Every stored entry has a non-empty address; pieces
 * without one are skipped.  Never fails: returns how many were stored.
 */
int addr_parse_list(const char *in, struct addr *out, int max);

#endif
