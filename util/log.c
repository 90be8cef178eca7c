/*
 * log.c - syslog lines and -V output
 *
 * Everything goes to syslog, facility mail, tagged "lda" (or the
 * daemon's name: lda-notifyd logs through here too).  With -V the
 * same lines and a trace of the delivery go to stderr too.  Postfix
 * pipe(8) takes the first line the agent prints as the reason for the
 * delivery status, so when stderr is not a terminal the -V lines are
 * held (in a fixed buffer) and printed after the status line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

static const char *ident = "lda";
static int verbose;
static int hold;
static char held[8192];
static size_t held_len;

/*
 * log_open - set up syslog as name; verbose copies lines to stderr,
 * held for log_flush() when h is set
 */
void log_open(const char *name, int v, int h)
{
    ident = name;
    openlog(name, LOG_PID, LOG_MAIL);
    verbose = v;
    hold = h;
}

/* emit - one -V line, now or held for log_flush() */
static void emit(const char *prefix, const char *fmt, va_list ap)
{
    char line[1024];
    size_t n;

    if (!verbose)
        return;
    snprintf(line, sizeof(line), "%s: %s", ident, prefix);
    n = strlen(line);
    vsnprintf(line + n, sizeof(line) - n, fmt, ap);
    if (!hold) {
        fprintf(stderr, "%s\n", line);
        return;
    }
    n = strlen(line);
    if (held_len + n + 2 <= sizeof(held)) {
        memcpy(held + held_len, line, n);
        held_len += n;
        held[held_len++] = '\n';
    }
}

/* vlog - syslog at priority, echoed by -V */
static void vlog(int prio, const char *prefix, const char *fmt, va_list ap)
{
    va_list copy;

    va_copy(copy, ap);
    vsyslog(prio, fmt, ap);
    emit(prefix, fmt, copy);
    va_end(copy);
}

void log_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(LOG_INFO, "", fmt, ap);
    va_end(ap);
}

void log_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(LOG_WARNING, "warning: ", fmt, ap);
    va_end(ap);
}

/* log_error - something was lost: said at error level */
void log_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(LOG_ERR, "error: ", fmt, ap);
    va_end(ap);
}

/* log_verbose - a -V trace line, not sent to syslog */
void log_verbose(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    emit("", fmt, ap);
    va_end(ap);
}

/* log_flush - print the held -V lines */
void log_flush(void)
{
    if (held_len)
        fwrite(held, 1, held_len, stderr);
    held_len = 0;
}
