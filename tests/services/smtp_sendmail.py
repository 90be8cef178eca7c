#!/usr/bin/env python3
"""smtp_sendmail.py - a sendmail(1) that hands the message to an SMTP server.

usage: smtp_sendmail.py --port PORT [--host HOST] [--log FILE] -- SENDMAIL-ARGS

Takes the arguments lda gives sendmail_path (-i, -f SENDER or -fSENDER,
-F NAME, -oi, "--", then the recipients), reads the message from standard
input and submits it by SMTP to HOST (127.0.0.1) on PORT: a private
Postfix instance's smtpd, which a test cannot reach through the system's
sendmail without changing the system's configuration.  A null sender
("", "<>") is MAIL FROM:<>.  With --log, appends one line per call:
"from=<S> to=<R,...> status".  Exits 0 when the server took the message,
75 on a temporary failure, 69 on a refusal, 64 on bad arguments.
"""

import smtplib
import socket
import sys


def parse(args):
    sender, rcpts, i = None, [], 0
    while i < len(args):
        a = args[i]
        if a == "--":
            rcpts.extend(args[i + 1:])
            break
        if a in ("-f", "-r", "-F", "-o", "-N", "-R", "-V", "-B"):
            if i + 1 >= len(args):
                raise ValueError("%s needs a value" % a)
            if a in ("-f", "-r"):
                sender = args[i + 1]
            i += 2
            continue
        if a.startswith("-f") or a.startswith("-r"):
            sender = a[2:]
        elif not a.startswith("-"):
            rcpts.append(a)
        i += 1
    if sender is None:
        raise ValueError("no -f sender")
    if sender == "<>":
        sender = ""
    if not rcpts:
        raise ValueError("no recipient")
    return sender, rcpts


def main():
    argv = sys.argv[1:]
    host, port, log = "127.0.0.1", None, None
    while argv and argv[0] in ("--port", "--host", "--log"):
        if argv[0] == "--port":
            port = int(argv[1])
        elif argv[0] == "--host":
            host = argv[1]
        else:
            log = argv[1]
        argv = argv[2:]
    if argv and argv[0] == "--":
        argv = argv[1:]
    try:
        if port is None:
            raise ValueError("no --port")
        sender, rcpts = parse(argv)
    except ValueError as e:
        sys.stderr.write("smtp_sendmail: %s\n" % e)
        return 64
    data = sys.stdin.buffer.read()
    data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    status, rc = "sent", 0
    try:
        s = smtplib.SMTP(host, port, timeout=30)
        s.sendmail(sender, rcpts, data)
        s.quit()
    except smtplib.SMTPResponseException as e:
        status = "refused %d %r" % (e.smtp_code, e.smtp_error)
        rc = 69 if 500 <= e.smtp_code < 600 else 75
    except smtplib.SMTPRecipientsRefused as e:
        status = "refused %r" % (e.recipients,)
        rc = 69
    except (OSError, smtplib.SMTPException, socket.timeout) as e:
        status = "failed %s" % e
        rc = 75
    if log:
        with open(log, "a") as f:
            f.write("from=<%s> to=<%s> %s\n" % (sender, ",".join(rcpts), status))
    if rc:
        sys.stderr.write("smtp_sendmail: %s\n" % status)
    return rc


if __name__ == "__main__":
    sys.exit(main())
