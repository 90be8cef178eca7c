#!/usr/bin/env python3
"""receiver.py - a Standard Webhooks receiver for the lda-notifyd tests.

usage: receiver.py --port PORT [--port-file FILE] --pidfile FILE --log FILE
                   [--secret whsec_...]... [--tolerance 300] [--exit-with-parent]

An HTTP/1.1 server (keep-alive, Content-Length on every answer) on
127.0.0.1:PORT (0 = any free port, written to --port-file).  Every POST to
a path other than /_control is a webhook: its Standard Webhooks v1
signature is checked against every --secret, and one JSON line is appended
to --log (flushed at once):

  {"t": epoch, "path", "headers": {lower-case name: value}, "body": text,
   "json": parsed body or null, "verified": bool, "verify_error": text or
   null, "answered": status or null (the client went away first),
   "mode": the mode applied, "conn": serial number of the TCP connection}

A request that fails verification is answered like any other (the test
sees it in the log with verified=false); nothing is hidden.

Control (not logged as webhooks):
  POST /_control {"mode": "ok"|"500"|"410"|"429"|"503"|"302"|"stall"|
                          "big"|"500first",
                  "retry_after": N or "HTTP-date" (429/503, optional),
                  "count": K (the next K webhooks, then back to ok),
                  "stall": seconds (stall: wait that long, or until the
                           client closes, then answer 200),
                  "size": bytes (big: answer 200 with a body this long,
                          made as it is sent, until the client leaves;
                          "answered" is 200, "sent" the body bytes sent),
                  "reset": true (empty the log and zero the counters)}
  500first answers 500 to the first request of each webhook-id, 200 to
  the later ones.
  GET /_stats -> {"received": n, "verified": n, "ids": distinct webhook-id
                  values among the verified requests, "mode": current}

Verification follows the Standard Webhooks specification (v1, symmetric):
the key is the base64 text after "whsec_"; the signed content is
"<webhook-id>.<webhook-timestamp>.<raw body>"; the signature is
HMAC-SHA256, standard base64 with padding (RFC 4648 section 4), sent as
"v1,<sig>" entries separated by single spaces, any one matching is enough
and other versions are ignored; the timestamp (integer unix seconds) must
lie within --tolerance seconds of now, either way.  The comparison of the
base64 text is exact, so URL-safe or unpadded base64 does not verify.

SIGTERM ends the server at once (the log is flushed after every line).
"""

import argparse
import base64
import hashlib
import hmac
import http.server
import json
import re
import select
import socket
import socketserver
import sys
import threading
import time

import svc

MODES = ("ok", "500", "410", "429", "503", "302", "stall", "big", "500first")
BIG_CHUNK = b"x" * 65536
TIMESTAMP_RE = re.compile(r"[0-9]{1,15}\Z")


class State:
    """What every connection shares: keys, mode, counters and the log."""

    def __init__(self, logpath, keys, tolerance):
        self.lock = threading.Lock()
        self.logpath = logpath
        self.log = open(logpath, "a", encoding="utf-8")
        self.keys = keys
        self.tolerance = tolerance
        self.mode = {"mode": "ok"}
        self.count = None           # None: the mode stays until changed
        self.received = 0
        self.verified = 0
        self.ids = set()
        self.conns = 0
        self.seen = set()           # webhook-ids answered by 500first

    def next_conn(self):
        with self.lock:
            self.conns += 1
            return self.conns

    def take_mode(self):
        """The mode for one webhook; a counted mode runs out here."""
        with self.lock:
            mode = self.mode
            if self.count is not None:
                self.count -= 1
                if self.count <= 0:
                    self.mode, self.count = {"mode": "ok"}, None
            return mode

    def first_time(self, msg_id):
        """Whether 500first has not seen MSG_ID yet (and remember it)."""
        with self.lock:
            new = msg_id not in self.seen
            self.seen.add(msg_id)
            return new

    def set_mode(self, mode, count):
        with self.lock:
            self.mode, self.count = mode, count

    def reset(self):
        with self.lock:
            self.log.truncate(0)
            self.log.seek(0)
            self.received = self.verified = 0
            self.ids.clear()

    def record(self, rec):
        line = json.dumps(rec, ensure_ascii=False, separators=(",", ":"))
        with self.lock:
            self.log.write(line + "\n")
            self.log.flush()
            self.received += 1
            if rec["verified"]:
                self.verified += 1
                self.ids.add(rec["headers"].get("webhook-id"))

    def stats(self):
        with self.lock:
            mode = dict(self.mode)
            if self.count is not None:
                mode["count"] = self.count
            return {"received": self.received, "verified": self.verified,
                    "ids": len(self.ids), "mode": mode}


