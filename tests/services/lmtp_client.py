#!/usr/bin/env python3
"""lmtp_client.py - a scripted LMTP client for the tests.

    lmtp_client.py ADDRESS raw [--timeout S] [--replies N] < BYTES
        Connect, send standard input exactly as it is (CRLF or not, all
        in one write: pipelining), then print every reply line the
        server sends until it closes, N replies (greeting included) have
        come, or S seconds pass with nothing new.

    lmtp_client.py ADDRESS send --from S --to R [--to R ...]
                   [--orcpt O ...] [--timeout S] < MESSAGE
        One ordinary transaction: LHLO, MAIL, each RCPT, DATA with the
        message (LF made CRLF, dot-stuffed), QUIT.  Prints the reply
        line to each RCPT as "rcpt: LINE" and then each per-recipient
        reply after DATA as "data: LINE"; exit 0 when every recipient
        got a 250 after DATA, 1 otherwise.  Each --more R (repeatable)
        is one more transaction on the same connection, before QUIT,
        with the same message to R alone; its reply after DATA is
        printed as "more: LINE" (or its refusal as "more: LINE").

    lmtp_client.py ADDRESS many --conns N --total T --from S --to R
                   [--to R ...] [--body-max B] [--tag X]
                   [--rss-of PID --rss-at K[,K...]] [--timeout S]
        T transactions over N connections at once (one thread each,
        transaction i on connection i mod N), every one to all the R
        given, each with its own message "Subject: nI" and
        "Message-ID: <I.X@lmtp.test>" and a body of (I * 37) mod (B+1)
        bytes (B defaults to 3000).  MAIL, the RCPTs and DATA go in one
        write.  Prints "data CODE COUNT" for the replies after DATA,
        "cmd CODE COUNT" for other replies that were refusals, the first
        few unexpected lines as "unexpected: LINE", and exits 0 when
        every recipient of every transaction got a 250 after DATA.
        With --rss-of, once every connection has done K transactions
        (all wait there), prints "rss K PID KB" for each child of PID
        (the listener: its children are the connection processes).

ADDRESS is a unix socket path or HOST:PORT.  Each reply printed is its
last line (the one that carries the final code).
"""

