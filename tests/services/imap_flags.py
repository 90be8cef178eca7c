#!/usr/bin/env python3
"""imap_flags.py - the flags of every message of every mailbox, over IMAP.

usage: imap_flags.py HOST PORT USER PASSWORD

Logs in (plain LOGIN, no TLS: for a test server on loopback), LISTs the
mailboxes and EXAMINEs each (read-only: nothing changes).  Prints one
line per message, "MAILBOX<TAB>FLAGS<TAB>SUBJECT", FLAGS being the
message's flags but \\Recent, sorted and space-separated ("-" when
none); mailboxes in LIST's order, messages by UID.  A mailbox without
messages prints "MAILBOX<TAB>(empty)".  Exits 1 on any error.
"""

import imaplib
import re
import sys

from imap_dump import mailbox_names, quote


def main():
    host, port, user, password = sys.argv[1:5]
    imap = imaplib.IMAP4(host, int(port))
    imap.login(user, password)
    for name in mailbox_names(imap):
        typ, data = imap.select(quote(name), readonly=True)
        if typ != 'OK':
            raise RuntimeError('EXAMINE %s failed: %r' % (name, data))
        typ, data = imap.uid('SEARCH', None, 'ALL')
        if typ != 'OK':
            raise RuntimeError('SEARCH failed: %r' % data)
        uids = data[0].split()
        if not uids:
            print('%s\t(empty)' % name)
        for uid in uids:
            typ, data = imap.uid('FETCH', uid,
                                 '(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
            if typ != 'OK':
                raise RuntimeError('FETCH %s failed: %r' % (uid, data))
            flags, subject = None, ''
            for item in data:
                head = item[0] if isinstance(item, tuple) else item
                if not isinstance(head, bytes):
                    continue
                m = re.search(rb'FLAGS \(([^)]*)\)', head)
                if m:
                    flags = [f for f in m.group(1).decode().split()
                             if f != '\\Recent']
                if isinstance(item, tuple):
                    m = re.search(rb'^Subject:[ \t]*(.*?)\r?$', item[1],
                                  re.I | re.M)
                    if m:
                        subject = m.group(1).decode(errors='replace')
            if flags is None:
                raise RuntimeError('no FLAGS in %r' % data)
            print('%s\t%s\t%s' % (name, ' '.join(sorted(flags)) or '-',
                                  subject))
    imap.logout()


if __name__ == '__main__':
    try:
        main()
    except Exception as e:
        sys.stderr.write('imap_flags: %s\n' % e)
        sys.exit(1)
