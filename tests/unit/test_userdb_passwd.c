/*
 * test_userdb_passwd.c - the passwd-file userdb on real files: the key
 * (user@domain, then the local part; first match; any case), comments,
 * missing fields, uid and gid as numbers and names, userdb_ extra
 * fields (mail, quota rules, overrides), per-domain paths, and the
 * status of each failure: 5.1.1 unknown, 4.3.0 unreadable, 4.3.5
 * unusable naming line, user and field.  Hostile files must not crash;
 * a name across the end of a read is found.  100,000-user files are
 * searched and the time of a lookup printed.
 */
#include <grp.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "expect.h"

#include "../../lda/userdb.h"

static char tmpdir[] = "/tmp/lda-test-passwd.XXXXXX";

#define CFG_QUOTA (5ULL << 20)  /* settings that quota rules replace */
#define CFG_MESSAGES 500

/* fresh - an account as userdb_lookup() hands it to a driver */
static void fresh(struct account *a)
{
    memset(a, 0, sizeof(*a));
    a->uid = a->gid = USERDB_NO_ID;
}

/* write_file - name in tmpdir holding len bytes of text */
static void write_file(const char *name, const char *text, size_t len)
{
    char path[512];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* remove_file - name in tmpdir, if there */
static void remove_file(const char *name)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    (void)unlink(path);
}

/* lookup - the driver for rcpt on arg ("@/x" is x in tmpdir) */
static int lookup(const char *arg, const char *rcpt, struct account *a,
                  struct status *st)
{
    struct config cfg;
    struct recipient r;
    char path[1200];

    config_defaults(&cfg);
    cfg.quota = CFG_QUOTA;
    cfg.quota_messages = CFG_MESSAGES;
    assert_int_equal(recipient_parse(rcpt, "+", &r, st), 0);
    if (strncmp(arg, "@/", 2) == 0)
        snprintf(path, sizeof(path), "%s/%s", tmpdir, arg + 2);
    else
        snprintf(path, sizeof(path), "%s", arg);
    fresh(a);
    memset(st, 0, sizeof(*st));
    return userdb_passwd_ops.lookup(path, &cfg, &r, a, st);
}

#define LINE_A "alice@example.com:{PLAIN}x:1001:1002::/home/alice::"
#define U "alice@example.com:x:1001:1002::/home/alice::"

#define NUL_OTHER "b\0b:\0\0\n" U
#define NUL_MINE "alice@example.com:x:1\0:2\n"

static char long_line[100000], long_other[100000];

