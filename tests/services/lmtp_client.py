#!/usr/bin/env python3
"""lmtp_client.py - a scripted LMTP client for the tests.

    lmtp_client.py ADDRESS raw [--timeout S] [--replies N] [--all]
                   [--end] < BYTES
        Connect, send standard input exactly as it is (CRLF or not, all
        in one write: pipelining), then print every reply line the
        server sends until it closes, N replies (greeting included) have
        come, or S seconds pass with nothing new.  --all prints every
        line of a multi-line reply ("250-SIZE 1000"), not only its last;
        --end adds a last line "closed" when the server closed the
        connection, "timeout" when S seconds passed.

    lmtp_client.py ADDRESS send --from S --to R [--to R ...]
                   [--orcpt O ...] [--timeout S] < MESSAGE
        One ordinary transaction: LHLO, MAIL, each RCPT, DATA with the
        message (LF made CRLF, dot-stuffed), QUIT.  Prints the reply
        line to each RCPT as "rcpt: LINE" and then each per-recipient
        reply after DATA as "data: LINE"; exit 0 when every recipient
        got a 250 after DATA, 1 otherwise.
        --pause-at N --go FILE: send only the first N bytes of the data
        (after the 354), print "paused", and send the rest once FILE
        exists; should the server close the connection meanwhile, print
        "early: LINE" for each line it sent first, then "closed", and
        exit 1.

ADDRESS is a unix socket path or HOST:PORT.  Each reply printed is its
last line (the one that carries the final code).
"""

import argparse
import os
import select
import socket
import sys
import time


def connect(address, timeout):
    if address.startswith("/"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(address)
        return s
    host, port = address.rsplit(":", 1)
    return socket.create_connection((host.strip("[]"), int(port)), timeout)


class Replies:
    """Reply lines from a socket, whole multi-line replies at a time."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.last = ""

    def line(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        self.last = line.rstrip(b"\r").decode("utf-8", "replace")
        return self.last

    def reply(self):
        """The last line of the next reply (a "250-" line is followed)."""
        while True:
            line = self.line()
            if len(line) < 4 or line[3] != "-":
                return line


def raw(args):
    s = connect(args.address, args.timeout)
    s.sendall(sys.stdin.buffer.read())
    r = Replies(s)
    n = 0
    end = None
    try:
        while args.replies == 0 or n < args.replies:
            print(r.line() if args.all else r.reply(), flush=True)
            if not args.all or len(r.last) < 4 or r.last[3] != "-":
                n += 1
    except (EOFError, ConnectionResetError):
        end = "closed"
    except socket.timeout:
        end = "timeout"
    if args.end and end:
        print(end, flush=True)
    s.close()
    return 0


def stuff(message):
    """LF line ends made CRLF, leading dots doubled, a final CRLF."""
    lines = message.replace(b"\r\n", b"\n").split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    out = [(b"." + l if l.startswith(b".") else l) for l in lines]
    return b"\r\n".join(out) + b"\r\n"


def hold(s, go, timeout):
    """Wait for the file GO; None, or what the server did meanwhile."""
    deadline = time.monotonic() + timeout
    while not os.path.exists(go):
        if time.monotonic() > deadline:
            return "timeout"
        ready, _, _ = select.select([s], [], [], 0.1)
        if ready:
            early = []
            try:
                while True:
                    data = s.recv(65536)
                    if not data:
                        break
                    early.append(data)
            except (ConnectionResetError, socket.timeout):
                pass
            text = b"".join(early).decode("utf-8", "replace")
            return "".join("early: %s\n" % l.rstrip("\r")
                           for l in text.splitlines()) + "closed"
    return None


def send(args):
    message = sys.stdin.buffer.read()
    s = connect(args.address, args.timeout)
    r = Replies(s)

    def cmd(text):
        s.sendall(text.encode() + b"\r\n")
        return r.reply()

    r.reply()
    cmd("LHLO client.test")
    cmd("MAIL FROM:<%s>" % args.sender)
    accepted = 0
    orcpts = args.orcpt or []
    for i, rcpt in enumerate(args.to):
        extra = ""
        if i < len(orcpts) and orcpts[i]:
            extra = " ORCPT=rfc822;" + orcpts[i]
        line = cmd("RCPT TO:<%s>%s" % (rcpt, extra))
        print("rcpt:", line, flush=True)
        if line.startswith("250"):
            accepted += 1
    ok = accepted == len(args.to)
    if accepted:
        line = cmd("DATA")
        if not line.startswith("354"):
            print("data:", line, flush=True)
            return 1
        data = stuff(message) + b".\r\n"
        if args.pause_at is not None:
            head, data = data[:args.pause_at], data[args.pause_at:]
            s.sendall(head)
            print("paused", flush=True)
            early = hold(s, args.go, args.timeout)
            if early is not None:
                print(early, flush=True)
                return 1
        s.sendall(data)
        for _ in range(accepted):
            line = r.reply()
            print("data:", line, flush=True)
            ok = ok and line.startswith("250")
    try:
        cmd("QUIT")
    except (EOFError, OSError):
        pass                    # a server shutting down may close first
    s.close()
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("address")
    sub = ap.add_subparsers(dest="mode", required=True)
    p = sub.add_parser("raw")
    p.add_argument("--timeout", type=float, default=10)
    p.add_argument("--replies", type=int, default=0)
    p.add_argument("--all", action="store_true")
    p.add_argument("--end", action="store_true")
    p = sub.add_parser("send")
    p.add_argument("--from", dest="sender", default="")
    p.add_argument("--to", action="append", required=True)
    p.add_argument("--orcpt", action="append")
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--pause-at", type=int)
    p.add_argument("--go", default="")
    args = ap.parse_args()
    return raw(args) if args.mode == "raw" else send(args)


if __name__ == "__main__":
    sys.exit(main())
