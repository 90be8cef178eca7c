#!/usr/bin/env python3
"""bench/mailsys.py - what bench/lmtp.sh measures a mail system with

  cpu SPEC
      The CPU seconds (user + system) the mail system has used so far.
      SPEC is "cgroup:DIR" (a cgroup v2 directory: usage_usec of its
      cpu.stat, every process that ever ran in it, reaped ones too) or
      "pids:FILE[,FILE...]" (pidfiles of the systems' top processes: the
      utime, stime, cutime and cstime of each of them and of each of
      their descendants now alive; a process that was reaped is in its
      parent's cutime/cstime).

  procs SPEC
      One line per process of the mail system: PID VMHWM_KIB COMM.

  inject --port P --domain D --users U --per-user K --conns C --msg FILE
         --maildirs DIR --queue SPOOL --expect N --cpu SPEC [--timeout S]
      Sends K messages to each of userNN@D (NN = 01..U) over SMTP to
      127.0.0.1:P with smtp-source(1), one session per user (-d: one
      connection for its K messages), C sessions at a time.  Timed from
      just before the first injection until every session has ended, the
      Postfix queue (SPOOL's incoming, active, deferred, hold, maildrop)
      is empty and the Maildirs DIR/userNN/Maildir hold N messages in all
      (new/ and cur/).  Prints "SECONDS CPU_SECONDS".  Exits 1 when a
      session fails, the count is not N once the queue is empty, or the
      timeout (default 600 s) passes.

  verify --domain D --users U --per-user N --maildirs DIR --host H
         --size BYTES
      Every message in DIR/userNN/Maildir (new/ and cur/) carries the
      queue id the Postfix instance H gave it (its smtpd's Received:
      line): exactly N messages per user, no queue id twice, none
      shorter than BYTES; with --quota, each Maildir has a maildirsize
      (Maildir++ quota on).  Exits 1 (saying what is wrong) when not.
"""

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import time

CLK = os.sysconf("SC_CLK_TCK")


def fail(msg):
    print("mailsys: FAILED: " + msg, file=sys.stderr)
    sys.exit(1)


