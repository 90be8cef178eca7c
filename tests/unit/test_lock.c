/*
 * test_lock.c - the maildirsize.lock dotlock with the local backend in a
 * scratch directory: taken with "pid:host" content and given back; a
 * lock of a process that is gone broken at once, another host's by its
 * mtime; a lock that is not one refused at once; a fresh lock slipped
 * in while a stale one is broken put back, not removed; a successor's
 * lock left alone at release.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "expect.h"
#include "scratch.h"

#include "../../store/backend.h"
#include "../../store/lock.h"

struct fixture {
    char root[256];
    char lockpath[300];
    char uniqbase[300];
    struct backend b;
};

/*
 * The local driver, but the next rename or unlink of swap_path first
 * puts a fresh lock holding swap_text there: another delivery taking
 * the lock between a judgement and the removal it led to.
 */
static struct backend_ops hooked;
static char swap_path[300];
static char swap_text[300];

static void swap_in(const char *p)
{
    char t[320];
    FILE *fp;

    if (swap_path[0] == '\0' || strcmp(p, swap_path) != 0)
        return;
    swap_path[0] = '\0';
    snprintf(t, sizeof(t), "%s.fresh", p);
    fp = fopen(t, "w");
    assert_non_null(fp);
    fputs(swap_text, fp);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(rename(t, p), 0);
}

static int hooked_rename(struct backend *b, const char *from, const char *to)
{
    swap_in(from);
    return backend_local_ops.rename(b, from, to);
}

static int hooked_unlink(struct backend *b, const char *p)
{
    swap_in(p);
    return backend_local_ops.unlink(b, p);
}

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    char tmp[300];

    if (fx == NULL)
        return -1;
    snprintf(fx->root, sizeof(fx->root), "/tmp/lda-test-lock.XXXXXX");
    if (mkdtemp(fx->root) == NULL)
        return -1;
    snprintf(tmp, sizeof(tmp), "%s/tmp", fx->root);
    if (mkdir(tmp, 0700) < 0)
        return -1;
    snprintf(fx->lockpath, sizeof(fx->lockpath), "%s/maildirsize.lock",
             fx->root);
    snprintf(fx->uniqbase, sizeof(fx->uniqbase), "%s/tmp/1.M1P1.test",
             fx->root);
    hooked = backend_local_ops;
    hooked.rename = hooked_rename;
    hooked.unlink = hooked_unlink;
    swap_path[0] = '\0';
    fx->b.ops = &hooked;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    int rc = rm_rf(fx->root);

    free(fx);
    return rc;
}

/* put_lock - a maildirsize.lock holding text, its mtime age seconds ago */
static void put_lock(const struct fixture *fx, const char *text, int age)
{
    FILE *fp = fopen(fx->lockpath, "w");
    struct timespec ts[2];

    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
    ts[0].tv_sec = ts[1].tv_sec = time(NULL) - age;
    ts[0].tv_nsec = ts[1].tv_nsec = 0;
    assert_int_equal(utimensat(AT_FDCWD, fx->lockpath, ts, 0), 0);
}

/* lock_text - what maildirsize.lock holds; "" when missing */
static const char *lock_text(const struct fixture *fx)
{
    static char buf[300];
    FILE *fp = fopen(fx->lockpath, "r");
    size_t n = 0;

    if (fp != NULL) {
        n = fread(buf, 1, sizeof(buf) - 1, fp);
        fclose(fp);
    }
    buf[n] = '\0';
    return buf;
}

/* tmp_names - the names in tmp/, space-separated, sorted by readdir */
static const char *tmp_names(const struct fixture *fx)
{
    static char buf[1024];
    char dir[300];
    DIR *d;
    struct dirent *de;
    size_t o = 0;

    snprintf(dir, sizeof(dir), "%s/tmp", fx->root);
    buf[0] = '\0';
    if ((d = opendir(dir)) == NULL)
        return buf;
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.' && o < sizeof(buf))
            o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s",
                                  o ? " " : "", de->d_name);
    closedir(d);
    return buf;
}

/* me - "<pid>:<host>" for pid */
static const char *me(long pid)
{
    static char buf[300];
    char host[256];

    gethostname(host, sizeof(host));
    host[sizeof(host) - 1] = '\0';
    snprintf(buf, sizeof(buf), "%ld:%s", pid, host);
    return buf;
}

/* dead_pid - the pid of a process that has ended */
static long dead_pid(void)
{
    pid_t pid = fork();

    assert_true(pid >= 0);
    if (pid == 0)
        _exit(0);
    assert_int_equal(waitpid(pid, NULL, 0), pid);
    return (long)pid;
}

/* Taken with our pid and host in it, and given back with nothing left. */
static void test_take_release(void **state)
{
    struct fixture *fx = *state;
    struct lock lk;
    struct status st;
    const char *c = "take and release";

    assert_int_equal(lock_acquire(&fx->b, &lk, fx->lockpath, fx->uniqbase,
                                  time(NULL) + 5, &st), 0);
    EXPECT_STR(c, lock_text(fx), me((long)getpid()));
    EXPECT_STR(c, tmp_names(fx), "1.M1P1.test.lock");
    lock_release(&fx->b, &lk);
    EXPECT_STR(c, lock_text(fx), "");
    EXPECT_STR(c, tmp_names(fx), "");
    CHECKED();
}

/* Stale at once: a process of this host that is gone; another host's
 * lock 40 s old.  Fresh enough to wait for: a live process's, another
 * host's 10 s old. */
