/*
 * test_userdb_tcp.c - the tcp_table(5) userdb driver against a scripted
 * server in a thread on 127.0.0.1 (and [::1] when there is one): what a
 * lookup sends, how every kind of reply, silence and failure comes out
 * (0, 5.1.1, 4.3.0 or 4.3.5 with the user and the field named), and
 * that no wait outlasts userdb_timeout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "expect.h"

#include "../../lda/userdb.h"

enum act { REPLY, STALL, HANGUP, HUGE };

/* What the server does with the next connection, and what it heard. */
static struct {
    pthread_mutex_t mu;
    enum act act;
    const char *reply;
    size_t reply_len;
    char request[2048];
} srv = {.mu = PTHREAD_MUTEX_INITIALIZER};

static int lfd = -1, lfd6 = -1, stop_pipe[2] = {-1, -1};
static int port, port6, dead_port, dead_fd = -1;
static pthread_t server_thread;

/* read_line - the request line (without the newline) into out */
static void read_line(int fd, char *out, size_t cap)
{
    size_t len = 0;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    char c;

    while (len + 1 < cap && poll(&p, 1, 3000) == 1 && read(fd, &c, 1) == 1
           && c != '\n')
        out[len++] = c;
    out[len] = '\0';
}

/* serve_one - the scripted behaviour for one connection */
static void serve_one(int fd)
{
    char req[2048], junk[512], *big;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    enum act act;

    read_line(fd, req, sizeof(req));
    pthread_mutex_lock(&srv.mu);
    snprintf(srv.request, sizeof(srv.request), "%s", req);
    act = srv.act;
    if (act == REPLY)
        (void)!send(fd, srv.reply, srv.reply_len, MSG_NOSIGNAL);
    pthread_mutex_unlock(&srv.mu);
    if (act == STALL)           /* until the client gives up */
        while (poll(&p, 1, 10000) == 1 && read(fd, junk, sizeof(junk)) > 0)
            ;
    if (act == HUGE && (big = malloc(100 * 1024)) != NULL) {
        memset(big, 'x', 100 * 1024);
        memcpy(big, "200 ", 4);
        (void)!send(fd, big, 100 * 1024, MSG_NOSIGNAL);
        free(big);
    }
    close(fd);
}

/* serve - accept on both listeners until the stop pipe is written */
static void *serve(void *arg)
{
    struct pollfd p[3] = {{.fd = stop_pipe[0], .events = POLLIN},
                          {.fd = lfd, .events = POLLIN},
                          {.fd = lfd6, .events = POLLIN}};
    int i, fd;

    (void)arg;
    while (poll(p, 3, -1) >= 0 && !p[0].revents)
        for (i = 1; i < 3; i++)
            if (p[i].revents && (fd = accept(p[i].fd, NULL, NULL)) >= 0)
                serve_one(fd);
    return NULL;
}

/* listen_on - a socket bound to addr port 0 (listening if backlog >= 0) */
static int listen_on(int family, const char *addr, int backlog, int *p)
{
    struct sockaddr_storage ss;
    struct sockaddr_in *in = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    socklen_t len = sizeof(ss);
    int fd = socket(family, SOCK_STREAM, 0), one = 1;

    if (fd < 0)
        return -1;
    memset(&ss, 0, sizeof(ss));
    ss.ss_family = (sa_family_t)family;
    if (family == AF_INET)
        inet_pton(AF_INET, addr, &in->sin_addr);
    else
        inet_pton(AF_INET6, addr, &in6->sin6_addr);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&ss, len) < 0
        || (backlog >= 0 && listen(fd, backlog) < 0)
        || getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        close(fd);
        return -1;
    }
    *p = ntohs(family == AF_INET ? in->sin_port : in6->sin6_port);
    return fd;
}

/* setup - the listeners and the server thread */
static int setup(void **state)
{
    (void)state;
    lfd = listen_on(AF_INET, "127.0.0.1", 16, &port);
    lfd6 = listen_on(AF_INET6, "::1", 16, &port6);     /* may be none */
    /* bound, never listening: connecting to it is refused */
    dead_fd = listen_on(AF_INET, "127.0.0.1", -1, &dead_port);
    if (lfd < 0 || dead_fd < 0 || pipe(stop_pipe) < 0)
        return -1;
    return pthread_create(&server_thread, NULL, serve, NULL) == 0 ? 0 : -1;
}