static void test_lookup(void **state)
{
    static const struct {
        const char *text;           /* the file's contents */
        size_t len;                 /* 0: strlen(text) */
        const char *rcpt;           /* "alice@example.com" when NULL */
        const char *arg;            /* "@/users" when NULL */
        const char *file;           /* "users" when NULL */
        int want_rc;
        const char *want_code;
        const char *want_err[4];
        const char *want_name;      /* rcpt's user@domain when NULL */
        const char *want_home;
        const char *want_maildir;
        long want_uid, want_gid;    /* 0: unset (0 is never a result) */
        int want_quota_set;
        uint64_t want_quota, want_msgs;
    } cases[] = {
        /* the key */
        {.text = "bob@example.com:x:1:1\n" LINE_A "\n", .want_rc = 0,
         .want_home = "/home/alice", .want_uid = 1001, .want_gid = 1002},
        {.text = LINE_A, .rcpt = "Alice+Folder@Example.COM",
         .want_rc = 0, .want_uid = 1001, .want_gid = 1002,
         .want_home = "/home/alice"},
        {.text = "ALICE@Example.Com:x:1001:1002\n", .want_rc = 0,
         .want_uid = 1001, .want_gid = 1002},
        {.text = "bob:x:7:7\nalice:x:1003:1004::/home/al\n", .want_rc = 0,
         .want_name = "alice", .want_uid = 1003, .want_gid = 1004,
         .want_home = "/home/al"},
        /* user@domain wins over an earlier local-part line */
        {.text = "alice:x:1003:1004\n" U "\n", .want_rc = 0,
         .want_uid = 1001, .want_gid = 1002, .want_home = "/home/alice"},
        {.text = "alice:x:1003:1004\n", .rcpt = "alice", .want_rc = 0,
         .want_name = "alice", .want_uid = 1003, .want_gid = 1004},
        /* first match wins, also over a bad later line */
        {.text = U "\nalice@example.com:x:1:1:::/h\n"
         "alice@example.com:x:nosuchuser\n", .want_rc = 0,
         .want_uid = 1001, .want_gid = 1002, .want_home = "/home/alice"},
        /* comments, blank lines, names that only look alike */
        {.text = "# alice@example.com:x:1:1\n#alice@example.com:x:2:2\n\n"
         "\n  \nxalice@example.com:x:3:3\nalice@example.comx:x:4:4\n"
         "alice@example.co:x:5:5\n" U "\n", .want_rc = 0,
         .want_uid = 1001, .want_gid = 1002, .want_home = "/home/alice"},
        {.text = "#alice@example.com:x:5:5\n", .rcpt = "#alice@example.com",
         .want_rc = -1, .want_code = "5.1.1"},
        /* missing trailing fields; CRLF; no final newline */
        {.text = "alice@example.com:x\n", .want_rc = 0},
        {.text = "alice@example.com:", .want_rc = 0},
        {.text = "alice@example.com:x:1001", .want_rc = 0,
         .want_uid = 1001},
        {.text = "alice@example.com:x::1002:gecos:\n", .want_rc = 0,
         .want_gid = 1002},
        {.text = U "/bin/sh\r\n", .want_rc = 0, .want_uid = 1001,
         .want_gid = 1002, .want_home = "/home/alice"},
        {.text = U "\r\n", .want_rc = 0, .want_uid = 1001,
         .want_gid = 1002, .want_home = "/home/alice"},
        {.text = "alice@example.com:x:1001:1002::/home/alice\r\n",
         .want_rc = 0, .want_uid = 1001, .want_gid = 1002,
         .want_home = "/home/alice"},
        /* userdb_mail */
        {.text = U "userdb_mail=maildir:~/Maildir:LAYOUT=fs:INDEX=/x/%u\n",
         .want_rc = 0, .want_maildir = "~/Maildir", .want_uid = 1001,
         .want_gid = 1002, .want_home = "/home/alice"},
        {.text = U "userdb_mail=maildir:/var/vmail/%Ld/%Ln/ mail=mbox:/x",
         .want_rc = 0, .want_maildir = "/var/vmail/%d/%n/",
         .want_uid = 1001, .want_gid = 1002, .want_home = "/home/alice"},
        {.text = U "userdb_mail=maildir:/v/%d/%n/%%/%u/%L%Lx",
         .want_rc = -1, .want_code = "4.3.5", .want_err = {"userdb_mail"}},
        {.text = U "userdb_mail=maildir:/v/%d/%n/%%/%u/%L", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"userdb_mail"}},
        {.text = U "userdb_mail=maildir:/v/%d/%n/%%/%u/%", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"userdb_mail"}},
        {.text = U "userdb_mail=maildir:/v/%d/%n/%%/%u/", .want_rc = 0,
         .want_maildir = "/v/%d/%n/%%/%u/", .want_uid = 1001,
         .want_gid = 1002, .want_home = "/home/alice"},
        {.text = U "userdb_mail_driver=maildir userdb_mail_path=~/mail",
         .want_rc = 0, .want_maildir = "~/mail", .want_uid = 1001,
         .want_gid = 1002, .want_home = "/home/alice"},
        {.text = U "userdb_mail=mbox:~/mail:INBOX=/var/mail/%u\n",
         .want_rc = -1, .want_code = "4.3.5",
         .want_err = {"line 1", "alice@example.com", "userdb_mail",
                      "mbox:~/mail"}},
        {.text = U "userdb_mail=sdbox:~/dbox\n", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"userdb_mail", "sdbox"}},
        {.text = U "userdb_mail=~/Maildir\n", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"userdb_mail"}},
        {.text = U "userdb_mail=maildir:Maildir\n", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"userdb_mail"}},
        {.text = U "userdb_mail=maildir:~/M:INBOX=~/M/.INBOX\n",
         .want_rc = -1, .want_code = "4.3.5", .want_err = {"userdb_mail"}},
        {.text = U "userdb_mail=maildir:/v/%h/x\n", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"userdb_mail"}},
        {.text = U "userdb_mail_path=~/M userdb_mail_inbox_path=~/I\n",
         .want_rc = -1, .want_code = "4.3.5",
         .want_err = {"userdb_mail_inbox_path"}},
        {.text = U "userdb_mail_path=M\n", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"userdb_mail_path", "'M'"}},
        {.text = U "userdb_mail_driver=mdbox\n", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"userdb_mail_driver", "mdbox"}},
        /* quota rules: storage is in kilobytes without a unit */
        {.text = U "userdb_quota_rule=*:storage=1G", .want_rc = 0,
         .want_quota_set = 1, .want_quota = 1ULL << 30,
         .want_msgs = 0, .want_uid = 1001, .want_gid = 1002,
         .want_home = "/home/alice"},
        {.text = U "userdb_quota_rule=*:storage=512", .want_rc = 0,
         .want_quota_set = 1, .want_quota = 512 * 1024,
         .want_msgs = 0, .want_uid = 1001, .want_gid = 1002,
         .want_home = "/home/alice"},
        {.text = U "userdb_quota_rule=*:storage=10mb", .want_rc = 0,
         .want_quota_set = 1, .want_quota = 10 << 20,
         .want_msgs = 0, .want_uid = 1001, .want_gid = 1002,
         .want_home = "/home/alice"},
        {.text = U "userdb_quota_rule=*:storage=3KiB", .want_rc = 0,
         .want_quota_set = 1, .want_quota = 3072,
         .want_msgs = 0, .want_uid = 1001, .want_gid = 1002,
         .want_home = "/home/alice"},
        {.text = U "userdb_quota_rule=*:bytes=100", .want_rc = 0,
         .want_quota_set = 1, .want_quota = 100,
         .want_msgs = 0, .want_uid = 1001, .want_gid = 1002,
         .want_home = "/home/alice"},
        {.text = U "userdb_quota_rule=*:storage=100b", .want_rc = 0,
         .want_quota_set = 1, .want_quota = 100,
         .want_msgs = 0, .want_uid = 1001, .want_gid = 1002,
         .want_home = "/home/alice"},
        {.text = U "userdb_quota_rule=*:storage=2T", .want_rc = 0,
         .want_quota_set = 1, .want_quota = 2ULL << 40,
         .want_msgs = 0, .want_uid = 1001, .want_gid = 1002,
         .want_home = "/home/alice"},
        {.text = U "userdb_quota_rule=*:messages=1000", .want_rc = 0,
         .want_quota_set = 1, .want_quota = 0, .want_msgs = 1000,
         .want_uid = 1001, .want_gid = 1002, .want_home = "/home/alice"},
        {.text = U "userdb_quota_rule=*:storage=1M:messages=10", .want_rc = 0,
         .want_quota_set = 1, .want_quota = 1 << 20, .want_msgs = 10,
         .want_uid = 1001, .want_gid = 1002, .want_home = "/home/alice"},
        {.text = U "userdb_quota_rule=*:storage=2G "
         "userdb_quota_rule2=*:messages=20 "
         "userdb_quota_rule3=Trash:storage=+100M", .want_rc = 0,
         .want_quota_set = 1, .want_quota = 2ULL << 30, .want_msgs = 20,
         .want_uid = 1001, .want_gid = 1002, .want_home = "/home/alice"},
        {.text = U "userdb_quota_rule=?:storage=7M "
         "userdb_quota_rule2=*:storage=8M userdb_quota_rule3=?:storage=9M",
         .want_rc = 0, .want_quota_set = 1, .want_quota = 8 << 20,
         .want_msgs = 0, .want_uid = 1001, .want_gid = 1002,
         .want_home = "/home/alice"},
        {.text = U "userdb_quota_rule=*:storage=0", .want_rc = 0,
         .want_quota_set = 1, .want_quota = 0, .want_msgs = 0,
         .want_uid = 1001, .want_gid = 1002, .want_home = "/home/alice"},
        {.text = U "userdb_quota_rule=none", .want_rc = 0,
         .want_quota_set = 1, .want_uid = 1001, .want_gid = 1002,
         .want_home = "/home/alice"},
        {.text = U "userdb_quota_rule=*:ignore", .want_rc = 0,
         .want_quota_set = 1, .want_uid = 1001, .want_gid = 1002,
         .want_home = "/home/alice"},
        {.text = U "userdb_quota_storage_size=1G "
         "userdb_quota_message_count=9", .want_rc = 0, .want_quota_set = 1,
         .want_quota = 1ULL << 30, .want_msgs = 9, .want_uid = 1001,
         .want_gid = 1002, .want_home = "/home/alice"},
        /* only whole-mailbox rules and userdb_ fields count */
        {.text = U "userdb_quota_rule=Trash:storage=+100M "
         "quota_rule=*:storage=1M userdb_foo=bar nopassword userdb_x",
         .want_rc = 0, .want_uid = 1001, .want_gid = 1002,
         .want_home = "/home/alice"},
        {.text = U "userdb_quota_rule=*:storage=1X", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"line 1", "alice@example.com",
                                            "userdb_quota_rule", "1X"}},
        {.text = U "userdb_quota_rule2=*:storage=+10%", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"userdb_quota_rule2", "+10%"}},
        {.text = U "userdb_quota_rule=*:storage=99999999999999999999",
         .want_rc = -1, .want_code = "4.3.5",
         .want_err = {"userdb_quota_rule"}},
        {.text = U "userdb_quota_rule=*:storage=20000000000T",
         .want_rc = -1, .want_code = "4.3.5",
         .want_err = {"userdb_quota_rule"}},
        {.text = U "userdb_quota_rule=*:messages=1k", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"userdb_quota_rule"}},
        {.text = U "userdb_quota_rule=*", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"userdb_quota_rule"}},
        {.text = U "userdb_quota_rule=*:", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"userdb_quota_rule"}},
        {.text = U "userdb_quota_rule=*:storage", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"userdb_quota_rule"}},
        {.text = U "userdb_quota_rule=*:backend=1000S,20C", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"userdb_quota_rule"}},
        /* overrides in extra fields, with variables */
        {.text = U "userdb_uid=2001 userdb_gid=2002 "
         "userdb_home=/var/vmail/%d/%n", .rcpt = "alice+x@example.com",
         .want_rc = 0, .want_uid = 2001, .want_gid = 2002,
         .want_home = "/var/vmail/example.com/alice"},
        {.text = U "userdb_uid=", .want_rc = 0, .want_gid = 1002,
         .want_home = "/home/alice"},
        {.text = U "userdb_uid=x", .want_rc = -1, .want_code = "4.3.5",
         .want_err = {"userdb_uid", "'x'"}},
        {.text = U "userdb_home=home", .want_rc = -1, .want_code = "4.3.5",
         .want_err = {"userdb_home", "'home'"}},
        {.text = U "userdb_home=/h/%z", .want_rc = -1, .want_code = "4.3.5",
         .want_err = {"userdb_home"}},
        /* bad fixed fields name line, user and field */
        {.text = "a:b\n\nalice@example.com:x:nosuchuser-lda:1\n",
         .want_rc = -1, .want_code = "4.3.5",
         .want_err = {"line 3", "user 'alice@example.com'", "bad uid",
                      "'nosuchuser-lda'"}},
        {.text = "alice:x:1:nosuchgroup-lda\n", .want_rc = -1,
         .want_code = "4.3.5",
         .want_err = {"line 1", "user 'alice'", "bad gid"}},
        {.text = U "\n" "alice@example.com:x:12x\n", .want_rc = 0,
         .want_uid = 1001, .want_gid = 1002, .want_home = "/home/alice"},
        {.text = "alice@example.com:x:12x\n", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"bad uid", "'12x'"}},
        {.text = "alice@example.com:x:-1\n", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"bad uid"}},
        {.text = "alice@example.com:x:4294967295\n", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"bad uid"}},
        {.text = "alice@example.com:x:4294967296\n", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"bad uid"}},
        {.text = "alice@example.com:x:1:1::home/alice\n", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"bad home", "'home/alice'"}},
        /* never as root */
        {.text = "alice@example.com:x:0:1002\n", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"line 1", "alice", "uid 0",
                                            "root"}},
        {.text = "alice@example.com:x:root:1002\n", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"uid 0", "root"}},
        {.text = "alice@example.com:x:1001:0\n", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"gid 0", "root"}},
        {.text = U "userdb_uid=0\n", .want_rc = -1, .want_code = "4.3.5",
         .want_err = {"uid 0", "root"}},
        {.text = "alice@example.com:x:0:0::/root::userdb_uid=5 "
         "userdb_gid=5\n", .want_rc = 0, .want_uid = 5, .want_gid = 5,
         .want_home = "/root"},
        /* not there */
        {.text = "bob@example.com:x:1:1\n", .want_rc = -1,
         .want_code = "5.1.1", .want_err = {"alice@example.com", "unknown",
                                            "/users'"}},
        {.text = "", .want_rc = -1, .want_code = "5.1.1"},
        {.text = "\n", .want_rc = -1, .want_code = "5.1.1"},
        {.text = "alice@example.com\n", .want_rc = -1, .want_code = "5.1.1"},
        {.text = "alice@example.com:x\n", .rcpt = "alice@example.org",
         .want_rc = -1, .want_code = "5.1.1"},
        {.text = "alice\n", .rcpt = "alice", .want_rc = -1,
         .want_code = "5.1.1"},
        /* a name with ':' could only match a shorter name */
        {.text = "a:b@example.com:1:1\na:b:1:1\n", .rcpt = "a:b@example.com",
         .want_rc = -1, .want_code = "5.1.1"},
        /* regular-expression characters are plain characters */
        {.text = "axxb@example.com:x:1:1\na.b@example.com:x:2:2\n",
         .rcpt = "a.*b@example.com", .want_rc = -1, .want_code = "5.1.1"},
        {.text = "axxb@example.com:x:1:1\na.*b@example.com:x:2:2\n",
         .rcpt = "a.*b@example.com", .want_rc = 0, .want_uid = 2,
         .want_name = "a.*b@example.com",
         .want_gid = 2},
        {.text = "a[1]$^\\(b)?@example.com:x:3:3\n",
         .rcpt = "a[1]$^\\(b)?@example.com", .want_rc = 0, .want_uid = 3,
         .want_name = "a[1]$^\\(b)?@example.com",
         .want_gid = 3},
        /* hostile files */
        {.text = long_line, .want_rc = -1, .want_code = "4.3.5",
         .want_err = {"line 2", "too long"}},
        {.text = long_other, .want_rc = 0, .want_uid = 1001,
         .want_gid = 1002, .want_home = "/home/alice"},
        {.text = NUL_OTHER, .len = sizeof(NUL_OTHER) - 1, .want_rc = 0,
         .want_uid = 1001, .want_gid = 1002, .want_home = "/home/alice"},
        {.text = NUL_MINE, .len = sizeof(NUL_MINE) - 1, .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"line 1", "NUL"}},
        {.text = ":::::::::\n:\n::\n" U "a b c=d =e userdb_= userdb_=x "
         "userdb_mail= userdb_quota_rule=*:storage=1k:::", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"line 4", "userdb_mail"}},
        {.text = "\xff\xfe\x80:\x01\x02\nalice@example.com:x:1001:1002:"
         "\x7f\xff::\xff\n", .want_rc = 0, .want_uid = 1001,
         .want_gid = 1002},
        /* the file and its path */
        {.file = "example.org.passwd", .arg = "@/%d.passwd",
         .rcpt = "alice@example.org", .text = "alice:x:1:2\n", .want_rc = 0,
         .want_name = "alice", .want_uid = 1, .want_gid = 2},
        {.file = "example.org-alice%", .arg = "@/%Ld-%n%%",
         .rcpt = "alice@example.org", .text = "alice:x:1:2\n", .want_rc = 0,
         .want_name = "alice", .want_uid = 1, .want_gid = 2},
        {.file = "example.org.passwd", .arg = "@/%d.passwd",
         .rcpt = "alice@example.net", .text = "alice:x:1:2\n",
         .want_rc = -1, .want_code = "4.3.0",
         .want_err = {"example.net.passwd", "No such file"}},
        {.text = "x", .arg = "%d.passwd", .want_rc = -1,
         .want_code = "4.3.5", .want_err = {"example.com.passwd",
                                            "absolute"}},
        {.text = "x", .arg = "@/%x", .want_rc = -1, .want_code = "4.3.5",
         .want_err = {"%x"}},
        {.text = "x", .arg = "@/nosuchfile", .want_rc = -1,
         .want_code = "4.3.0", .want_err = {"/nosuchfile'",
                                            "No such file"}},
        {.text = "x", .arg = "@/", .want_rc = -1, .want_code = "4.3.0",
         .want_err = {"not a regular file"}},
    };
    size_t i, j, n;
    char label[300];

    (void)state;
    /* line 2 is alice's, over 64 KB long */
    memset(long_line, 'x', sizeof(long_line) - 1);
    memcpy(long_line, "a:b\n" U, strlen("a:b\n" U));
    /* someone else's line is long; alice's follows */
    memset(long_other, 'y', sizeof(long_other) - 1);
    n = strlen(U "\n");
    memcpy(long_other + sizeof(long_other) - 1 - n, U "\n", n);
    long_other[sizeof(long_other) - 2 - n] = '\n';
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct account a;
        struct status st;
        const char *file = cases[i].file ? cases[i].file : "users";
        const char *rcpt = cases[i].rcpt ? cases[i].rcpt
            : "alice@example.com";
        char want_name[520];
        int rc;

        snprintf(label, sizeof(label), "case %zu (%s, %s, \"%.60s\")", i,
                 rcpt, cases[i].arg ? cases[i].arg : "@/users",
                 show(cases[i].text));
        write_file(file, cases[i].text, cases[i].len ? cases[i].len
                   : strlen(cases[i].text));
        rc = lookup(cases[i].arg ? cases[i].arg : "@/users", rcpt, &a, &st);
        remove_file(file);
        EXPECT_INT(label, rc, cases[i].want_rc);
        if (rc < 0 && cases[i].want_rc < 0) {
            EXPECT_STR(label, st.code, cases[i].want_code);
            for (j = 0; j < 4 && cases[i].want_err[j]; j++)
                EXPECT_HAS(label, st.text, cases[i].want_err[j]);
            continue;
        }
        if (rc < 0 || cases[i].want_rc < 0) {
            print_error("%s: %s %s\n", label, st.code, st.text);
            continue;
        }
        if (cases[i].want_name)
            snprintf(want_name, sizeof(want_name), "%s", cases[i].want_name);
        else
            snprintf(want_name, sizeof(want_name), "%s", "alice@example.com");
        EXPECT_STR(label, a.name, want_name);
        EXPECT_STR(label, a.home, cases[i].want_home ? cases[i].want_home
                   : "");
        EXPECT_STR(label, a.maildir, cases[i].want_maildir
                   ? cases[i].want_maildir : "");
        EXPECT_INT(label, a.uid, cases[i].want_uid ? cases[i].want_uid
                   : USERDB_NO_ID);
        EXPECT_INT(label, a.gid, cases[i].want_gid ? cases[i].want_gid
                   : USERDB_NO_ID);
        EXPECT_INT(label, a.quota_set, cases[i].want_quota_set);
        EXPECT_U64(label, a.quota, cases[i].want_quota);
        EXPECT_U64(label, a.quota_messages, cases[i].want_msgs);
    }
    CHECKED();
}

