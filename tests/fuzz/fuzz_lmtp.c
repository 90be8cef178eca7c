/*
 * fuzz_lmtp.c - an LMTP session of lda-lmtpd (lmtp/session.c and
 * lmtp/spool.c) on any input
 *
 * The input is what a client sends, all of it, then the end of the
 * connection; the replies are read and dropped by a thread.  The
 * session must end by itself (input over, QUIT, too many errors),
 * within its buffers, without a leak.  Deliveries are attempted for
 * real and refused at once: the storage root does not exist, so no
 * file is written.  The first byte picks message_size_limit.
 */
#include <pthread.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <syslog.h>

#include "fuzz.h"

#include "../../lmtp/server.h"

/* vsyslog - a delivery's log line goes nowhere (millions of runs) */
void vsyslog(int prio, const char *fmt, va_list ap)
{
    (void)prio;
    (void)fmt;
    (void)ap;
}

/* drain - read and drop the replies until the session closes */
static void *drain(void *arg)
{
    int fd = *(int *)arg;
    char buf[65536];

    while (read(fd, buf, sizeof(buf)) > 0)
        ;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct server srv;
    static int ready;
    struct status st;
    pthread_t reader;
    int sv[2];
    size_t off = 0;
    ssize_t n;

    if (size == 0 || size > 200000)
        return 0;
    if (!ready) {
        signal(SIGPIPE, SIG_IGN);
        if (config_read(&srv.cfg, "/dev/null", NULL, 0, &st) < 0)
            fuzz_fail("settings: %s", st.text);
        snprintf(srv.cfg.maildir, sizeof(srv.cfg.maildir),
                 "/nonexistent-lda-fuzz/%%d/%%n/Maildir");
        snprintf(srv.cfg.storage_root, sizeof(srv.cfg.storage_root),
                 "/nonexistent-lda-fuzz");
        snprintf(srv.cfg.lmtp.spool_dir, sizeof(srv.cfg.lmtp.spool_dir),
                 "/tmp");
        srv.cfg.lmtp.command_timeout = 5;
        srv.cfg.lmtp.data_timeout = 5;
        srv.cfg.lmtp.max_recipients = 20;
        snprintf(srv.host, sizeof(srv.host), "fuzz.test");
        ready = 1;
    }
    srv.cfg.message_size_limit = data[0] & 1 ? 100 : 0;
    data++;
    size--;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        fuzz_fail("socketpair");
    if (pthread_create(&reader, NULL, drain, &sv[1]) != 0)
        fuzz_fail("pthread_create");
    /* What the socket buffer does not take is lost: inputs that large
     * test nothing more. */
    while (off < size) {
        n = send(sv[1], data + off, size - off, MSG_DONTWAIT);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        break;
    }
    shutdown(sv[1], SHUT_WR);
    session_run(&srv, sv[0]);   /* closes sv[0] */
    pthread_join(reader, NULL);
    close(sv[1]);
    return 0;
}