/* teardown - stop the server thread, close the listeners */
static int teardown(void **state)
{
    (void)state;
    (void)!write(stop_pipe[1], "x", 1);
    pthread_join(server_thread, NULL);
    close(lfd);
    if (lfd6 >= 0)
        close(lfd6);
    close(dead_fd);
    close(stop_pipe[0]);
    close(stop_pipe[1]);
    return 0;
}

/* subst - fmt with "PORT", "PORT6" and "DEAD" replaced by the ports */
static void subst(char *out, size_t cap, const char *fmt)
{
    size_t o = 0;

    while (*fmt && o + 8 < cap) {
        if (strncmp(fmt, "PORT6", 5) == 0) {
            o += (size_t)snprintf(out + o, cap - o, "%d", port6);
            fmt += 5;
        } else if (strncmp(fmt, "PORT", 4) == 0) {
            o += (size_t)snprintf(out + o, cap - o, "%d", port);
            fmt += 4;
        } else if (strncmp(fmt, "DEAD", 4) == 0) {
            o += (size_t)snprintf(out + o, cap - o, "%d", dead_port);
            fmt += 4;
        } else {
            out[o++] = *fmt++;
        }
    }
    out[o] = '\0';
}

/* now_s - monotonic seconds, to time a lookup */
static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* lookup - one lookup of user through arg with the server set to act */
static int lookup(const char *arg, const char *user, enum act act,
                  const char *reply, size_t reply_len, struct account *a,
                  struct status *st, double *secs)
{
    struct config cfg;
    struct recipient r;
    double t0;
    int rc;

    config_defaults(&cfg);
    cfg.userdb_timeout = 1;
    memset(&r, 0, sizeof(r));
    snprintf(r.user, sizeof(r.user), "%s", user);
    memset(a, 0, sizeof(*a));
    a->uid = a->gid = USERDB_NO_ID;
    memset(st, 0, sizeof(*st));
    pthread_mutex_lock(&srv.mu);
    srv.act = act;
    srv.reply = reply;
    srv.reply_len = reply_len;
    srv.request[0] = '\0';
    pthread_mutex_unlock(&srv.mu);
    t0 = now_s();
    rc = userdb_tcp_ops.lookup(arg, &cfg, &r, a, st);
    *secs = now_s() - t0;
    return rc;
}

#define B(s) (s), sizeof(s) - 1         /* a reply with its length */

struct tcase {
    const char *name;
    const char *arg;            /* default "127.0.0.1:PORT" */
    const char *user;           /* default "bob@example.com" */
    enum act act;
    const char *reply;          /* raw bytes (B()), for REPLY */
    size_t reply_len;
    int want_rc;
    const char *want_code;
    const char *want_text[3];   /* substrings of st.text */
    const char *want_request;   /* the line the server got */
    const char *want_maildir, *want_home;
    long want_uid, want_gid;    /* 0: USERDB_NO_ID */
    int want_quota_set;
    uint64_t want_quota, want_quota_messages;
    int need_v6;
};