/* test_names - uid and gid given as names, as in /etc/passwd */
static void test_names(void **state)
{
    struct passwd *pw;
    struct group *gr = NULL;
    struct account a;
    struct status st;
    char text[600];
    int rc;

    (void)state;
    setpwent();
    while ((pw = getpwent()) != NULL)
        if (pw->pw_uid != 0 && pw->pw_gid != 0
            && (gr = getgrgid(pw->pw_gid)) != NULL)
            break;
    endpwent();
    if (pw == NULL || gr == NULL)
        skip();
    snprintf(text, sizeof(text), "alice@example.com:x:%s:%s::/h\n",
             pw->pw_name, gr->gr_name);
    write_file("users", text, strlen(text));
    rc = lookup("@/users", "alice@example.com", &a, &st);
    remove_file("users");
    EXPECT_INT(text, rc, 0);
    EXPECT_INT(text, a.uid, (long)pw->pw_uid);
    EXPECT_INT(text, a.gid, (long)gr->gr_gid);
    snprintf(text, sizeof(text), "alice@example.com:x:1:1::/h::userdb_uid=%s"
             " userdb_gid=%s\n", pw->pw_name, gr->gr_name);
    write_file("users", text, strlen(text));
    rc = lookup("@/users", "alice@example.com", &a, &st);
    remove_file("users");
    EXPECT_INT(text, rc, 0);
    EXPECT_INT(text, a.uid, (long)pw->pw_uid);
    EXPECT_INT(text, a.gid, (long)gr->gr_gid);
    CHECKED();
}