static void test_stale(void **state)
{
    struct fixture *fx = *state;
    char dead[300], live[300];
    struct {
        const char *label, *text;
        int age;
        int want_rc;
    } cases[] = {
        /* The content is read once the lock is 2 s old (mtime). */
        {.label = "process gone", .text = dead, .age = 3, .want_rc = 0},
        {.label = "process gone, fresh", .text = dead, .age = 0,
         .want_rc = -1},
        {.label = "other host, 40 s", .text = "4242:elsewhere.example",
         .age = 40, .want_rc = 0},
        {.label = "empty, 40 s", .text = "", .age = 40, .want_rc = 0},
        {.label = "live process", .text = live, .age = 3, .want_rc = -1},
        {.label = "other host, 10 s", .text = "4242:elsewhere.example",
         .age = 10, .want_rc = -1},
        {.label = "empty, fresh", .text = "", .age = 0, .want_rc = -1},
    };
    struct lock lk;
    struct status st;
    size_t i;
    time_t t;

    snprintf(dead, sizeof(dead), "%s", me(dead_pid()));
    snprintf(live, sizeof(live), "%s", me((long)getppid()));
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        put_lock(fx, cases[i].text, cases[i].age);
        memset(&st, 0, sizeof(st));
        t = time(NULL);
        EXPECT_INT(cases[i].label, lock_acquire(&fx->b, &lk, fx->lockpath,
                                                fx->uniqbase, t + 1, &st),
                   cases[i].want_rc);
        EXPECT_INT(cases[i].label, time(NULL) - t <= 3, 1);
        if (cases[i].want_rc == 0) {
            EXPECT_STR(cases[i].label, lock_text(fx), me((long)getpid()));
            lock_release(&fx->b, &lk);
            EXPECT_STR(cases[i].label, lock_text(fx), "");
        } else {
            EXPECT_STR(cases[i].label, st.code, "4.3.0");
            EXPECT_INT(cases[i].label, strstr(st.text, "timed out") != NULL,
                       1);
            EXPECT_STR(cases[i].label, lock_text(fx), cases[i].text);
            unlink(fx->lockpath);
        }
        EXPECT_STR(cases[i].label, tmp_names(fx), "");
    }
    CHECKED();
}

/* What cannot be a lock ends the wait at once, saying why. */
static void test_not_a_lock(void **state)
{
    struct fixture *fx = *state;
    static const struct {
        const char *label;
        int kind;               /* 0 directory, 1 FIFO, 2 dangling link */
        const char *want_text;
    } cases[] = {
        {.label = "directory", .kind = 0, .want_text = "is a directory"},
        {.label = "FIFO", .kind = 1, .want_text = "not a regular file"},
        {.label = "dangling symlink", .kind = 2,
         .want_text = "not a regular file"},
    };
    struct lock lk;
    struct status st;
    size_t i;
    time_t t;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (cases[i].kind == 0)
            assert_int_equal(mkdir(fx->lockpath, 0700), 0);
        else if (cases[i].kind == 1)
            assert_int_equal(mkfifo(fx->lockpath, 0600), 0);
        else
            assert_int_equal(symlink("/nonexistent", fx->lockpath), 0);
        memset(&st, 0, sizeof(st));
        t = time(NULL);
        EXPECT_INT(cases[i].label, lock_acquire(&fx->b, &lk, fx->lockpath,
                                                fx->uniqbase, t + 10, &st),
                   -1);
        EXPECT_INT(cases[i].label, time(NULL) - t <= 2, 1);
        EXPECT_STR(cases[i].label, st.code, "4.3.0");
        EXPECT_INT(cases[i].label,
                   strstr(st.text, cases[i].want_text) != NULL, 1);
        EXPECT_STR(cases[i].label, tmp_names(fx), "");
        if (cases[i].kind == 0)
            rmdir(fx->lockpath);
        else
            unlink(fx->lockpath);
    }
    CHECKED();
}

/*
 * A stale lock is judged; before it is moved away another delivery
 * replaces it with a fresh one.  That one must be put back and waited
 * for, not removed.
 */
static void test_break_race(void **state)
{
    struct fixture *fx = *state;
    struct lock lk;
    struct status st;
    const char *c = "break race";

    put_lock(fx, me(dead_pid()), 3);
    snprintf(swap_path, sizeof(swap_path), "%s", fx->lockpath);
    snprintf(swap_text, sizeof(swap_text), "%s", me((long)getppid()));
    memset(&st, 0, sizeof(st));
    EXPECT_INT(c, lock_acquire(&fx->b, &lk, fx->lockpath, fx->uniqbase,
                               time(NULL) + 1, &st), -1);
    EXPECT_INT(c, swap_path[0] == '\0', 1);     /* the swap happened */
    EXPECT_STR(c, st.code, "4.3.0");
    EXPECT_STR(c, lock_text(fx), swap_text);
    EXPECT_STR(c, tmp_names(fx), "");
    CHECKED();
}

/* A holder whose lock was broken and taken meanwhile leaves it alone. */
static void test_release_not_ours(void **state)
{
    struct fixture *fx = *state;
    struct lock lk;
    struct status st;
    const char *c = "release, not ours";

    assert_int_equal(lock_acquire(&fx->b, &lk, fx->lockpath, fx->uniqbase,
                                  time(NULL) + 5, &st), 0);
    snprintf(swap_path, sizeof(swap_path), "%s", fx->lockpath);
    snprintf(swap_text, sizeof(swap_text), "%s", "4242:elsewhere.example");
    swap_in(fx->lockpath);
    lock_release(&fx->b, &lk);
    EXPECT_STR(c, lock_text(fx), "4242:elsewhere.example");
    EXPECT_STR(c, tmp_names(fx), "");
    CHECKED();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_take_release, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_lock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_break_race, setup, teardown),
        cmocka_unit_test_setup_teardown(test_release_not_ours, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