static const struct tcase cases[] = {
    {.name = "found, every field, unknown keys ignored",
     .reply = B("200 {\"maildir\":\"/var/vmail/example.com/bob/Maildir\","
                "\"home\":\"/home/bob\",\"uid\":5000,\"gid\":5001,"
                "\"quota\":\"1G\",\"quota_messages\":1000,"
                "\"later\":{\"x\":[1,2]}}\n"),
     .want_request = "get bob@example.com",
     .want_maildir = "/var/vmail/example.com/bob/Maildir",
     .want_home = "/home/bob", .want_uid = 5000, .want_gid = 5001,
     .want_quota_set = 1, .want_quota = 1ULL << 30,
     .want_quota_messages = 1000},
    {.name = "found, empty object: the settings rule",
     .reply = B("200 {}\n"), .want_maildir = "", .want_home = ""},
    {.name = "null is absent",
     .reply = B("200 {\"maildir\":null,\"uid\":null,\"quota\":null}\n"),
     .want_maildir = "", .want_home = ""},
    {.name = "quota in bytes alone",
     .reply = B("200 {\"quota\":1048576}\n"), .want_maildir = "",
     .want_home = "", .want_quota_set = 1, .want_quota = 1048576},
    {.name = "quota_messages alone",
     .reply = B("200 {\"quota_messages\":10}\n"), .want_maildir = "",
     .want_home = "", .want_quota_set = 1, .want_quota_messages = 10},
    {.name = "%20 and %25 decoded",
     .reply = B("200 {\"maildir\":\"/var/vmail/a%20b/100%25/Maildir\"}\n"),
     .want_maildir = "/var/vmail/a b/100%/Maildir", .want_home = ""},
    {.name = "all encoded, hex in any case",
     .reply = B("200 %7B%22maildir%22:%22/x%2fy%22%7d\n"),
     .want_maildir = "/x/y", .want_home = ""},
    {.name = "CRLF tolerated", .reply = B("200 {\"uid\":5000}\r\n"),
     .want_maildir = "", .want_home = "", .want_uid = 5000},
    {.name = "uid as a digit string",
     .reply = B("200 {\"uid\":\"5000\",\"gid\":\"5001\"}\n"),
     .want_maildir = "", .want_home = "", .want_uid = 5000,
     .want_gid = 5001},
    {.name = "IPv6 literal", .arg = "[::1]:PORT6", .need_v6 = 1,
     .reply = B("200 {\"uid\":5000}\n"), .want_maildir = "",
     .want_home = "", .want_uid = 5000},
    {.name = "a name (localhost, whichever address listens)",
     .arg = "localhost:PORT", .reply = B("200 {\"uid\":5000}\n"),
     .want_maildir = "", .want_home = "", .want_uid = 5000},
    /* the key */
    {.name = "key: space and % encoded", .user = "a b%c@example.com",
     .reply = B("500 no\n"), .want_rc = -1, .want_code = "5.1.1",
     .want_request = "get a%20b%25c@example.com"},
    {.name = "key: tab and 8-bit encoded", .user = "j\t\xc3\xa9@example.com",
     .reply = B("500 no\n"), .want_rc = -1, .want_code = "5.1.1",
     .want_request = "get j%09%C3%A9@example.com"},
    /* not found, try again */
    {.name = "500", .reply = B("500 no%20such%20user\n"), .want_rc = -1,
     .want_code = "5.1.1",
     .want_text = {"user 'bob@example.com' unknown (tcp:127.0.0.1:"}},
    {.name = "400", .reply = B("400 database%20down\n"), .want_rc = -1,
     .want_code = "4.3.0",
     .want_text = {"try again", "database down", "bob@example.com"}},
    /* the service fails */
    {.name = "stall", .act = STALL, .want_rc = -1, .want_code = "4.3.0",
     .want_text = {"tcp:127.0.0.1:", "no answer within 1s"}},
    {.name = "refused", .arg = "127.0.0.1:DEAD", .want_rc = -1,
     .want_code = "4.3.0", .want_text = {"connect '127.0.0.1'", "refused"}},
    {.name = "name not resolving", .arg = "nonexistent.invalid:PORT",
     .want_rc = -1, .want_code = "4.3.0",
     .want_text = {"resolve 'nonexistent.invalid'"}},
    {.name = "garbage", .reply = B("hello world\n"), .want_rc = -1,
     .want_code = "4.3.0", .want_text = {"malformed reply 'hello world'"}},
    {.name = "code without text", .reply = B("200\n"), .want_rc = -1,
     .want_code = "4.3.0", .want_text = {"malformed reply"}},
    {.name = "500 without space", .reply = B("500\n"), .want_rc = -1,
     .want_code = "4.3.0", .want_text = {"malformed reply"}},
    {.name = "other code", .reply = B("300 {}\n"), .want_rc = -1,
     .want_code = "4.3.0", .want_text = {"unexpected reply '300 {}'"}},
    {.name = "control bytes not echoed", .reply = B("\x1b[2J 1\n"),
     .want_rc = -1, .want_code = "4.3.0", .want_text = {"'?[2J 1'"}},
    {.name = "NUL in the line", .reply = B("200 {}\0x\n"), .want_rc = -1,
     .want_code = "4.3.0", .want_text = {"NUL"}},
    {.name = "100 KB line", .act = HUGE, .want_rc = -1,
     .want_code = "4.3.0", .want_text = {"longer than 4096 bytes"}},
    {.name = "closed without a reply", .act = HANGUP, .want_rc = -1,
     .want_code = "4.3.0", .want_text = {"closed without a reply"}},
    {.name = "EOF before the newline", .reply = B("200 {\"uid\":5000}"),
     .want_rc = -1, .want_code = "4.3.0", .want_text = {"mid-reply"}},
    {.name = "bad %XX", .reply = B("200 {%zz}\n"), .want_rc = -1,
     .want_code = "4.3.0", .want_text = {"bad %XX"}},
    {.name = "cut %X", .reply = B("200 {}%4\n"), .want_rc = -1,
     .want_code = "4.3.0", .want_text = {"bad %XX"}},
    {.name = "%00", .reply = B("200 {}%00\n"), .want_rc = -1,
     .want_code = "4.3.0", .want_text = {"bad %XX"}},
    /* the entry is unusable */
    {.name = "bad JSON", .reply = B("200 {uid\n"), .want_rc = -1,
     .want_code = "4.3.5",
     .want_text = {"tcp:127.0.0.1:", "user 'bob@example.com'", "bad JSON"}},
    {.name = "not an object", .reply = B("200 [1,2]\n"), .want_rc = -1,
     .want_code = "4.3.5",
     .want_text = {"bob@example.com", "not a JSON object"}},
    {.name = "a string, not an object", .reply = B("200 \"x\"\n"),
     .want_rc = -1, .want_code = "4.3.5", .want_text = {"bad JSON"}},
    {.name = "duplicate key", .reply = B("200 {\"uid\":5,\"uid\":0}\n"),
     .want_rc = -1, .want_code = "4.3.5", .want_text = {"bad JSON"}},
    {.name = "uid 0", .reply = B("200 {\"uid\":0}\n"), .want_rc = -1,
     .want_code = "4.3.5",
     .want_text = {"user 'bob@example.com'", "bad uid '0'",
                   "refusing to deliver as root"}},
    {.name = "uid root", .reply = B("200 {\"uid\":\"root\"}\n"),
     .want_rc = -1, .want_code = "4.3.5",
     .want_text = {"bad uid 'root'", "refusing to deliver as root"}},
    {.name = "gid 0", .reply = B("200 {\"uid\":5,\"gid\":0}\n"),
     .want_rc = -1, .want_code = "4.3.5",
     .want_text = {"bad gid '0'", "refusing to deliver as root"}},
    {.name = "uid negative", .reply = B("200 {\"uid\":-5}\n"),
     .want_rc = -1, .want_code = "4.3.5", .want_text = {"bad uid '-5'"}},
    {.name = "uid (uid_t)-1", .reply = B("200 {\"uid\":4294967295}\n"),
     .want_rc = -1, .want_code = "4.3.5", .want_text = {"bad uid"}},
    {.name = "uid real", .reply = B("200 {\"uid\":1.5}\n"), .want_rc = -1,
     .want_code = "4.3.5", .want_text = {"bad uid '1.5'"}},
    {.name = "uid bool", .reply = B("200 {\"uid\":true}\n"), .want_rc = -1,
     .want_code = "4.3.5", .want_text = {"bad uid 'true'"}},
    {.name = "uid no such user",
     .reply = B("200 {\"uid\":\"no-such-user-x\"}\n"), .want_rc = -1,
     .want_code = "4.3.5",
     .want_text = {"bad uid 'no-such-user-x': no such user"}},
    {.name = "gid no such group",
     .reply = B("200 {\"gid\":\"no-such-group-x\"}\n"), .want_rc = -1,
     .want_code = "4.3.5", .want_text = {"bad gid 'no-such-group-x'"}},
    {.name = "quota unit", .reply = B("200 {\"quota\":\"1X\"}\n"),
     .want_rc = -1, .want_code = "4.3.5", .want_text = {"bad quota '1X'"}},
    {.name = "quota negative", .reply = B("200 {\"quota\":-1}\n"),
     .want_rc = -1, .want_code = "4.3.5", .want_text = {"bad quota '-1'"}},
    {.name = "quota object", .reply = B("200 {\"quota\":{}}\n"),
     .want_rc = -1, .want_code = "4.3.5", .want_text = {"bad quota '{}'"}},
    {.name = "quota_messages string",
     .reply = B("200 {\"quota_messages\":\"10\"}\n"), .want_rc = -1,
     .want_code = "4.3.5", .want_text = {"bad quota_messages '10'"}},
    {.name = "maildir number", .reply = B("200 {\"maildir\":5}\n"),
     .want_rc = -1, .want_code = "4.3.5", .want_text = {"bad maildir '5'"}},
    {.name = "maildir with NUL",
     .reply = B("200 {\"maildir\":\"/a\\u0000b\"}\n"), .want_rc = -1,
     .want_code = "4.3.5", .want_text = {"bad JSON"}},
    {.name = "home relative", .reply = B("200 {\"home\":\"home/bob\"}\n"),
     .want_rc = -1, .want_code = "4.3.5",
     .want_text = {"bad home 'home/bob': not an absolute path"}},
    /* the setting */
    {.name = "no port", .arg = "127.0.0.1", .want_rc = -1,
     .want_code = "4.3.5", .want_text = {"want HOST:PORT"}},
    {.name = "bare IPv6", .arg = "::1:PORT", .want_rc = -1,
     .want_code = "4.3.5", .want_text = {"want HOST:PORT"}},
    {.name = "bracket without colon", .arg = "[::1]PORT", .want_rc = -1,
     .want_code = "4.3.5"},
    {.name = "no host", .arg = ":PORT", .want_rc = -1, .want_code = "4.3.5"},
    {.name = "port 0", .arg = "127.0.0.1:0", .want_rc = -1,
     .want_code = "4.3.5"},
    {.name = "port too big", .arg = "127.0.0.1:65536", .want_rc = -1,
     .want_code = "4.3.5"},
    {.name = "port not a number", .arg = "127.0.0.1:smtp", .want_rc = -1,
     .want_code = "4.3.5"},
};

