#!/usr/bin/env python3
"""accounts.py - an account service speaking Postfix tcp_table(5), for the
tests of lda's "userdb = tcp:HOST:PORT".

usage: accounts.py --accounts FILE [--port PORT] [--port-file FILE]
                   --log FILE [--mode MODE] [--mode-file FILE]
                   --pidfile FILE [--exit-with-parent]

Listens on 127.0.0.1:PORT (0 = any free port, written to --port-file once
it listens).  The protocol is tcp_table(5): each request is one line
"get SPACE key NEWLINE", each reply one line "200 SPACE value",
"500 SPACE text" (no such key) or "400 SPACE text" (try again), with
'%', whitespace and non-printing characters %XX-encoded both ways.  As
Postfix keeps a connection open for many lookups, a connection may carry
any number of requests; any number of connections are served at once.

FILE is a JSON object {key: value}.  A value that is a string is sent as
it is (so a test can serve a value that is not JSON at all); any other
value is sent as compact JSON.  FILE is read again for every request, so
a test may change it while the service runs (replace it by a rename:
a half-written file is answered with 400).

Every request's key, decoded, is appended to --log, one a line, flushed
at once (control characters stay %XX-encoded so a key is one line).

--mode (or, when it exists, the first word of --mode-file, read for
every request, so a test can switch modes on a running service):
  ok       answer from FILE (the default)
  stall    never answer (the connection stays open until the client goes)
  400      answer every request "400 try again later"
  garbage  answer with a line that is not tcp_table
  huge     answer "200 " and 100 KB without a newline in reach of 4096
  close    close the connection without answering

SIGTERM removes the pidfile and the port file and ends the process.
"""

import argparse
import json
import re
import socketserver
import threading

import svc

MODES = ("ok", "stall", "400", "garbage", "huge", "close")
PCT = re.compile(rb"%([0-9A-Fa-f]{2})")
LOCK = threading.Lock()


def encode(data):
    """%XX for '%', whitespace and non-printing bytes (tcp_table(5))."""
    return b"".join(b"%%%02X" % c if c <= 32 or c == 37 or c >= 127
                    else bytes([c]) for c in data)


def decode(data):
    """Undo %XX (hex in any case); a stray '%' stays as it is."""
    return PCT.sub(lambda m: bytes([int(m.group(1), 16)]), data)


class Handler(socketserver.StreamRequestHandler):
    def mode(self):
        args = self.server.args
        if args.mode_file:
            try:
                with open(args.mode_file) as f:
                    words = f.read().split()
                if words and words[0] in MODES:
                    return words[0]
            except OSError:
                pass
        return args.mode

    def log(self, key):
        shown = re.sub(rb"[\x00-\x1f\x7f]", lambda m: b"%%%02X" % m.group()[0], key)
        with LOCK:
            self.server.logf.write(shown + b"\n")
            self.server.logf.flush()

    def answer(self, key):
        """The reply line for KEY (bytes, decoded) in mode "ok"."""
        try:
            with open(self.server.args.accounts, encoding="utf-8") as f:
                accounts = json.load(f)
        except (OSError, ValueError) as e:
            return b"400 " + encode(("accounts file: %s" % e).encode())
        name = key.decode("utf-8", "surrogateescape")
        if name not in accounts:
            return b"500 " + encode(b"no such account")
        value = accounts[name]
        if not isinstance(value, str):
            value = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        return b"200 " + encode(value.encode("utf-8"))

    def handle(self):
        while True:
            line = self.rfile.readline(1 << 16)
            if not line:
                return
            words = line.rstrip(b"\r\n").split(b" ", 1)
            if len(words) != 2 or words[0] != b"get":
                self.wfile.write(b"400 " + encode(b"only get is supported") + b"\n")
                continue
            key = decode(words[1])
            self.log(key)
            mode = self.mode()
            if mode == "stall":
                continue        # read on: the client gives up and closes
            if mode == "close":
                return
            reply = {"400": b"400 try%20again%20later",
                     "garbage": b"this is not tcp_table",
                     "huge": b"200 " + b"x" * (100 * 1024)}.get(mode)
            self.wfile.write((reply or self.answer(key)) + b"\n")
            self.wfile.flush()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description="tcp_table account service")
    ap.add_argument("--accounts", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log", required=True)
    ap.add_argument("--mode", choices=MODES, default="ok")
    ap.add_argument("--mode-file")
    svc.add_arguments(ap)
    args = ap.parse_args()

    server = Server(("127.0.0.1", args.port), Handler)
    server.args = args
    server.logf = open(args.log, "ab")
    remove = ()
    if args.port_file:
        svc.write_file(args.port_file, "%d\n" % server.server_address[1])
        remove = (args.port_file,)
    svc.serve(server, args, remove)


if __name__ == "__main__":
    main()
