/*
 * privs.c - become the delivery account
 *
 * lda never writes a file as root.  Started as root (by hand, or by a
 * pipe(8) entry run as root), it takes the uid and gid of the account
 * (from the userdb, or the "user" and "group" settings) and drops every
 * supplementary group before it touches a Maildir; uid and gid 0 are
 * refused.  Started as anyone else, it delivers as itself (pipe(8)
 * user= has already chosen), and an account that names another uid
 * cannot be served.  All failures here are configuration problems:
 * 4.3.5, retried.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "privs.h"

/* become - drop to uid and gid for good, and check that it held */
static int become(uid_t uid, gid_t gid, const char *who, struct status *st)
{
    if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0)
        return status_errno(st, errno, "become user '%s'", who);
    if (setuid(0) == 0)
        return status_set(st, "4.3.0", "could not drop root privileges");
    return 0;
}

/* not_found - 4.3.5: a passwd or group lookup that found nothing */
static int not_found(const char *what, const char *name, const char *none,
                     struct status *st)
{
    if (errno)
        return status_errno_as(st, "4.3.5", errno, "%s '%s'", what, name);
    return status_set(st, "4.3.5", "%s '%s': %s", what, name, none);
}

/*
 * privs_account - switch to the uid and gid a userdb gave for account
 * who; gid < 0 takes the "group" setting or the uid's own group.  home
 * gets the uid's home directory when there is one.
 */
int privs_account(long uid, long gid, const char *group, const char *who,
                  char *home, size_t cap, struct status *st)
{
    struct passwd *pw = getpwuid((uid_t)uid);
    struct group *gr;

    snprintf(home, cap, "%s", pw ? pw->pw_dir : "");
    if (geteuid() != 0) {
        if ((long)getuid() == uid)
            return 0;
        return status_set(st, "4.3.5", "user '%s' is uid %ld, but lda runs "
                          "as uid %ld and cannot switch: run it as root or "
                          "as that uid", who, uid, (long)getuid());
    }
    if (gid < 0 && *group) {
        errno = 0;
        if ((gr = getgrnam(group)) == NULL)
            return not_found("group", group, "no such group", st);
        gid = (long)gr->gr_gid;
    }
    if (gid < 0 && pw)
        gid = (long)pw->pw_gid;
    if (gid < 0)
        return status_set(st, "4.3.5", "user '%s': no gid (uid %ld has no "
                          "passwd entry and 'group' is not set)", who, uid);
    if (uid == 0 || gid == 0)
        return status_set(st, "4.3.5", "user '%s': uid or gid 0: refusing "
                          "to deliver as root", who);
    return become((uid_t)uid, (gid_t)gid, who, st);
}

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
        return not_found("user", user, "no such account", st);
    gid = pw->pw_gid;
    if (*group) {
        errno = 0;
        if ((gr = getgrnam(group)) == NULL)
            return not_found("group", group, "no such group", st);
        gid = gr->gr_gid;
    }
    if (pw->pw_uid == 0 || gid == 0)
        return status_set(st, "4.3.5", "user '%s' or its group is root: "
                          "refusing to deliver as root", user);
    snprintf(home, cap, "%s", pw->pw_dir);
    return become(pw->pw_uid, gid, user, st);
}