/* check_case - run one case and compare */
static void check_case(const struct tcase *c, const char *label)
{
    struct account a;
    struct status st;
    char arg[256];
    double secs;
    int rc, i;

    subst(arg, sizeof(arg), c->arg ? c->arg : "127.0.0.1:PORT");
    rc = lookup(arg, c->user ? c->user : "bob@example.com", c->act,
                c->reply, c->reply_len, &a, &st, &secs);
    EXPECT_INT(label, rc, c->want_rc);
    /* every case, stall included, ends within about userdb_timeout */
    if (secs > 1.5) {
        print_error("%s: took %.2fs, timeout 1s\n", label, secs);
        failed++;
    }
    if (c->act == STALL && secs < 0.9) {
        print_error("%s: gave up after %.2fs, timeout 1s\n", label, secs);
        failed++;
    }
    if (c->want_request) {
        pthread_mutex_lock(&srv.mu);
        EXPECT_STR(label, srv.request, c->want_request);
        pthread_mutex_unlock(&srv.mu);
    }
    if (rc < 0) {
        EXPECT_STR(label, st.code, c->want_code);
        for (i = 0; i < 3 && c->want_text[i]; i++)
            EXPECT_HAS(label, st.text, c->want_text[i]);
        /* a failed lookup leaves the account as it was */
        EXPECT_STR(label, a.name, "");
        EXPECT_INT(label, a.uid, USERDB_NO_ID);
        return;
    }
    EXPECT_STR(label, a.name, c->user ? c->user : "bob@example.com");
    EXPECT_STR(label, a.maildir, c->want_maildir);
    EXPECT_STR(label, a.home, c->want_home);
    EXPECT_INT(label, a.uid, c->want_uid ? c->want_uid : USERDB_NO_ID);
    EXPECT_INT(label, a.gid, c->want_gid ? c->want_gid : USERDB_NO_ID);
    EXPECT_INT(label, a.quota_set, c->want_quota_set);
    EXPECT_U64(label, a.quota, c->want_quota);
    EXPECT_U64(label, a.quota_messages, c->want_quota_messages);
}

