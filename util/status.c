/*
 * status.c - build status results and map them to exit codes
 *
 * errno is classified here and nowhere else: every caller that saw a
 * system call fail hands the errno to status_errno().  The mapping errs
 * towards 4.x.x: a condition that might clear by itself must never
 * bounce mail (Postfix pipe(8) retries only exit 75).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "status.h"

/* vset - fill st with code and formatted text */
static void vset(struct status *st, const char *code, const char *fmt,
                 va_list ap)
{
    snprintf(st->code, sizeof(st->code), "%s", code);
    vsnprintf(st->text, sizeof(st->text), fmt, ap);
}

/* status_set - record a failure with an explicit code; returns -1 */
int status_set(struct status *st, const char *code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vset(st, code, fmt, ap);
    va_end(ap);
    return -1;
}

/* status_errno_code - the RFC 3463 code for a failed system call */
static const char *status_errno_code(int err)
{
    switch (err) {
    case EDQUOT:
        return "4.2.2";         /* mailbox full (filesystem quota) */
    case ENOSPC:
        return "4.3.1";         /* mail system full */
    case EFBIG:
        return "4.3.4";         /* over a file size limit (ulimit -f) */
    case EACCES:
    case EPERM:
    case EROFS:
    case ENOENT:
    case ENOTDIR:
    case ELOOP:
        return "4.2.0";         /* mailbox unavailable for now */
    default:
        return "4.3.0";         /* other mail system problem */
    }
}

/*
 * A storage driver that talks to a server knows more than errno can
 * say ("NFS4ERR_DQUOT", "Command timed out"): it leaves that here, with
 * the errno it stands for, and the next status_errno() for that errno
 * adds it.  One delivery is one thread, so one slot is enough.
 */
static int detail_err;
static char detail[256];

/* status_detail - the server's own words for the failure errno err */
void status_detail(int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    detail_err = err;
}

/* status_detail_clear - forget the words of an earlier failure */
void status_detail_clear(void)
{
    detail_err = 0;
    detail[0] = '\0';
}

/* verrno - fill st with code, the text and the words for err */
static void verrno(struct status *st, const char *code, int err,
                   const char *fmt, va_list ap)
{
    size_t len;

    vset(st, code, fmt, ap);
    len = strlen(st->text);
    if (detail_err == err && detail[0] != '\0')
        snprintf(st->text + len, sizeof(st->text) - len, ": %s (%s)",
                 strerror(err), detail);
    else
        snprintf(st->text + len, sizeof(st->text) - len, ": %s",
                 strerror(err));
    status_detail_clear();
}

/* status_errno - a system call failure: "text: strerror (detail)"; -1 */
int status_errno(struct status *st, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    verrno(st, status_errno_code(err), err, fmt, ap);
    va_end(ap);
    return -1;
}

/*
 * status_errno_as - a system call failure whose code the caller's
 * contract fixes whatever errno says (a userdb that cannot be asked is
 * 4.3.0, a bad account setting 4.3.5); the text as status_errno()'s
 */
int status_errno_as(struct status *st, const char *code, int err,
                    const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    verrno(st, code, err, fmt, ap);
    va_end(ap);
    return -1;
}

/* status_is_temp - whether Postfix should retry */
static int status_is_temp(const struct status *st)
{
    return st->code[0] != '5';
}

/* status_exit - the one place a status becomes an exit code */
int status_exit(const struct status *st)
{
    if (status_is_temp(st))
        return EX_TEMPFAIL_;
    if (strncmp(st->code, "5.1.", 4) == 0)
        return EX_NOUSER_;
    return EX_NOPERM_;
}
