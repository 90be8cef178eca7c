/*
 * stop.c - a delivery cut short: the timeout and the stopping signals
 *
 * The delivery_timeout alarm and SIGTERM, SIGINT, SIGHUP only set
 * stop_reason and make reads fail (no SA_RESTART), so the delivery
 * ends through its normal error path, which removes the tmp/ file, and
 * exits 75.  A system call that hangs past a grace period, or a second
 * signal, ends the process at once (hard_exit), with 75 all the same.
 */
#include <string.h>
#include <unistd.h>

#include "stop.h"

#define HARD_EXIT_GRACE 10      /* seconds after the timeout */

volatile sig_atomic_t stop_reason;
static volatile sig_atomic_t stop_signal;
static struct maildir *volatile active;

/*
 * hard_exit - a system call hung past the grace period, or a second
 * signal came: leave at once with 75, removing a local tmp/ file (a
 * remote one would need calls that are not async-signal-safe; the
 * 36-hour tmp/ cleanup takes it)
 */
static void hard_exit(void)
{
    static const char late[] = "4.3.0 delivery timed out\n";
    static const char sig[] = "4.3.0 delivery stopped by a signal\n";
    struct maildir *md = active;

    if (md)
        maildir_signal_abort(md);
    if (stop_reason == STOP_SIGNAL)
        (void)!write(2, sig, sizeof(sig) - 1);
    else
        (void)!write(2, late, sizeof(late) - 1);
    _exit(EX_TEMPFAIL_);
}

/*
 * on_alarm - the first alarm makes reads fail so the delivery ends
 * through its normal error path, which removes the tmp/ file; a second
 * one, if a system call hangs past the grace period, ends the process
 * with 75 all the same.
 */
static void on_alarm(int sig)
{
    (void)sig;
    if (stop_reason) {
        hard_exit();
        return;
    }
    stop_reason = STOP_TIMEOUT;
    alarm(HARD_EXIT_GRACE);
}

/*
 * on_stop - SIGTERM, SIGINT, SIGHUP: end the delivery as a timeout
 * does (tmp/ file removed, exit 75); a second signal ends it at once
 */
static void on_stop(int sig)
{
    if (stop_reason == STOP_SIGNAL) {
        hard_exit();
        return;
    }
    stop_signal = sig;
    stop_reason = STOP_SIGNAL;
    alarm(HARD_EXIT_GRACE);
}

/* catch - install handler for sig, without SA_RESTART: reads must see
 * EINTR */
static void catch(int sig, void (*handler)(int))
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sigaction(sig, &sa, NULL);
}

/* stop_catch - install the alarm and stopping signal handlers */
void stop_catch(void)
{
    catch(SIGALRM, on_alarm);
    catch(SIGTERM, on_stop);
    catch(SIGINT, on_stop);
    catch(SIGHUP, on_stop);
}

/* stop_arm - time out in seconds; 0 cancels */
void stop_arm(unsigned seconds)
{
    alarm(seconds);
}

/*
 * stop_watch - the Maildir file a hard exit removes (when its driver
 * can do so from a signal handler); set once the file exists
 */
void stop_watch(struct maildir *md)
{
    active = md;
}

/* stop_status - the status of a delivery cut short, or 0 if it was not */
int stop_status(struct status *st)
{
    if (stop_reason == STOP_TIMEOUT)
        return status_set(st, "4.3.0", "delivery timed out");
    if (stop_reason == STOP_SIGNAL)
        return status_set(st, "4.3.0", "delivery stopped by signal %d",
                          (int)stop_signal);
    return 0;
}
