/*
 * test_event.c - event JSON (envelope, message.new fields from the
 * header scan, quota events, hostile bytes) and the outbox (whole file
 * in new/, nothing left in tmp/, a missing outbox reported).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "expect.h"

#include "../../event/event.h"
#include "../../event/outbox.h"

/* str - a string member by path "a.b", "" when absent */
static const char *str(json_t *o, const char *a, const char *b)
{
    json_t *v = json_object_get(o, a);
    const char *s;

    if (b)
        v = json_object_get(v, b);
    s = json_string_value(v);
    return s ? s : "";
}

/* parse - event_json's output, parsed; NULL fails the test */
static json_t *parse(struct event *ev)
{
    size_t len = 0;
    char *s = event_json(ev, &len);
    json_t *o;

    assert_non_null(s);
    EXPECT_INT("json length", len, strlen(s));
    assert_null(strchr(s, '\n'));       /* one line: the unix notifier */
    o = json_loads(s, 0, NULL);
    free(s);
    assert_non_null(o);
    return o;
}

static void headers(struct event_headers *h)
{
    memset(h, 0, sizeof(*h));
    event_header(h, "from", "=?ISO-8859-1?Q?J=F6rg?= <jorg@example.org>");
    event_header(h, "From", "second@example.org");
    event_header(h, "To", "Bob <bob@example.com>, carol@example.com");
    event_header(h, "SUBJECT", "=?UTF-8?B?R3LDvMOfZQ==?= again");
    event_header(h, "Date", "Tue, 24 Nov 2026 05:50:00 +0000");
    event_header(h, "Message-ID", " <abc@example.org> trailing");
}

static void test_message_new(void **state)
{
    struct event_headers h;
    struct event ev;
    json_t *o, *d, *from, *to;
    const char *c = "message.new";

    (void)state;
    headers(&h);
    memset(&ev, 0, sizeof(ev));
    ev.type = EVENT_MESSAGE_NEW;
    ev.user = "bob@example.com";
    ev.recipient = "bob+lists@example.com";
    ev.sender = "";
    ev.folder = "lists";
    ev.path = "/home/bob/Maildir/.lists";
    ev.file = "1.M2P3.host,S=10";
    ev.size = 10;
    ev.hdr = &h;
    ev.quota = (struct event_quota){.on = 1, .bytes = 100, .messages = 2,
                                    .bytes_limit = 1000};
    o = parse(&ev);
    d = json_object_get(o, "data");
    EXPECT_STR(c, str(o, "id", NULL), ev.id);
    EXPECT_INT(c, strlen(ev.id), 36);
    EXPECT_INT(c, ev.id[14], '4');              /* a random (v4) UUID */
    EXPECT_STR(c, str(o, "type", NULL), "message.new");
    EXPECT_INT(c, json_integer_value(json_object_get(o, "version")), 1);
    EXPECT_INT(c, strlen(str(o, "timestamp", NULL)), 24);
    EXPECT_INT(c, str(o, "timestamp", NULL)[23], 'Z');
    EXPECT_STR(c, str(d, "event", NULL), "MessageNew");
    EXPECT_STR(c, str(d, "user", NULL), "bob@example.com");
    EXPECT_STR(c, str(d, "recipient", NULL), "bob+lists@example.com");
    EXPECT_INT(c, json_is_null(json_object_get(d, "original_recipient")), 1);
    EXPECT_STR(c, str(d, "sender", NULL), "");
    EXPECT_STR(c, str(d, "folder", NULL), "lists");
    EXPECT_STR(c, str(d, "maildir", "path"), "/home/bob/Maildir/.lists");
    EXPECT_STR(c, str(d, "maildir", "file"), "1.M2P3.host,S=10");
    EXPECT_INT(c, json_integer_value(json_object_get(d, "size")), 10);
    EXPECT_STR(c, str(d, "message_id", NULL), "<abc@example.org>");
    EXPECT_STR(c, str(d, "subject", NULL), "Gr\xc3\xbc\xc3\x9f" "e again");
    EXPECT_STR(c, str(d, "date", NULL), "Tue, 24 Nov 2026 05:50:00 +0000");
    from = json_object_get(d, "from");
    to = json_object_get(d, "to");
    EXPECT_INT(c, json_array_size(from), 1);
    EXPECT_STR(c, str(json_array_get(from, 0), "name", NULL), "J\xc3\xb6rg");
    EXPECT_STR(c, str(json_array_get(from, 0), "address", NULL),
               "jorg@example.org");
    EXPECT_INT(c, json_array_size(to), 2);
    EXPECT_STR(c, str(json_array_get(to, 1), "address", NULL),
               "carol@example.com");
    EXPECT_INT(c, json_integer_value(json_object_get(json_object_get(d,
               "quota"), "storage_limit")), 1000);
    EXPECT_INT(c, json_integer_value(json_object_get(json_object_get(d,
               "quota"), "messages_used")), 2);
    json_decref(o);
    CHECKED();
}

