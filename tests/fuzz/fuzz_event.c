/*
 * fuzz_event.c - the event writer (event/event.c) fed hostile header
 * fields and envelope strings
 *
 * The first part of the input is a message's header section, scanned
 * as lda scans it (lda/header.c into event_header()); the next parts
 * are the sender, the folder, the original recipient and the user.
 * The JSON built must always be there and read back as one object with
 * the envelope's members (jansson's reader also checks the UTF-8).
 */
#include <jansson.h>

#include "fuzz.h"

#include "../../lda/header.h"
#include "../../event/event.h"

/* keep - the header scanner's callback, as lda's */
static void keep(void *arg, const char *name, const char *value,
                 int truncated)
{
    (void)truncated;
    event_header(arg, name, value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct event_headers hdr;
    struct header_scan h;
    struct event ev;
    json_error_t err;
    json_t *root, *d;
    char *part[5], *json;
    size_t len = 0;

    if (size < 3)
        return 0;
    memset(&ev, 0, sizeof(ev));
    ev.type = (enum event_type)(data[0] % 3);
    ev.quota.on = data[1] & 1;
    ev.quota.bytes = (int64_t)((uint64_t)data[1] << 56);
    ev.quota.bytes_limit = (uint64_t)data[2] << 56;
    ev.quota.messages = -(int64_t)data[2];
    ev.threshold = data[1];
    ev.bounced = data[2] & 1;
    fuzz_split(data + 3, size - 3, part, 5);
    memset(&hdr, 0, sizeof(hdr));
    header_init(&h, keep, &hdr);
    header_feed(&h, part[0], strlen(part[0]));
    header_end(&h);
    ev.hdr = &hdr;
    ev.sender = part[1];
    ev.folder = part[2];
    ev.original_recipient = part[3][0] ? part[3] : NULL;
    ev.user = part[4];
    ev.recipient = part[4];
    ev.path = "/var/vmail/example.com/bob/Maildir";
    ev.file = "1700000000.M1P2.mx,S=10,W=11";
    ev.status = "4.2.2";
    ev.size = (uint64_t)size << 40;
    if ((json = event_json(&ev, &len)) == NULL)
        fuzz_fail("no JSON");
    if (len != strlen(json))
        fuzz_fail("length %zu of %zu", len, strlen(json));
    if ((root = json_loadb(json, len, 0, &err)) == NULL)
        fuzz_fail("JSON does not read back: %s", err.text);
    d = json_object_get(root, "data");
    if (!json_is_object(d) || !json_is_string(json_object_get(d, "user"))
        || !json_is_string(json_object_get(d, "folder"))
        || strcmp(json_string_value(json_object_get(root, "id")), ev.id) != 0)
        fuzz_fail("members missing from %s", json);
    json_decref(root);
    free(json);
    free(part[0]);
    return 0;
}