/* test_cases - every case of the table, the skipped ones said */
static void test_cases(void **state)
{
    size_t i;
    char label[200];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (cases[i].need_v6 && lfd6 < 0) {
            print_message("skip '%s': no ::1\n", cases[i].name);
            continue;
        }
        snprintf(label, sizeof(label), "case '%s'", cases[i].name);
        check_case(&cases[i], label);
    }
    CHECKED();
}

/* test_reply_limit - 4096 bytes with the newline is whole, 4097 is not */
static void test_reply_limit(void **state)
{
    static char reply[4200];
    struct account a;
    struct status st;
    char arg[64];
    double secs;
    int len;

    (void)state;
    subst(arg, sizeof(arg), "127.0.0.1:PORT");
    for (len = 4096; len <= 4097; len++) {
        /* 200 {"uid":5000,"pad":"xxx..."}\n */
        snprintf(reply, sizeof(reply), "200 {\"uid\":5000,\"pad\":\"");
        memset(reply + strlen(reply), 'x', (size_t)len - 26);
        memcpy(reply + len - 3, "\"}\n", 4);
        assert_int_equal(strlen(reply), (size_t)len);
        EXPECT_INT("limit", lookup(arg, "bob@example.com", REPLY, reply,
                                   (size_t)len, &a, &st, &secs),
                   len == 4096 ? 0 : -1);
        if (len == 4096)
            EXPECT_INT("4096 bytes", a.uid, 5000);
        else
            EXPECT_HAS("4097 bytes", st.text, "longer than 4096 bytes");
    }
    CHECKED();
}

