#!/usr/bin/env python3
"""pigeonhole.py - compare lda-sieve's reports with Pigeonhole's sieve-test

    pigeonhole.py RESULTS_DIR KNOWN_DIFFERENCES TODO [DONE]

RESULTS_DIR/index has one line a case, tab-separated: ID, SENDER (-f),
FOLDER (-m or INBOX); RESULTS_DIR/N.out, N.err, N.rc are lda-sieve's
stdout, stderr and exit code for the N-th line (from 1), N.ph sieve-test's
stdout and stderr (absent for a case of KNOWN_DIFFERENCES, whose stated
output is used instead).  Prints TAP, one line a case, numbered after the
DONE tests the caller printed, and the plan; exit 1 if any case that is
not a TODO disagrees.

The compared form: one action a line, "store F [flags: ...]", "keep F
[flags: ...]" (the implicit keep), "redirect A", "reject R", "ereject R",
"vacation SENDER", "discard"; a runtime error adds "error NAME line N"
first (NAME: the script's file name without ".sieve"), a script that does
not compile is "compile-error NAME line N" alone.  Both sides then go
through canon(): system flags in one case, flags a set without case and
sorted (their order means nothing), and "discard" only at the end, only when nothing is
stored.
"""
import os
import re
import sys

SYSTEM_FLAGS = {f.lower(): f for f in
                ("\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft")}


def script_name(path):
    name = os.path.basename(path)
    return name[:-6] if name.endswith(".sieve") else name


def pigeonhole(text, sender, folder):
    """sieve-test's report as actions.  Each "## Executing script" section
    lists its own actions; the last section's "Implicit keep" is the final
    one; a failed run ends with the implicit keep."""
    out, impl, mode = [], None, None
    errloc, compile_error, failed = None, False, False
    for line in text.splitlines():
        m = re.match(r"^(\S+): line (\d+): error: ", line)
        if m and errloc is None:
            errloc = "%s line %s" % (script_name(m.group(1)), m.group(2))
        elif re.match(r"^\S+: error: ", line) and errloc is None:
            errloc = script_name(line.split(":")[0])
        if "Fatal: failed to compile" in line:
            compile_error = True
        if "final result: failed" in line:
            failed = True
        if line.startswith("## Executing script"):
            impl, mode = None, None
        elif line.startswith("Performed actions:"):
            mode = "perf"
        elif line.startswith("Implicit keep:"):
            mode, impl = "impl", None
        elif mode is None:
            continue
        elif line.startswith(" * store message in folder: ") or line == " * keep":
            f = line[len(" * store message in folder: "):] \
                if line != " * keep" else folder
            if mode == "perf":
                out.append("store " + f)
            else:
                impl = "keep " + f
        elif re.match(r"^ +\+ add IMAP flags: ", line):
            fl = " flags: " + line.split(": ", 1)[1]
            if mode == "perf":
                out[-1] += fl
            elif impl:
                impl += fl
        elif line.startswith(" * redirect message to: "):
            out.append("redirect " + line.split(": ", 1)[1].strip("<>"))
        elif re.match(r"^ \* e?reject message with reason: ", line):
            kind, reason = line[3:].split(" message with reason: ", 1)
            out.append(kind + " " + reason.replace("??", "\\n"))
        elif line.startswith(" * send vacation message"):
            out.append("vacation " + sender)
        elif line.startswith(" * discard"):
            out.append("discard")
    if compile_error:
        return ["compile-error %s" % errloc]
    if not failed and "Performed actions:" not in text:
        # a refused option or an unreadable file: no report to compare
        return ["no report from sieve-test: " + " | ".join(text.splitlines())]
    if failed:
        return ["error %s" % errloc] + out + ["keep " + folder]
    return out + ([impl] if impl else [])


def lda(rc, out, err):
    """lda-sieve test's report: stdout, and for exit 1 the first error"""
    lines = out.splitlines()
    if rc == 0:
        return lines
    loc = "exit %d" % rc
    for line in err.splitlines():
        m = re.match(r"^(.*):(\d+):\d+: error: ", line)
        if m:
            loc = "%s line %s" % (script_name(m.group(1)), m.group(2))
            break
        m = re.match(r"^(.*): error: ", line)
        if m:
            loc = script_name(m.group(1))
            break
    if not lines:
        return ["compile-error " + loc]
    return ["error " + loc] + lines


def canon(lines):
    res, stored = [], False
    for line in lines:
        if line == "discard":
            continue
        if line.startswith(("store ", "keep ")):
            stored = True
            head, sep, fl = line.partition(" flags: ")
            if sep:
                # a set without case, the first spelling kept: what is
                # stored (sieve-test's report may repeat "Y" as "y")
                flags = {}
                for f in fl.split():
                    flags.setdefault(f.lower(), SYSTEM_FLAGS.get(f.lower(), f))
                line = head + sep + " ".join(sorted(flags.values()))
        if line.startswith("compile-error"):
            stored = True
        res.append(line)
    return res + ([] if stored else ["discard"])


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return None


def blocks(path):
    """known-differences: "== ID", "#" reasons, lines, an empty line"""
    res, cur = {}, None
    for line in (read(path) or "").splitlines():
        if line.startswith("== "):
            cur = res.setdefault(line[3:].strip(), [])
        elif cur is not None and line == "":
            cur = None
        elif cur is not None and not line.startswith("#"):
            cur.append(line)
    return res


def todos(path):
    res = {}
    for line in (read(path) or "").splitlines():
        if line.strip() and not line.startswith("#"):
            case, _, why = line.partition(" ")
            res[case] = why.strip()
    return res


def main():
    rdir, known, todo = sys.argv[1], blocks(sys.argv[2]), todos(sys.argv[3])
    done = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    n = failed = agree = 0
    dump = os.environ.get("PH_DUMP")
    for line in read(os.path.join(rdir, "index")).splitlines():
        case, sender, folder = line.split("\t")
        n += 1
        base = os.path.join(rdir, str(n))
        rc = (read(base + ".rc") or "-1").strip()
        if case in known:
            want = canon(known[case])
        else:
            want = canon(pigeonhole(read(base + ".ph") or "", sender, folder))
        got = canon(lda(int(rc), read(base + ".out") or "",
                        read(base + ".err") or ""))
        if dump:
            print("== %s\n%s\n" % (case, "\n".join(want)), file=sys.stderr)
        if got == want:
            agree += 1
            print("ok %d - %s" % (done + n, case))
            continue
        if case in todo:
            print("not ok %d - %s # TODO %s" % (done + n, case, todo[case]))
        else:
            failed += 1
            print("not ok %d - %s" % (done + n, case))
        source = "known-differences" if case in known else "sieve-test"
        diag = (["expected (%s):" % source] + want
                + ["lda-sieve (exit %s):" % rc] + got)
        err = read(base + ".err")
        if err:
            diag += ["lda-sieve stderr:"] + err.splitlines()
        for d in diag:
            print("#   " + d, file=sys.stderr)
    print("# %d of %d cases agree" % (agree, n), file=sys.stderr)
    print("1..%d" % (done + n))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