/* test_chunks - a line across the end of a read, a far line's number */
static void test_chunks(void **state)
{
    enum { CHUNK = 128 * 1024, LINES = 200000 };
    struct account a;
    struct status st;
    char *text, label[100];
    size_t len, at;
    int rc, i;

    (void)state;
    text = malloc(CHUNK * 2 + 100);
    assert_non_null(text);
    /* alice's "\n" at every place from well before to after the end of
     * the first read (the file's bytes 0 .. CHUNK - 1) */
    for (at = CHUNK - 70; at < CHUNK + 3; at++) {
        memset(text, 'x', at);
        len = at + (size_t)sprintf(text + at, "\n" U "\n");
        write_file("users", text, len);
        rc = lookup("@/users", "alice@example.com", &a, &st);
        snprintf(label, sizeof(label), "newline at %zu", at);
        EXPECT_INT(label, rc, 0);
        EXPECT_INT(label, a.uid, 1001);
        EXPECT_STR(label, a.home, "/home/alice");
    }
    free(text);
    /* the line number of a bad line far into the file */
    text = malloc((size_t)LINES * 16 + 100);
    assert_non_null(text);
    for (len = 0, i = 0; i < LINES; i++)
        len += (size_t)sprintf(text + len, "u%d:x:1:1\n", i);
    len += (size_t)sprintf(text + len, "alice@example.com:x:z\n");
    write_file("users", text, len);
    free(text);
    rc = lookup("@/users", "alice@example.com", &a, &st);
    remove_file("users");
    EXPECT_INT("far", rc, -1);
    EXPECT_HAS("far", st.text, "line 200001: user 'alice@example.com': bad "
               "uid 'z'");
    CHECKED();
}