/* test_names - uid and gid by name, as the system knows them */
static void test_names(void **state)
{
    static char reply[256];
    struct passwd *pw = getpwnam("nobody");
    struct group *gr = pw ? getgrgid(pw->pw_gid) : NULL;
    struct account a;
    struct status st;
    char arg[64];
    double secs;

    (void)state;
    if (pw == NULL || gr == NULL || pw->pw_uid == 0 || gr->gr_gid == 0)
        skip();
    subst(arg, sizeof(arg), "127.0.0.1:PORT");
    snprintf(reply, sizeof(reply), "200 {\"uid\":\"nobody\",\"gid\":\"%s\"}\n",
             gr->gr_name);
    EXPECT_INT("names", lookup(arg, "bob@example.com", REPLY, reply,
                               strlen(reply), &a, &st, &secs), 0);
    EXPECT_INT("names", a.uid, (long)pw->pw_uid);
    EXPECT_INT("names", a.gid, (long)gr->gr_gid);
    CHECKED();
}

/*
 * test_connect_timeout - a server whose accept queue is full: Linux
 * drops the SYN, so the connect itself must give up at the deadline
 */
static void test_connect_timeout(void **state)
{
    int full_port, lfull, fill[4], i;
    struct sockaddr_in sin;
    struct account a;
    struct status st;
    char arg[64];
    double secs;

    (void)state;
    lfull = listen_on(AF_INET, "127.0.0.1", 0, &full_port);
    assert_true(lfull >= 0);
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)full_port);
    inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
    for (i = 0; i < 4; i++) {
        fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        (void)!connect(fill[i], (struct sockaddr *)&sin, sizeof(sin));
    }
    usleep(100000);
    snprintf(arg, sizeof(arg), "127.0.0.1:%d", full_port);
    EXPECT_INT("connect timeout", lookup(arg, "bob@example.com", REPLY,
                                         "", 0, &a, &st, &secs), -1);
    EXPECT_STR("connect timeout", st.code, "4.3.0");
    EXPECT_HAS("connect timeout", st.text,
               "connect '127.0.0.1': no answer within 1s");
    if (secs < 0.9 || secs > 1.5) {
        print_error("connect timeout: took %.2fs, timeout 1s\n", secs);
        failed++;
    }
    for (i = 0; i < 4; i++)
        close(fill[i]);
    close(lfull);
    CHECKED();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_reply_limit),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_connect_timeout),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
