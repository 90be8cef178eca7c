/* send.c - placeholder until redirect and vacation are written */
#include "send.h"

int sieve_redirect(const struct sieve_send *s, const char *addr,
                   struct status *st)
{
    (void)s;
    return status_set(st, "4.3.0", "redirect to '%s': not implemented", addr);
}

int sieve_vacation(const struct sieve_send *s,
                   const struct sieve_vacation *v, struct status *st)
{
    (void)s;
    (void)v;
    return status_set(st, "4.3.0", "vacation: not implemented");
}