/* A message without those fields, bytes that are not UTF-8, no quota. */
static void test_bare_and_hostile(void **state)
{
    struct event_headers h;
    struct event ev;
    char first[EVENT_ID_LEN];
    json_t *o, *d;
    const char *c = "bare";

    (void)state;
    memset(&h, 0, sizeof(h));
    event_header(&h, "Subject", "caf\xe9 \xff\xfe");
    memset(&ev, 0, sizeof(ev));
    ev.type = EVENT_MESSAGE_NEW;
    ev.user = "u\xc3@example.com";
    ev.recipient = "u\xc3@example.com";
    ev.original_recipient = "orig@example.com";
    ev.sender = "s\x80@example.org";
    ev.folder = "INBOX";
    ev.path = "/m";
    ev.file = "f";
    ev.hdr = &h;
    o = parse(&ev);
    snprintf(first, sizeof(first), "%s", ev.id);
    d = json_object_get(o, "data");
    EXPECT_STR(c, str(d, "user", NULL), "u\xef\xbf\xbd@example.com");
    EXPECT_STR(c, str(d, "original_recipient", NULL), "orig@example.com");
    EXPECT_HAS(c, str(d, "subject", NULL), "caf");
    EXPECT_INT(c, json_object_get(d, "message_id") == NULL, 1);
    EXPECT_INT(c, json_object_get(d, "date") == NULL, 1);
    EXPECT_INT(c, json_object_get(d, "quota") == NULL, 1);
    EXPECT_INT(c, json_array_size(json_object_get(d, "from")), 0);
    EXPECT_INT(c, json_is_array(json_object_get(d, "to")), 1);
    json_decref(o);
    o = parse(&ev);
    EXPECT_INT(c, strcmp(first, ev.id) != 0, 1);        /* a fresh id */
    json_decref(o);
    CHECKED();
}

static void test_quota_events(void **state)
{
    struct event ev;
    json_t *o, *d;
    const char *c = "quota";

    (void)state;
    memset(&ev, 0, sizeof(ev));
    ev.type = EVENT_QUOTA_WARNING;
    ev.user = ev.recipient = "bob@example.com";
    ev.folder = "INBOX";
    ev.threshold = 80;
    ev.quota = (struct event_quota){.on = 1, .bytes = 850, .messages = 3,
                                    .bytes_limit = 1000};
    o = parse(&ev);
    d = json_object_get(o, "data");
    EXPECT_STR(c, str(o, "type", NULL), "quota.warning");
    EXPECT_STR(c, str(d, "event", NULL), "QuotaWarning");
    EXPECT_INT(c, json_integer_value(json_object_get(d, "threshold")), 80);
    EXPECT_INT(c, json_object_get(d, "sender") == NULL, 1);
    EXPECT_INT(c, json_integer_value(json_object_get(json_object_get(d,
               "quota"), "storage_used")), 850);
    json_decref(o);

    ev.type = EVENT_QUOTA_EXCEEDED;
    ev.sender = "alice@example.org";
    ev.size = 500;
    ev.status = "5.2.2";
    ev.bounced = 1;
    o = parse(&ev);
    d = json_object_get(o, "data");
    EXPECT_STR(c, str(o, "type", NULL), "quota.exceeded");
    EXPECT_STR(c, str(d, "event", NULL), "QuotaExceed");
    EXPECT_STR(c, str(d, "status", NULL), "5.2.2");
    EXPECT_STR(c, str(d, "action", NULL), "bounced");
    EXPECT_INT(c, json_integer_value(json_object_get(d, "size")), 500);
    json_decref(o);
    CHECKED();
}

static void test_outbox(void **state)
{
    char dir[] = "/tmp/test_event.XXXXXX", path[512], buf[64];
    struct status st;
    FILE *fp;
    size_t n;

    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_int_equal(outbox_put(dir, "abc-1", "{\"a\":1}", 7, &st), 0);
    snprintf(path, sizeof(path), "%s/new/abc-1.json", dir);
    fp = fopen(path, "r");
    assert_non_null(fp);
    n = fread(buf, 1, sizeof(buf) - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    EXPECT_STR("outbox file", buf, "{\"a\":1}");
    snprintf(path, sizeof(path), "%s/tmp", dir);
    EXPECT_INT("tmp/ made", access(path, F_OK), 0);
    EXPECT_INT("tmp/ empty", rmdir(path), 0);
    outbox_wake(dir, "abc-1");                  /* nobody listens: fine */
    snprintf(path, sizeof(path), "%s/new/abc-1.json", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/new", dir);
    rmdir(path);
    rmdir(dir);
    EXPECT_INT("missing outbox", outbox_put(dir, "abc-2", "{}", 2, &st), -1);
    EXPECT_HAS("missing outbox", st.text, dir);
    CHECKED();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_message_new),
        cmocka_unit_test(test_bare_and_hostile),
        cmocka_unit_test(test_quota_events),
        cmocka_unit_test(test_outbox),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
