#!/usr/bin/env python3
"""unix_sink.py - a unix stream socket that records every line it receives.

usage: unix_sink.py --path SOCKET --pidfile FILE --log FILE [--exit-with-parent]

Listens on the AF_UNIX stream socket SOCKET (a stale file there is
replaced; the socket is made writable by everyone so an unprivileged
notifier can connect), accepts any number of connections at once and
appends each complete line received ("\\n"-terminated) to LOG exactly as
it came, flushed at once.  Bytes a client leaves after its last newline
when it closes are not a line: they go, one fragment a line, to
LOG.partial, which therefore exists only when some client sent an
unterminated line.

SIGTERM removes SOCKET and the pidfile and ends the process.
"""

import argparse
import os
import socketserver
import sys
import threading

import svc

LOCK = threading.Lock()


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        log = self.server.logfile
        while True:
            line = self.rfile.readline()
            if not line:
                return
            if not line.endswith(b"\n"):
                with LOCK, open(self.server.logpath + ".partial", "ab") as f:
                    f.write(line + b"\n")
                return
            with LOCK:
                log.write(line)
                log.flush()


class Server(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024


def main():
    ap = argparse.ArgumentParser(description="unix stream socket line sink")
    ap.add_argument("--path", required=True)
    ap.add_argument("--log", required=True)
    svc.add_arguments(ap)
    a = ap.parse_args()
    try:
        os.unlink(a.path)
    except FileNotFoundError:
        pass
    except OSError as e:
        sys.exit("unix_sink.py: remove '%s': %s" % (a.path, e.strerror))
    server = Server(a.path, Handler)
    os.chmod(a.path, 0o777)
    server.logpath = a.log
    server.logfile = open(a.log, "ab")
    svc.serve(server, a, remove=(a.path,))


if __name__ == "__main__":
    main()
