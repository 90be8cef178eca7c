"""crash.py - the crash storm of tests/t1100-crash.sh and its checks

Run by that script (not by prove), one step at a time, all steps
sharing the scratch directory DIR:

  storm    pre-fill some mailboxes, then deliver from several streams at
           once, killing lda with SIGKILL at random moments: from outside
           after a random delay, or from inside at a random filesystem
           call (tests/fault/faultfs.c with FAULT_ERRNO=SIGKILL)
  quota    each maildirsize's sum against a recount, as the storm left it
  final    one more delivery into every mailbox and folder used, a 4.x.x
           retried for a while as Postfix would
  recount  force a recount (maildirsize removed or grown past 5120
           bytes), deliver once more, compare again
  verify   every file in new/ and cur/ and every event against what was
           sent and how each delivery ended

DIR/sent/N.eml holds message N as sent, DIR/out/N what lda printed,
DIR/records.jsonl one JSON line per finished delivery.  Results go to
standard output one a line, tab-separated: "ok DESC", "not ok DESC",
"todo DESC WHY" (a known failure), "diag TEXT".

Only processes this script started are ever killed, by the pid of a
child not yet waited for, which cannot have been reused.
"""

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time

DOMAIN = "example.com"
SENDER = "storm@example.org"
FULL_QUOTA = 24000          # the near-full mailboxes' limit, in bytes
RAISED_QUOTA = "10M"        # theirs for the final deliveries
RETRY_FOR = 15.0            # seconds a final delivery is retried
RETRY_PAUSE = 0.3
SHIM_FAMILIES = ["open", "pwrite", "fsync", "close", "rename", "link",
                 "unlink", "mkdir", "ftruncate"]
# (how the folder is named, the name, the folder's directory)
FOLDERS = [("-m", "Lists", ".Lists"), ("-m", "work.reports", ".work.reports"),
           ("ext", "news", ".news")]
TOKEN_RE = re.compile(rb"^Message-ID: <([^@>\s]+)@example\.org>$", re.M)

out_lock = threading.Lock()


def emit(kind, *fields):
    with out_lock:
        print("\t".join([kind] + [str(f).replace("\t", " ").replace("\n", " | ")
                                  for f in fields]), flush=True)


def check(cond, desc, problems=()):
    """One result; up to 10 problems as diagnostics when it fails."""
    emit("ok" if cond else "not ok", desc)
    if not cond:
        for p in list(problems)[:10]:
            emit("diag", "  " + p)
        if len(problems) > 10:
            emit("diag", "  ... and %d more" % (len(problems) - 10))


class Box:
    """A mailbox: its user, whether it exists before the storm, its limits."""

    def __init__(self, name, existing, full=False, bounce=False):
        self.name, self.existing, self.full, self.bounce = name, existing, full, bounce


def boxes(nfresh):
    b = [Box("old%d" % k, True) for k in range(3)]
    b += [Box("full0", True, full=True), Box("full1", True, full=True, bounce=True),
          Box("full2", False, full=True)]
    b += [Box("new%d" % k, False) for k in range(nfresh)]
    return b