def decode_secret(text):
    """The HMAC key of a "whsec_<base64>" secret."""
    if not text.startswith("whsec_"):
        raise ValueError("secret does not start with whsec_")
    return base64.b64decode(text[len("whsec_"):], validate=True)


def verify(headers, body, keys, tolerance, now):
    """None when the request is signed by one of KEYS, else the reason."""
    vals = {}
    for name in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        got = headers.get_all(name) or []
        if not got:
            return "missing %s header" % name
        if len(got) > 1:
            return "repeated %s header" % name
        vals[name] = got[0]
    msg_id, ts, sig = (vals["webhook-id"], vals["webhook-timestamp"],
                       vals["webhook-signature"])
    if not msg_id:
        return "empty webhook-id"
    if not TIMESTAMP_RE.match(ts):
        return "bad webhook-timestamp '%s'" % ts
    skew = int(ts) - now
    if skew < -tolerance:
        return "webhook-timestamp too old (%.0f s)" % -skew
    if skew > tolerance:
        return "webhook-timestamp too new (%.0f s ahead)" % skew
    if not keys:
        return "no secret configured"
    signed = msg_id.encode("latin-1") + b"." + ts.encode() + b"." + body
    wanted = [base64.b64encode(hmac.new(k, signed, hashlib.sha256).digest())
              for k in keys]
    entries = sig.split(" ")
    v1 = 0
    for entry in entries:
        version, comma, value = entry.partition(",")
        if not comma or not version:
            return "malformed webhook-signature entry '%s'" % entry
        if version != "v1":
            continue                    # other schemes are not ours to check
        v1 += 1
        value = value.encode("latin-1")
        for w in wanted:
            if hmac.compare_digest(w, value):
                return None
    if not v1:
        return "no v1 entry in webhook-signature"
    return "no v1 signature matches (%d entries, %d keys)" % (v1, len(keys))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "lda-test-receiver/1"
    sys_version = ""
    # buffer the answer (headers and body leave in one write; the handler
    # flushes after each request) and do not wait on Nagle
    wbufsize = -1
    disable_nagle_algorithm = True
    timeout = 600

    def setup(self):
        super().setup()
        self.conn_id = self.server.state.next_conn()

    def log_request(self, code="-", size="-"):
        pass

    def handle_expect_100(self):
        # the base class leaves "100 Continue" in our write buffer
        ok = super().handle_expect_100()
        self.wfile.flush()
        return ok

    def read_body(self):
        """The request body: Content-Length or chunked; None when invalid."""
        te = self.headers.get("Transfer-Encoding", "")
        if te.lower() == "chunked":
            parts = []
            while True:
                line = self.rfile.readline(65537)
                try:
                    size = int(line.split(b";")[0].strip(), 16)
                except ValueError:
                    return None
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline(3)
        cl = self.headers.get("Content-Length")
        if cl is None:
            return b""
        try:
            n = int(cl)
        except ValueError:
            return None
        if n < 0:
            return None
        body = self.rfile.read(n)
        return body if len(body) == n else None

    def answer(self, status, body, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def answer_json(self, status, obj):
        self.answer(status, json.dumps(obj).encode() + b"\n")

    def do_GET(self):
        if self.path == "/_stats":
            self.answer_json(200, self.server.state.stats())
        else:
            self.answer_json(404, {"error": "not found"})

    def do_POST(self):
        body = self.read_body()
        if body is None:
            self.close_connection = True
            self.answer_json(400, {"error": "bad request body"})
            return
        if self.path == "/_control":
            self.control(body)
        else:
            self.webhook(body)

    def control(self, body):
        state = self.server.state
        try:
            req = json.loads(body)
            if not isinstance(req, dict):
                raise ValueError("not an object")
            if req.get("reset"):
                state.reset()
            if "mode" in req:
                mode = {"mode": str(req["mode"])}
                if mode["mode"] not in MODES:
                    raise ValueError("unknown mode '%s'" % mode["mode"])
                ra = req.get("retry_after")
                if ra is not None and ra != "":
                    mode["retry_after"] = str(ra)
                if mode["mode"] == "stall":
                    mode["stall"] = float(req.get("stall", 3600))
                if mode["mode"] == "big":
                    mode["size"] = int(req.get("size", 1 << 30))
                count = req.get("count")
                if count is not None and count != "":
                    count = int(count)
                    if count < 1:
                        raise ValueError("count must be at least 1")
                else:
                    count = None
                state.set_mode(mode, count)
        except (ValueError, TypeError) as e:
            self.answer_json(400, {"error": str(e)})
            return
        self.answer_json(200, state.stats())

    def client_gone_during(self, seconds):
        """Wait SECONDS; True as soon as the client closes its end."""
        end = time.monotonic() + seconds
        p = select.poll()
        p.register(self.connection, select.POLLIN | select.POLLRDHUP)
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return False
            events = p.poll(left * 1000)
            if not events:
                continue
            ev = events[0][1]
            if ev & (select.POLLHUP | select.POLLERR | select.POLLRDHUP):
                return True
            try:
                data = self.connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
            except BlockingIOError:
                continue
            except OSError:
                return True
            if not data:
                return True
            # a pipelined request: the client is there, just wait
            time.sleep(max(0.0, end - time.monotonic()))
            return False

    def answer_big(self, size):
        """200 with SIZE body bytes, made as they go; the bytes sent."""
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        sent = 0
        try:
            self.wfile.flush()
            while sent < size:
                n = min(len(BIG_CHUNK), size - sent)
                self.connection.sendall(BIG_CHUNK[:n])
                sent += n
        except OSError:
            self.close_connection = True
        return sent

    def webhook(self, body):
        state = self.server.state
        now = time.time()
        err = verify(self.headers, body, state.keys, state.tolerance, now)
        mode = state.take_mode()
        m = mode["mode"]
        status, extra, sent = 200, [], None
        if m == "500first":
            if state.first_time(self.headers.get("webhook-id")):
                status = 500
        elif m == "stall":
            if self.client_gone_during(mode["stall"]):
                status = None
        elif m == "302":
            status = 302
            extra.append(("Location", "http://%s:%d/redirected" % self.server.server_address[:2]))
        elif m not in ("ok", "big"):
            status = int(m)
            if "retry_after" in mode and m in ("429", "503"):
                extra.append(("Retry-After", mode["retry_after"]))
        headers = {}
        for k, v in self.headers.items():
            k = k.lower()
            headers[k] = headers[k] + ", " + v if k in headers else v
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        if status is None:
            self.close_connection = True
        elif m == "big":
            sent = self.answer_big(mode["size"])
        elif status == 200:
            self.answer(200, b'{"ok":true}\n', extra)
        else:
            self.answer(status, b'{"error":"mode %s"}\n' % m.encode(), extra)
        state.record({"t": now, "path": self.path, "headers": headers,
                      "body": body.decode("utf-8", errors="replace"),
                      "json": parsed, "verified": err is None,
                      "verify_error": err, "answered": status, "mode": m,
                      "conn": self.conn_id, "sent": sent})


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024

    def server_bind(self):
        # skip HTTPServer's getfqdn(): a name lookup is of no use here
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def main():
    ap = argparse.ArgumentParser(description="Standard Webhooks test receiver")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--port-file")
    ap.add_argument("--log", required=True)
    ap.add_argument("--secret", action="append", default=[])
    ap.add_argument("--tolerance", type=float, default=300)
    svc.add_arguments(ap)
    a = ap.parse_args()
    try:
        keys = [decode_secret(s) for s in a.secret]
    except ValueError as e:
        sys.exit("receiver.py: bad --secret: %s" % e)
    server = Server(("127.0.0.1", a.port), Handler)
    server.state = State(a.log, keys, a.tolerance)
    if a.port_file:
        svc.write_file(a.port_file, "%d\n" % server.server_address[1])
    svc.serve(server, a)


if __name__ == "__main__":
    main()
