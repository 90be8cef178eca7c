"""svc.py - what the test services share (imported by receiver.py and
unix_sink.py, not run).

The shell helpers in webhook.sh start a service in the background and
wait for its pidfile, then stop it by that pid with SIGTERM.  So a
service writes its pidfile (atomically) only once it is ready, ends at
once on SIGTERM or SIGINT removing the files it made, and, with
--exit-with-parent, ends by itself when the process that started it goes
away (a test script killed on timeout never leaves a server behind).
"""

import os
import signal
import threading
import time


def add_arguments(ap):
    """The options every service takes: --pidfile, --exit-with-parent."""
    ap.add_argument("--pidfile", required=True)
    ap.add_argument("--exit-with-parent", action="store_true")


def write_file(path, text):
    """Write TEXT to PATH by a rename: a reader sees all of it or nothing."""
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.rename(path + ".tmp", path)


def watch_parent(ppid):
    """End with the process that started us (a test killed on timeout)."""
    while True:
        time.sleep(0.5)
        if os.getppid() != ppid:
            os._exit(0)


def serve(server, args, remove=()):
    """Serve until SIGTERM/SIGINT, which remove REMOVE and the pidfile.

    The log files are flushed after every line, so ending at once with
    os._exit() loses nothing and does not wait for the handler threads.
    """
    def stop(signum, frame):
        for path in (*remove, args.pidfile):
            try:
                os.unlink(path)
            except OSError:
                pass
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.exit_with_parent:
        threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
    write_file(args.pidfile, "%d\n" % os.getpid())
    server.serve_forever(poll_interval=0.5)