class Run:
    """The shared state of every step."""

    def __init__(self, a):
        self.a = a
        self.dir = a.dir
        self.mail = os.path.join(a.dir, "mail")
        self.outbox = os.path.join(a.dir, "outbox")
        self.boxes = {b.name: b for b in boxes(a.fresh)}
        self.lock = threading.Lock()
        self.recfile = os.path.join(a.dir, "records.jsonl")
        os.makedirs(os.path.join(a.dir, "sent"), exist_ok=True)
        os.makedirs(os.path.join(a.dir, "out"), exist_ok=True)
        # message numbers go on from the last step's
        self.n = 1 + max([int(f.split(".")[0])
                          for f in os.listdir(os.path.join(a.dir, "sent"))] + [0])

    def records(self):
        try:
            with open(self.recfile) as f:
                for line in f:
                    yield json.loads(line)
        except FileNotFoundError:
            return

    def on_disk(self):
        """Every mailbox under the base, whether the test meant it or not."""
        return sorted(os.listdir(self.mail)) if os.path.isdir(self.mail) else []

    def root(self, box):
        return os.path.join(self.mail, box, "Maildir")

    def argv(self, box, folder, final=False):
        """lda's arguments for BOX and FOLDER (None or an entry of FOLDERS)."""
        b = self.boxes[box]
        rcpt = "%s@%s" % (box, DOMAIN)
        extra = []
        if folder and folder[0] == "-m":
            extra = ["-m", folder[1]]
        elif folder:
            rcpt = "%s+%s@%s" % (box, folder[1], DOMAIN)
        if b.full:
            extra += ["-o", "quota=%s" % (RAISED_QUOTA if final else FULL_QUOTA)]
        if b.bounce:
            extra += ["-o", "quota_full=bounce"]
        return [self.a.lda, "-c", self.a.conf, "-f", SENDER, "-d", rcpt] + extra, rcpt

    def new_job(self, rng, phase, box, folder, big=False):
        with self.lock:
            n = self.n
            self.n += 1
        token = "t%d-%s-%d" % (self.a.seed, phase, n)
        argv, rcpt = self.argv(box, folder, final=phase in ("final", "recount"))
        size = rng.choice([rng.randint(2, 30), rng.randint(2, 30), rng.randint(30, 90)])
        if big:
            size = rng.randint(60, 120)
        lines = ["From: Storm <%s>" % SENDER, "To: <%s>" % rcpt,
                 "Subject: crash %s" % token, "Message-ID: <%s@example.org>" % token,
                 "", "token %s" % token]
        lines += ["%s line %d %s" % (token, k, "x" * rng.randint(0, 60)) for k in range(size)]
        lines.append("end %s" % token)
        path = os.path.join(self.dir, "sent", "%d.eml" % n)
        with open(path, "wb") as f:
            f.write(("\n".join(lines) + "\n").encode())
        return {"n": n, "phase": phase, "box": box, "dir": folder[2] if folder else "",
                "token": token, "argv": argv, "kill": ""}

    def deliver(self, job, delay=None, shim=None, prefix=None):
        """Run lda for JOB, perhaps killing it; record and return the exit code."""
        env = dict(os.environ)
        if shim:
            env.update(LD_PRELOAD=self.a.faultfs, FAULT_PREFIX=prefix or self.dir,
                       FAULT_CALL=shim[0], FAULT_NTH=str(shim[1]), FAULT_ERRNO="SIGKILL")
            job["kill"] = "shim %s %d" % shim
        outpath = os.path.join(self.dir, "out", str(job["n"]))
        hung = False
        with open(os.path.join(self.dir, "sent", "%d.eml" % job["n"]), "rb") as fin, \
                open(outpath, "wb") as fout:
            t0 = time.monotonic()
            p = subprocess.Popen(job["argv"], stdin=fin, stdout=fout, stderr=subprocess.STDOUT,
                                 env=env)
            if delay is not None:
                job["kill"] = "ext %.4f" % delay
                time.sleep(delay)
                os.kill(p.pid, signal.SIGKILL)      # not waited for yet: ours
            try:
                rc = p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                hung = True
                os.kill(p.pid, signal.SIGKILL)
                rc = p.wait()
            job["secs"] = round(time.monotonic() - t0, 4)
        job["rc"] = 128 - rc if rc < 0 else rc
        job["hung"] = hung
        with open(outpath, "rb") as f:
            job["first"] = f.read().decode("utf-8", "replace").split("\n", 1)[0]
        with self.lock:
            with open(self.recfile, "a") as f:
                f.write(json.dumps(job) + "\n")
        return job["rc"]


# --- storm ------------------------------------------------------------------

