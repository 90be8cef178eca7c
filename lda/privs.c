/*
 * privs.c - become the delivery account
 *
 * lda never writes a file as root.  Started as root (by hand, or by a
 * pipe(8) entry run as root), it takes the uid and gid of the "user"
 * and "group" settings and drops every supplementary group before it
 * touches a Maildir; uid and gid 0 are refused.  Started as anyone
 * else, it delivers as itself (pipe(8) user= has already chosen).
 * All failures here are configuration problems: 4.3.5, retried.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "privs.h"

/* privs_drop - switch to the delivery account; home gets its home */
int privs_drop(const char *user, const char *group, char *home, size_t cap,
               struct status *st)
{
    struct passwd *pw;
    struct group *gr;
    const char *h;
    gid_t gid;

    if (geteuid() != 0) {
        if ((h = getenv("HOME")) == NULL || *h != '/')
            h = (pw = getpwuid(getuid())) ? pw->pw_dir : "";
        snprintf(home, cap, "%s", h);
        return 0;
    }
    if (*user == '\0')
        return status_set(st, "4.3.5", "started as root without a 'user' "
                          "setting: refusing to deliver as root");
    errno = 0;
    if ((pw = getpwnam(user)) == NULL)
        return status_set(st, "4.3.5", "user '%s': %s", user, errno
                          ? strerror(errno) : "no such account");
    gid = pw->pw_gid;
    if (*group) {
        errno = 0;
        if ((gr = getgrnam(group)) == NULL)
            return status_set(st, "4.3.5", "group '%s': %s", group, errno
                              ? strerror(errno) : "no such group");
        gid = gr->gr_gid;
    }
    if (pw->pw_uid == 0 || gid == 0)
        return status_set(st, "4.3.5", "user '%s' or its group is root: "
                          "refusing to deliver as root", user);
    snprintf(home, cap, "%s", pw->pw_dir);
    if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(pw->pw_uid) < 0)
        return status_errno(st, errno, "become user '%s'", user);
    if (setuid(0) == 0)
        return status_set(st, "4.3.0", "could not drop root privileges");
    return 0;
}