import argparse
import os
import socket
import sys
import threading
import time
from collections import Counter


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

    def line(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r").decode("utf-8", "replace")

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
    try:
        while args.replies == 0 or n < args.replies:
            print(r.reply(), flush=True)
            n += 1
    except (EOFError, socket.timeout, ConnectionResetError):
        pass
    s.close()
    return 0


def stuff(message):
    """LF line ends made CRLF, leading dots doubled, a final CRLF."""
    lines = message.replace(b"\r\n", b"\n").split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    out = [(b"." + l if l.startswith(b".") else l) for l in lines]
    return b"\r\n".join(out) + b"\r\n"


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
        s.sendall(stuff(message) + b".\r\n")
        for _ in range(accepted):
            line = r.reply()
            print("data:", line, flush=True)
            ok = ok and line.startswith("250")
    for rcpt in args.more or []:
        line = cmd("MAIL FROM:<%s>" % args.sender)
        if line.startswith("250"):
            line = cmd("RCPT TO:<%s>" % rcpt)
        if line.startswith("250"):
            line = cmd("DATA")
        if line.startswith("354"):
            s.sendall(stuff(message) + b".\r\n")
            line = r.reply()
        print("more:", line, flush=True)
        ok = ok and line.startswith("250")
        if not line.startswith("250"):
            cmd("RSET")
    cmd("QUIT")
    s.close()
    return 0 if ok else 1


def message(i, tag, body_max):
    """Message I of a "many" run: its own Subject and Message-ID."""
    body = b"m" * ((i * 37) % (body_max + 1))
    return (b"From: a@example.org\nSubject: n%d\nMessage-ID: <%d.%s@lmtp.test>"
            b"\n\n%s\n" % (i, i, tag.encode(), body))


def children_rss(parent):
    """{pid: VmRSS in kB} of the processes whose parent is PARENT."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                stat = f.read()
            if int(stat[stat.rindex(")") + 2:].split()[1]) != parent:
                continue
            with open("/proc/%s/status" % name) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        out[int(name)] = int(line.split()[1])
        except (OSError, ValueError, IndexError):
            pass
    return out


def many(args):
    data, cmd, unexpected = Counter(), Counter(), []
    lock = threading.Lock()
    rss_at = sorted(int(k) for k in args.rss_at.split(",")) if args.rss_at else []

    def sample(k):
        def action():
            for pid, kb in sorted(children_rss(args.rss_of).items()):
                print("rss %d %d %d" % (k, pid, kb), flush=True)
        return action

    barriers = {k: threading.Barrier(args.conns, action=sample(k))
                for k in rss_at} if args.rss_of else {}

    def note(counter, line, want):
        with lock:
            counter[line[:3]] += 1
            if not line.startswith(want) and len(unexpected) < 10:
                unexpected.append(line)

    def worker(c):
        try:
            s = connect(args.address, args.timeout)
            r = Replies(s)
            note(cmd, r.reply(), "220")
            s.sendall(b"LHLO client.test\r\n")
            note(cmd, r.reply(), "250")
            done = 0
            for i in range(c, args.total, args.conns):
                head = "MAIL FROM:<%s>\r\n" % args.sender
                head += "".join("RCPT TO:<%s>\r\n" % t for t in args.to)
                s.sendall(head.encode() + b"DATA\r\n")
                ok = True
                for want in ["250"] * (1 + len(args.to)) + ["354"]:
                    line = r.reply()
                    if not line.startswith(want):
                        note(cmd, line, want)
                        ok = False
                if not ok:
                    raise EOFError("transaction %d refused" % i)
                s.sendall(stuff(message(i, args.tag, args.body_max)) + b".\r\n")
                for _ in args.to:
                    note(data, r.reply(), "250")
                done += 1
                if done in barriers:
                    barriers[done].wait()
            s.sendall(b"QUIT\r\n")
            r.reply()
            s.close()
        except (OSError, EOFError, threading.BrokenBarrierError) as e:
            with lock:
                unexpected.append("connection %d: %s" % (c, e or "closed"))
            for b in barriers.values():
                b.abort()

    threads = [threading.Thread(target=worker, args=(c,))
               for c in range(args.conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for code, n in sorted(data.items()):
        print("data %s %d" % (code, n))
    for code, n in sorted(cmd.items()):
        if code not in ("220", "250", "354"):
            print("cmd %s %d" % (code, n))
    for line in unexpected:
        print("unexpected:", line)
    return 0 if data["250"] == args.total * len(args.to) else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("address")
    sub = ap.add_subparsers(dest="mode", required=True)
    p = sub.add_parser("raw")
    p.add_argument("--timeout", type=float, default=10)
    p.add_argument("--replies", type=int, default=0)
    p = sub.add_parser("send")
    p.add_argument("--from", dest="sender", default="")
    p.add_argument("--to", action="append", required=True)
    p.add_argument("--orcpt", action="append")
    p.add_argument("--more", action="append")
    p.add_argument("--timeout", type=float, default=60)
    p = sub.add_parser("many")
    p.add_argument("--conns", type=int, required=True)
    p.add_argument("--total", type=int, required=True)
    p.add_argument("--from", dest="sender", default="")
    p.add_argument("--to", action="append", required=True)
    p.add_argument("--body-max", type=int, default=3000)
    p.add_argument("--tag", default="t")
    p.add_argument("--rss-of", type=int)
    p.add_argument("--rss-at")
    p.add_argument("--timeout", type=float, default=120)
    args = ap.parse_args()
    try:
        return {"raw": raw, "send": send, "many": many}[args.mode](args)
    except EOFError:
        print("closed: the server closed the connection", flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