def _stat(pid):
    """(ppid, utime+stime, cutime+cstime) in ticks, or None if gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return None
    rest = s[s.rindex(")") + 2:].split()
    # rest[0] is field 3 (state); ppid is field 4, utime 14 .. cstime 17
    return int(rest[1]), int(rest[11]) + int(rest[12]), \
        int(rest[13]) + int(rest[14])


def _roots(spec):
    roots = []
    for path in spec.split(","):
        try:
            with open(path) as f:
                roots.append(int(f.read().split()[0]))
        except (OSError, ValueError, IndexError):
            pass
    return roots


def _tree(roots):
    """{pid: stat} of the roots and all their live descendants."""
    stats = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = _stat(int(d))
            if st:
                stats[int(d)] = st
    kids = {}
    for pid, st in stats.items():
        kids.setdefault(st[0], []).append(pid)
    out, todo = {}, [r for r in roots if r in stats]
    while todo:
        pid = todo.pop()
        if pid in out:
            continue
        out[pid] = stats[pid]
        todo.extend(kids.get(pid, []))
    return out


def pids_of(spec):
    if spec.startswith("cgroup:"):
        with open(os.path.join(spec[7:], "cgroup.procs")) as f:
            return [int(x) for x in f.read().split()]
    return sorted(_tree(_roots(spec[5:])))


def cpu(spec):
    if spec.startswith("cgroup:"):
        with open(os.path.join(spec[7:], "cpu.stat")) as f:
            for line in f:
                k, v = line.split()
                if k == "usage_usec":
                    return int(v) / 1e6
        fail("no usage_usec in %s/cpu.stat" % spec[7:])
    t = _tree(_roots(spec[5:]))
    return sum(own + reaped for _, own, reaped in t.values()) / CLK


def procs(spec):
    for pid in pids_of(spec):
        try:
            with open("/proc/%d/status" % pid) as f:
                status = f.read()
            with open("/proc/%d/comm" % pid) as f:
                comm = f.read().strip()
        except OSError:
            continue
        m = re.search(r"^VmHWM:\s+(\d+)", status, re.M)
        if m:
            print(pid, m.group(1), comm)


def queue_len(spool):
    n = 0
    for q in ("incoming", "active", "deferred", "hold", "maildrop"):
        for _, _, files in os.walk(os.path.join(spool, q)):
            n += len(files)
    return n


def users(a):
    return ["user%02d" % i for i in range(1, a.users + 1)]


def count(a):
    n = 0
    for u in users(a):
        for sub in ("new", "cur"):
            try:
                n += len(os.listdir(os.path.join(a.maildirs, u, "Maildir",
                                                 sub)))
            except FileNotFoundError:
                pass
    return n


def inject(a):
    def session(user):
        cmd = ["smtp-source", "-d", "-s", "1", "-m", str(a.per_user),
               "-F", a.msg, "-f", "sender@example.org", "-M",
               "client.example", "-t", "%s@%s" % (user, a.domain),
               "127.0.0.1:%d" % a.port]
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return user, r.returncode, r.stdout.decode(errors="replace")

    deadline = time.monotonic() + a.timeout
    c0 = cpu(a.cpu)
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(a.conns) as ex:
        for user, rc, out in ex.map(session, users(a)):
            if rc != 0:
                fail("smtp-source to %s@%s: exit %d: %s"
                     % (user, a.domain, rc, out.strip()[-500:]))
    while True:
        deferred = sum(len(f) for _, _, f in
                       os.walk(os.path.join(a.queue, "deferred")))
        if deferred:
            fail("%d message(s) deferred (see the Postfix log)" % deferred)
        if queue_len(a.queue) == 0:
            t1 = time.monotonic()
            c1 = cpu(a.cpu)
            got = count(a)
            if got != a.expect:
                fail("the queue is empty but %s holds %d messages, want %d"
                     % (a.maildirs, got, a.expect))
            break
        if time.monotonic() > deadline:
            fail("%d messages still queued after %d s (%d delivered)"
                 % (queue_len(a.queue), a.timeout, count(a)))
        time.sleep(0.02)
    print("%.3f %.3f" % (t1 - t0, c1 - c0))


def verify(a):
    rx = re.compile(r"by %s \(Postfix\) with E?SMTP id ([0-9A-Za-z]+)"
                    % re.escape(a.host))
    seen = {}
    bad = []
    for u in users(a):
        n = 0
        for sub in ("new", "cur"):
            d = os.path.join(a.maildirs, u, "Maildir", sub)
            try:
                names = os.listdir(d)
            except FileNotFoundError:
                names = []
            for name in names:
                p = os.path.join(d, name)
                n += 1
                with open(p, "rb") as f:
                    head = f.read(2048).decode("ascii", "replace")
                if os.path.getsize(p) < a.size:
                    bad.append("%s is %d bytes, shorter than the %d sent"
                               % (p, os.path.getsize(p), a.size))
                m = rx.search(head)
                if not m:
                    bad.append("%s has no Received: line of %s"
                               % (p, a.host))
                    continue
                qid = m.group(1)
                if qid in seen:
                    bad.append("queue id %s delivered twice: %s and %s"
                               % (qid, seen[qid], p))
                seen[qid] = p
        if a.quota and not os.path.exists(os.path.join(a.maildirs, u,
                                                        "Maildir",
                                                        "maildirsize")):
            bad.append("%s@%s has no maildirsize (quota off?)"
                       % (u, a.domain))
        if n != a.per_user:
            bad.append("%s@%s has %d messages, want %d"
                       % (u, a.domain, n, a.per_user))
    if bad:
        fail("%s: %d problem(s):\n  %s"
             % (a.domain, len(bad), "\n  ".join(bad[:20])))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("cpu")
    p.add_argument("spec")
    p = sub.add_parser("procs")
    p.add_argument("spec")
    p = sub.add_parser("inject")
    for o in ("--port", "--users", "--per-user", "--conns", "--expect"):
        p.add_argument(o, type=int, required=True)
    for o in ("--domain", "--msg", "--maildirs", "--queue", "--cpu"):
        p.add_argument(o, required=True)
    p.add_argument("--timeout", type=int, default=600)
    p = sub.add_parser("verify")
    for o in ("--users", "--per-user", "--size"):
        p.add_argument(o, type=int, required=True)
    for o in ("--domain", "--maildirs", "--host"):
        p.add_argument(o, required=True)
    p.add_argument("--quota", action="store_true")
    a = ap.parse_args()
    if a.cmd == "cpu":
        print("%.3f" % cpu(a.spec))
    elif a.cmd == "procs":
        procs(a.spec)
    elif a.cmd == "inject":
        inject(a)
    else:
        verify(a)


if __name__ == "__main__":
    main()
