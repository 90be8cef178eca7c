#!/usr/bin/env python3
"""lmtp_client.py - a scripted LMTP client for the tests.

    lmtp_client.py ADDRESS raw [--timeout S] [--replies N] [--all]
                   [--show-close] [--end] < BYTES
        Connect, send standard input exactly as it is (CRLF or not, all
        in one write: pipelining), then print every reply line the
        server sends until it closes, N replies (greeting included) have
        come, or S seconds pass with nothing new.  With --all every line
        of a multi-line reply is printed ("250-SIZE 1000"), not only its
        last; with --show-close a last line "(closed)" says that the
        server closed the connection; --end adds a last line "closed"
        when the server closed the connection, "timeout" when S seconds
        passed.

    lmtp_client.py ADDRESS send --from S --to R [--to R ...]
                   [--orcpt O ...] [--repeat N] [--more R ...]
                   [--timeout S] < MESSAGE
        One ordinary transaction: LHLO, MAIL, each RCPT, DATA with the
        message (LF made CRLF, dot-stuffed), QUIT.  Prints the reply
        line to each RCPT as "rcpt: LINE" and then each per-recipient
        reply after DATA as "data: LINE"; exit 0 when every recipient
        got a 250 after DATA, 1 otherwise.  With --repeat, N such
        transactions one after the other on the same connection.  Each
        --more R (repeatable) is one more transaction after those, on the
        same connection, with the same message to R alone; its reply
        after DATA (or the refusal that ended it) is printed as "more:
        LINE".
        --pause-at N --go FILE: send only the first N bytes of the data
        (after the 354), print "paused", and send the rest once FILE
        exists; should the server close the connection meanwhile, print
        "early: LINE" for each line it sent first, then "closed", and
        exit 1.

    lmtp_client.py ADDRESS part --from S --to R [--to R ...] --bytes N
                   (--close | --hold FILE) [--timeout S] < MESSAGE
        As send, but after DATA only the first N bytes of the message
        (as send would put it on the wire) go out.  With --close the
        connection is then closed ("closed" is printed): a client gone
        in the middle of DATA.  With --hold, "holding" is printed and
        the client stalls until FILE exists (at most S seconds), then
        sends the rest and prints the per-recipient replies as "data:
        LINE" ("data: (closed)" when the server had gone); exit 0 when
        every recipient got a 250.

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
import select
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

    def reply(self, every=None):
        """The last line of the next reply (a "250-" line is followed);
        each line before it is passed to every when given."""
        while True:
            line = self.line()
            if len(line) < 4 or line[3] != "-":
                return line
            if every:
                every(line)


def raw(args):
    s = connect(args.address, args.timeout)
    s.sendall(sys.stdin.buffer.read())
    r = Replies(s)
    n = 0
    end = None
    every = (lambda line: print(line, flush=True)) if args.all else None
    try:
        while args.replies == 0 or n < args.replies:
            print(r.reply(every), flush=True)
            n += 1
    except (EOFError, ConnectionResetError):
        end = "closed"
        if args.show_close:
            print("(closed)", flush=True)
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


def envelope(args, s, r, first=True):
    """Greeting and LHLO (when first), MAIL, each RCPT and DATA; the
    number of RCPTs accepted, -1 when DATA was refused."""

    def cmd(text):
        s.sendall(text.encode() + b"\r\n")
        return r.reply()

    if first:
        r.reply()
        cmd("LHLO client.test")
    cmd("MAIL FROM:<%s>" % args.sender)
    accepted = 0
    orcpts = getattr(args, "orcpt", None) or []
    for i, rcpt in enumerate(args.to):
        extra = ""
        if i < len(orcpts) and orcpts[i]:
            extra = " ORCPT=rfc822;" + orcpts[i]
        line = cmd("RCPT TO:<%s>%s" % (rcpt, extra))
        print("rcpt:", line, flush=True)
        if line.startswith("250"):
            accepted += 1
    if accepted:
        line = cmd("DATA")
        if not line.startswith("354"):
            print("data:", line, flush=True)
            return -1
    return accepted


def finish(s, r, accepted, ok, quit=True):
    """The per-recipient replies after DATA, then QUIT; 0 when ok and all
    were 250, else 1."""
    for _ in range(accepted):
        line = r.reply()
        print("data:", line, flush=True)
        ok = ok and line.startswith("250")
    if not quit:
        return 0 if ok else 1
    try:
        s.sendall(b"QUIT\r\n")
        r.reply()
    except (EOFError, OSError):
        pass                    # a server shutting down may close first
    s.close()
    return 0 if ok else 1


def send(args):
    message = sys.stdin.buffer.read()
    s = connect(args.address, args.timeout)
    r = Replies(s)
    rc = 0
    for i in range(args.repeat):
        accepted = envelope(args, s, r, i == 0)
        if accepted < 0:
            return 1
        if accepted:
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
        rc |= finish(s, r, accepted, accepted == len(args.to),
                     i == args.repeat - 1 and not args.more)
    if args.more:
        rc |= more(args, s, r, message)
    return rc


def more(args, s, r, message):
    """send's --more transactions, then QUIT; 0 when all got 250."""

    def cmd(text):
        s.sendall(text.encode() + b"\r\n")
        return r.reply()

    ok = True
    for rcpt in args.more:
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


def part(args):
    wire = stuff(sys.stdin.buffer.read()) + b".\r\n"
    s = connect(args.address, args.timeout)
    r = Replies(s)
    accepted = envelope(args, s, r)
    if accepted <= 0:
        return 1
    s.sendall(wire[:args.bytes])
    if args.close:
        s.close()
        print("closed", flush=True)
        return 0
    print("holding", flush=True)
    deadline = time.monotonic() + args.timeout
    while not os.path.exists(args.hold):
        if time.monotonic() > deadline:
            print("hold: gave up", flush=True)
            return 1
        time.sleep(0.1)
    try:
        s.sendall(wire[args.bytes:])
        return finish(s, r, accepted, accepted == len(args.to))
    except (EOFError, ConnectionResetError, BrokenPipeError):
        print("data: (closed)", flush=True)
        return 1


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
    p.add_argument("--all", action="store_true")
    p.add_argument("--show-close", action="store_true")
    p.add_argument("--end", action="store_true")
    p = sub.add_parser("send")
    p.add_argument("--from", dest="sender", default="")
    p.add_argument("--to", action="append", required=True)
    p.add_argument("--orcpt", action="append")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--more", action="append")
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--pause-at", type=int)
    p.add_argument("--go", default="")
    p = sub.add_parser("part")
    p.add_argument("--from", dest="sender", default="")
    p.add_argument("--to", action="append", required=True)
    p.add_argument("--bytes", type=int, required=True)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--close", action="store_true")
    g.add_argument("--hold", metavar="FILE")
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
    modes = {"raw": raw, "send": send, "part": part, "many": many}
    try:
        return modes[args.mode](args)
    except EOFError:
        print("closed: the server closed the connection", flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