/* now_us - a monotonic clock in microseconds */
static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* cmp_double - for qsort */
static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;

    return (a > b) - (a < b);
}

/* time_lookup - median of runs lookups of rcpt in the big file, in us */
static double time_lookup(const char *rcpt, int want_rc, struct account *a)
{
    enum { RUNS = 41 };
    double t[RUNS], t0;
    struct status st;
    int i;

    for (i = 0; i < RUNS; i++) {
        t0 = now_us();
        assert_int_equal(lookup("@/big", rcpt, a, &st), want_rc);
        t[i] = now_us() - t0;
    }
    qsort(t, RUNS, sizeof(t[0]), cmp_double);
    return t[RUNS / 2];
}

/* test_big - 100,000 users as Dovecot writes them; the last is found */
static void test_big(void **state)
{
    enum { USERS = 100000 };
    static const struct {
        const char *scheme;
        int salt, hash;             /* lengths of the two parts */
        const char *domain;         /* in the names */
        const char *extra;
    } shapes[] = {
        {.scheme = "{PLAIN-MD5}", .hash = 32, .domain = "@example.com",
         .extra = ""},
        {.scheme = "{SHA512-CRYPT}$6$", .salt = 16, .hash = 86,
         .domain = "@example.com", .extra = "userdb_quota_rule=*:storage=1G"},
        {.scheme = "{PLAIN-MD5}", .hash = 32, .domain = "", .extra = ""},
    };
    static const char b64[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        "abcdefghijklmnopqrstuvwxyz";
    const char *alpha;
    char *text, pass[128];
    size_t len, cap = (size_t)USERS * 256, s;
    unsigned long seed = 42;
    struct account a;
    double found, missing;
    int i, j, o;

    (void)state;
    text = malloc(cap);
    assert_non_null(text);
    for (s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
        len = (size_t)snprintf(text, cap, "# users of example.com\n");
        for (i = 0; i < USERS; i++) {
            o = snprintf(pass, sizeof(pass), "%s", shapes[s].scheme);
            alpha = shapes[s].salt ? b64 : "0123456789abcdef";
            for (j = 0; j < shapes[s].salt + shapes[s].hash + 1; j++) {
                seed = seed * 6364136223846793005UL + 1442695040888963407UL;
                pass[o++] = j == shapes[s].salt && shapes[s].salt ? '$'
                    : alpha[(seed >> 33) % strlen(alpha)];
            }
            pass[shapes[s].salt ? o : o - 1] = '\0';
            len += (size_t)snprintf(text + len, cap - len, "user%06d%s:%s:"
                                    "5000:5000::/var/vmail/example.com/"
                                    "user%06d::%s\n", i, shapes[s].domain,
                                    pass, i, shapes[s].extra);
        }
        write_file("big", text, len);
        found = time_lookup("user099999@example.com", 0, &a);
        assert_string_equal(a.home, "/var/vmail/example.com/user099999");
        assert_int_equal(a.uid, 5000);
        assert_int_equal(a.quota_set, *shapes[s].extra != '\0');
        missing = time_lookup("nosuch@example.com", -1, &a);
        remove_file("big");
        print_message("%d users, %.1f MB, %s, names user%s: last user "
                      "%.0f us, unknown user %.0f us (medians)\n", USERS,
                      (double)len / 1e6, shapes[s].scheme,
                      *shapes[s].domain ? "@domain" : "", found, missing);
    }
    free(text);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    return rmdir(tmpdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_chunks),
        cmocka_unit_test(test_big),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