def storm(run):
    a = run.a
    rng = random.Random(a.seed)
    names = list(run.boxes)
    emit("diag", "storm: %d deliveries in %d streams, %d mailboxes (%d new), "
         "seed %d, budget %ds" % (a.total, a.streams, len(names),
                                  sum(not b.existing for b in run.boxes.values()),
                                  a.seed, a.budget))
    # Mailboxes that exist before: a few messages each; the full ones
    # close to their limit.
    secs = []
    for b in run.boxes.values():
        if not b.existing:
            continue
        fill = 0
        while True:
            job = run.new_job(rng, "prefill", b.name, None, big=b.full)
            size = os.path.getsize(os.path.join(run.dir, "sent", "%d.eml" % job["n"]))
            if (b.full and fill + size > FULL_QUOTA * 0.7) or (not b.full and fill > 3000):
                os.unlink(os.path.join(run.dir, "sent", "%d.eml" % job["n"]))
                break
            run.deliver(job)
            secs.append(job["secs"])
            fill += size + 60
    mean = [sum(secs) / max(len(secs), 1)]

    # Creation crashed into: a first delivery killed at one of the mkdir
    # calls that make a Maildir (parent, Maildir, tmp, new, cur) or a
    # folder (folder, tmp, new, cur), for some of the new mailboxes and
    # folders.
    if a.faultfs:
        for b in run.boxes.values():
            if not b.existing and rng.random() < 0.6:
                job = run.new_job(rng, "create", b.name, None)
                run.deliver(job, shim=("mkdir", rng.randint(1, 5)), prefix=run.mail)
        for name in ("old0", "old1", "full0"):
            folder = rng.choice(FOLDERS)
            job = run.new_job(rng, "create", name, folder)
            run.deliver(job, shim=("mkdir", rng.randint(1, 4)), prefix=run.mail)

    jobs = []
    for _ in range(a.total):
        box = rng.choice(names)
        r = rng.random()
        folder = None if r < 0.6 else FOLDERS[0] if r < 0.75 else \
            FOLDERS[1] if r < 0.85 else FOLDERS[2]
        job = run.new_job(rng, "storm", box, folder)
        r = rng.random()
        how = ("ext", rng.random()) if r < a.kill else \
            ("shim", (rng.choice(SHIM_FAMILIES), rng.randint(1, 3))) \
            if r < a.kill + a.shim and a.faultfs else None
        jobs.append((job, how))
    jobs.reverse()
    stop_at = time.monotonic() + a.budget
    done = []

    def stream():
        while True:
            with run.lock:
                if not jobs or time.monotonic() > stop_at:
                    return
                job, how = jobs.pop()
            if how and how[0] == "ext":
                # uniform over a delivery's usual life, a little beyond
                run.deliver(job, delay=how[1] * 1.3 * mean[0])
            elif how:
                run.deliver(job, shim=how[1])
            else:
                run.deliver(job)
                if job["rc"] == 0:
                    with run.lock:
                        mean[0] = 0.9 * mean[0] + 0.1 * job["secs"]
            done.append(job)

    t0 = time.monotonic()
    threads = [threading.Thread(target=stream) for _ in range(a.streams)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    emit("diag", "storm: %d of %d deliveries run in %.1f s (%d left when the budget ran out), "
         "mean clean delivery %.0f ms" % (len(done), a.total, time.monotonic() - t0,
                                          len(jobs), mean[0] * 1000))
    summary(run)


def summary(run):
    """Exit codes and first lines of everything run so far."""
    recs = list(run.records())
    by = {}
    for r in recs:
        key = "exit %d" % r["rc"]
        if r["rc"] not in (0, 137):
            key += " " + " ".join(r["first"].split()[:1])
            if "move" in r["first"]:
                key += " (move to new/)"
            elif "lock" in r["first"]:
                key += " (lock)"
            elif "full" in r["first"]:
                key += " (quota)"
        if r["rc"] == 137:
            key += " (killed: %s)" % r["kill"].split()[0]
        by[key] = by.get(key, 0) + 1
    emit("diag", "outcomes: " + ", ".join("%s: %d" % kv for kv in sorted(by.items())))
    bad = ["%s #%d: exit %d%s: %s" % (r["phase"], r["n"], r["rc"],
                                      " (hung, killed)" if r["hung"] else "", r["first"])
           for r in recs if r["rc"] not in (0, 75, 77, 137) or r["hung"]
           or (r["rc"] == 137 and not r["kill"])]
    check(not bad, "every delivery exited 0, 75 or 77, or was killed by the test", bad)
    bad = ["#%d: exit %d: %s" % (r["n"], r["rc"], r["first"]) for r in recs
           if r["rc"] in (75, 77) and not re.match(r"^%d\.\d{1,3}\.\d{1,3} "
                                                  % (4 if r["rc"] == 75 else 5), r["first"])]
    check(not bad, "every 75 starts with a 4.x.x status, every 77 with 5.x.x", bad)


# --- reading what is on disk ------------------------------------------------

def folders_of(root):
    """The Maildir's own directory and its Maildir++ folders (not .Trash)."""
    out = [""]
    try:
        for e in sorted(os.listdir(root)):
            if e.startswith(".") and e != ".Trash" and os.path.isdir(os.path.join(root, e)):
                out.append(e)
    except FileNotFoundError:
        return []
    return out


def messages(root):
    """(folder, sub, name, path) of every file in new/ and cur/."""
    for fd in folders_of(root):
        for sub in ("new", "cur"):
            d = os.path.join(root, fd, sub)
            try:
                names = os.listdir(d)
            except FileNotFoundError:
                continue
            for name in names:
                p = os.path.join(d, name)
                if os.path.isfile(p):
                    yield fd, sub, name, p


def size_of(name, path):
    m = re.search(r",S=(\d+)(?:[,:]|$)", name)
    return int(m.group(1)) if m else os.path.getsize(path)


def recount(root):
    b = c = 0
    for _, _, name, path in messages(root):
        b += size_of(name, path)
        c += 1
    return b, c


def claimed(root):
    """maildirsize's sum of delta lines; None when absent, "torn" when unparsable."""
    try:
        data = open(os.path.join(root, "maildirsize"), "rb").read().decode()
    except FileNotFoundError:
        return None
    lines = data.split("\n")
    if not data.endswith("\n") or not re.match(r"^\d+[SC](,\d+[SC])?$", lines[0]):
        return "torn"
    b = c = 0
    for ln in lines[1:-1]:
        f = ln.split()
        if not f:
            continue
        if len(f) != 2 or not all(re.match(r"^-?\d+$", x) for x in f):
            return "torn"
        b, c = b + int(f[0]), c + int(f[1])
    return b, c


def explained(diff, sizes):
    """Whether DIFF (bytes, count) is the sum of some of SIZES."""
    reach = {(0, 0)}
    for s in sizes:
        reach |= {(b + s, c + 1) for b, c in reach}
    return diff in reach


# --- quota ------------------------------------------------------------------

def quota(run):
    recs = list(run.records())
    present = {}
    for box in run.on_disk():
        for _, _, name, path in messages(run.root(box)):
            m = TOKEN_RE.search(open(path, "rb").read(4096))
            if m:
                present[m.group(1).decode()] = size_of(name, path)
    bad, strict, absent = [], [], []
    for box in run.on_disk():
        root = run.root(box)
        if not os.path.isdir(root):
            continue
        cl, rc = claimed(root), recount(root)
        if cl is None:
            absent.append(box)
            continue
        if cl == "torn":
            bad.append("%s: maildirsize unreadable as Maildir++" % box)
            continue
        diff = (rc[0] - cl[0], rc[1] - cl[1])
        if diff == (0, 0):
            continue
        killed = [present[r["token"]] for r in recs
                  if r["box"] == box and r["rc"] == 137 and r["token"] in present]
        line = "%s: maildirsize says %d bytes in %d, a recount %d in %d; %d killed " \
               "deliveries are in the Maildir" % (box, cl[0], cl[1], rc[0], rc[1], len(killed))
        strict.append(line)
        if not explained(diff, killed):
            bad.append(line + " (not their sizes)")
    if absent:
        emit("diag", "no maildirsize yet (made by the next delivery): " + " ".join(absent))
    check(not bad, "after the storm every maildirsize equals a recount but for "
          "killed deliveries whose message is in new/", bad)
    desc = "after the storm every maildirsize equals a recount exactly"
    if strict:
        emit("todo", desc, "a kill between the move into new/ and the maildirsize "
             "line leaves that message uncounted until a recount (lda(8) promises "
             "exact counts for deliveries that finish)")
        for s in strict:
            emit("diag", "  " + s)
    else:
        emit("ok", desc)


# --- final deliveries ---------------------------------------------------------

def targets(run):
    """Every mailbox and folder a delivery went for: {box: [folder...]}."""
    by = {}
    for r in run.records():
        f = next((f for f in FOLDERS if f[2] == r["dir"]), None)
        by.setdefault(r["box"], [])
        if f not in by[r["box"]]:
            by[r["box"]].append(f)
    return by


def deliver_retrying(run, rng, phase, box, folder, deadline):
    """Deliver until exit 0 or DEADLINE; (exit code, tries, seconds, first line)."""
    t0, tries = time.monotonic(), 0
    while True:
        job = run.new_job(rng, phase, box, folder)
        tries += 1
        rc = run.deliver(job)
        if rc != 75 or time.monotonic() + RETRY_PAUSE >= deadline:
            return rc, tries, time.monotonic() - t0, job["first"]
        time.sleep(RETRY_PAUSE)


def final(run):
    rng = random.Random(run.a.seed + 1)
    by = targets(run)
    results = {}

    def one(box):
        deadline = time.monotonic() + RETRY_FOR
        results[box] = []
        for f in by[box]:
            where = f[2] if f else "INBOX"
            if time.monotonic() >= deadline:
                results[box].append((where, None, 0, 0, "not tried: %.0f s gone" % RETRY_FOR))
            else:
                results[box].append((where,) + deliver_retrying(run, rng, "final", box, f,
                                                                 deadline))

    parallel(one, by)
    locked, broken = [], []
    for box in sorted(results):
        emit("diag", "final %s: " % box + ", ".join(
            "%s exit %s (%d tries, %.1f s)" % (where, rc, tries, secs)
            for where, rc, tries, secs, _ in results[box]))
        for x in results[box]:
            line = "%s %s: exit %s after %d tries in %.1f s: %s" % ((box,) + x)
            if x[1] == 75 and "lock" in x[4]:
                locked.append(line)
            elif x[1] is not None and x[1] != 0:
                broken.append(line)
    check(not locked, "after the storm no mailbox is locked against delivery for %.0f s "
          "(one more delivery into each of %d mailboxes and their folders, a 4.x.x "
          "retried)" % (RETRY_FOR, len(results)), locked)
    check(not broken, "... and none defers or refuses it for another reason (a folder "
          "not tried for a held lock is not counted here)", broken)
    open(os.path.join(run.dir, "deliverable"), "w").write(
        "".join("%s\n" % b for b in results if all(x[1] == 0 for x in results[b])))


def parallel(fn, items):
    threads = [threading.Thread(target=fn, args=(i,)) for i in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


# --- forced recount ------------------------------------------------------------

def force_recount(run):
    rng = random.Random(run.a.seed + 2)
    ok_boxes = sorted(open(os.path.join(run.dir, "deliverable")).read().split())
    skipped = sorted(set(targets(run)) - set(ok_boxes))
    bad = []

    def one(box):
        root = run.root(box)
        path = os.path.join(root, "maildirsize")
        if ok_boxes.index(box) % 2 == 0 or not os.path.exists(path):
            how = "removed"
            if os.path.exists(path):
                os.unlink(path)
        else:
            how = "grown past 5120 bytes"
            with open(path, "a") as f:
                f.write("1 0\n-1 0\n" * 700)
        rc, tries, secs, first = deliver_retrying(run, rng, "recount", box, None,
                                                  time.monotonic() + RETRY_FOR)
        if rc != 0:
            bad.append("%s: maildirsize %s, the next delivery exits %d: %s"
                       % (box, how, rc, first))
            return
        cl, rcn = claimed(root), recount(root)
        if cl != rcn or os.path.getsize(path) >= 5120:
            bad.append("%s: maildirsize %s, then after a delivery it says %s, a recount %s"
                       % (box, how, cl, rcn))

    parallel(one, ok_boxes)
    if skipped:
        emit("diag", "not recounted (a final delivery failed): " + " ".join(skipped))
    check(not bad, "a forced recount makes maildirsize equal the recount (%d mailboxes "
          "that took their final delivery)" % len(ok_boxes), bad)


# --- verify -----------------------------------------------------------------------

def verify(run):
    recs = {r["token"]: r for r in run.records()}
    sent = {}

    def sent_bytes(tok):
        if tok not in sent:
            sent[tok] = open(os.path.join(run.dir, "sent", "%d.eml" % recs[tok]["n"]), "rb").read()
        return sent[tok]

    where = {}          # token -> [(box, folder dir, sub, name, path)]
    foreign = []
    for box in run.on_disk():
        for fd, sub, name, path in messages(run.root(box)):
            data = open(path, "rb").read()
            m = TOKEN_RE.search(data)
            tok = m.group(1).decode() if m else None
            rel = os.path.relpath(path, run.mail)
            if tok not in recs:
                foreign.append("%s: %s" % (rel, "unknown token %s" % tok if tok else
                                           "no Message-ID of the test (partial?), %d bytes" % len(data)))
                continue
            s = sent_bytes(tok)
            head = data[:len(data) - len(s)]
            if not data.endswith(s) or any(
                    ln and not ln.startswith((b"Return-Path: ", b"Delivered-To: "))
                    for ln in head.split(b"\n")):
                foreign.append("%s: not the message as sent (%d bytes, sent %d)"
                               % (rel, len(data), len(s)))
            elif size_of(name, path) != len(data):
                foreign.append("%s: S= says %d, the file holds %d" % (rel, size_of(name, path), len(data)))
            where.setdefault(tok, []).append((box, fd, sub, name, path))
    n = sum(len(v) for v in where.values())
    check(not foreign, "each of the %d files in new/ and cur/ is a whole message the test "
          "sent, named with its size" % (n + len(foreign)), foreign)

    events, torn = {}, []
    ndir = os.path.join(run.outbox, "new")
    names = sorted(os.listdir(ndir)) if os.path.isdir(ndir) else []
    for name in names:
        try:
            e = json.loads(open(os.path.join(ndir, name), "rb").read().decode())
        except ValueError as x:
            torn.append("%s: %s" % (name, x))
            continue
        if e.get("type") != "message.new":
            continue
        mid = (e.get("data") or {}).get("message_id") or ""
        m = re.match(r"^<([^@>]+)@example\.org>$", mid)
        events.setdefault(m.group(1) if m else mid, []).append(e)
    check(not torn, "each of the %d event files in the outbox is whole JSON" % len(names), torn)

    lost, dup, leaked, ev_bad = [], [], [], []
    counts, killed = {}, [0, 0, 0]
    for tok, r in sorted(recs.items(), key=lambda kv: kv[1]["n"]):
        got = where.get(tok, [])
        evs = events.pop(tok, [])
        what = "%s #%d to %s%s (exit %d%s)" % (r["phase"], r["n"], r["box"],
                                                "/" + r["dir"] if r["dir"] else "",
                                                r["rc"], ", " + r["kill"] if r["kill"] else "")
        counts[r["rc"]] = counts.get(r["rc"], 0) + 1
        in_place = [g for g in got if g[0] == r["box"] and g[1] == r["dir"] and g[2] == "new"]
        if r["rc"] == 0:
            if not got:
                lost.append(what + ": not in the Maildir")
            elif len(got) > 1:
                dup.append(what + ": %d copies" % len(got))
            elif not in_place:
                lost.append(what + ": in %s" % os.path.relpath(got[0][4], run.mail))
        elif r["rc"] == 137:
            killed = [killed[0] + 1, killed[1] + bool(got), killed[2] + bool(evs)]
            if len(got) > 1:
                dup.append(what + ": %d copies" % len(got))
            elif got and not in_place:
                lost.append(what + ": in %s" % os.path.relpath(got[0][4], run.mail))
        elif got:
            leaked.append(what + ": %d copies in the Maildir, though not delivered" % len(got))
        # events: one for a delivery, none or one for a killed one whose
        # message is there, none otherwise
        want = {0: (1, 1), 137: (0, 1 if got else 0)}.get(r["rc"], (0, 0))
        if not want[0] <= len(evs) <= want[1]:
            ev_bad.append(what + ": %d message.new events" % len(evs))
        for e in evs[:1]:
            d = e.get("data", {})
            md = d.get("maildir", {})
            if got and (md.get("file") != got[0][3]
                        or md.get("path") != os.path.join(run.root(r["box"]), r["dir"]).rstrip("/")
                        or d.get("size") != os.path.getsize(got[0][4])):
                ev_bad.append(what + ": event names %s/new/%s, %s bytes; the message is %s"
                              % (md.get("path"), md.get("file"), d.get("size"),
                                 os.path.relpath(got[0][4], run.mail)))
    for tok, evs in events.items():
        ev_bad.append("%d message.new events for a message never sent (%s)" % (len(evs), tok))
    emit("diag", "checked %d deliveries: %s" % (len(recs), ", ".join(
        "%d exit %d" % (v, k) for k, v in sorted(counts.items()))))
    emit("diag", "of %d killed, %d left their message in new/, %d an event too" % tuple(killed))
    check(not lost, "every message delivered (exit 0) is in its folder's new/ "
          "(and a killed one there or nowhere)", lost)
    check(not dup, "no message is there twice", dup)
    check(not leaked, "no message refused (exit 75 or 77) is there", leaked)
    check(not ev_bad, "exactly one message.new event names each delivered message "
          "(none or one a killed one, none a refused one)", ev_bad)

    ok_boxes = open(os.path.join(run.dir, "deliverable")).read().split()
    shape, marker = [], []
    for box in ok_boxes:
        root = run.root(box)
        for fd in folders_of(root):
            missing = [s for s in ("tmp", "new", "cur") if not os.path.isdir(os.path.join(root, fd, s))]
            if missing:
                shape.append("%s%s lacks %s" % (box, "/" + fd if fd else "", ", ".join(missing)))
            if fd and not os.path.isfile(os.path.join(root, fd, "maildirfolder")):
                marker.append("%s/%s" % (box, fd))
    check(not shape, "every Maildir and folder has tmp/, new/ and cur/ once delivered "
          "into again (%d mailboxes)" % len(ok_boxes), shape)
    check(not marker, "... and every folder its maildirfolder file", marker)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("step", choices=["storm", "quota", "final", "recount", "verify"])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--lda", default="")
    ap.add_argument("--conf", default="")
    ap.add_argument("--faultfs", default="")
    ap.add_argument("--seed", type=int, default=1100)
    ap.add_argument("--total", type=int, default=300)
    ap.add_argument("--streams", type=int, default=6)
    ap.add_argument("--fresh", type=int, default=8)
    ap.add_argument("--budget", type=float, default=25)
    ap.add_argument("--kill", type=float, default=0.3, help="share killed from outside")
    ap.add_argument("--shim", type=float, default=0.1, help="share killed at a call")
    a = ap.parse_args()
    run = Run(a)
    {"storm": storm, "quota": quota, "final": final, "recount": force_recount,
     "verify": verify}[a.step](run)


if __name__ == "__main__":
    sys.exit(main())
