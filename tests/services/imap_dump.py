#!/usr/bin/env python3
"""imap_dump.py - fetch every message of every mailbox over IMAP.

usage: imap_dump.py HOST PORT USER PASSWORD OUTDIR

Logs in (plain LOGIN, no TLS: for a test server on loopback), LISTs all
mailboxes and EXAMINEs each (read-only, so nothing is flagged or moved).
For each message writes OUTDIR/<mailbox>/<uid>.eml with the exact bytes of
BODY.PEEK[] and OUTDIR/<mailbox>/<uid>.size with its RFC822.SIZE.  Prints
one line per mailbox: "<mailbox> <message count>".  Exits 1 on any error.
"""

import imaplib
import os
import re
import sys


def mailbox_names(imap):
    typ, data = imap.list('""', '*')
    if typ != 'OK':
        raise RuntimeError('LIST failed: %r' % data)
    names = []
    for item in data:
        if item is None:
            continue
        if isinstance(item, tuple):         # name sent as a literal
            names.append(item[1].decode())
            continue
        m = re.match(rb'\((.*?)\) (NIL|"(?:[^"\\]|\\.)*") (.*)$', item)
        if not m:
            raise RuntimeError('cannot parse LIST line %r' % item)
        if b'\\Noselect' in m.group(1) or b'\\NonExistent' in m.group(1):
            continue
        name = m.group(3)
        if name.startswith(b'"'):
            name = re.sub(rb'\\(.)', rb'\1', name[1:-1])
        names.append(name.decode())
    return names


def quote(name):
    return '"' + name.replace('\\', '\\\\').replace('"', '\\"') + '"'


def main():
    host, port, user, password, outdir = sys.argv[1:6]
    imap = imaplib.IMAP4(host, int(port))
    imap.login(user, password)
    for name in mailbox_names(imap):
        typ, data = imap.select(quote(name), readonly=True)
        if typ != 'OK':
            raise RuntimeError('EXAMINE %s failed: %r' % (name, data))
        safe = name.replace('/', '_')
        os.makedirs(os.path.join(outdir, safe), exist_ok=True)
        typ, data = imap.uid('SEARCH', None, 'ALL')
        if typ != 'OK':
            raise RuntimeError('SEARCH failed: %r' % data)
        uids = data[0].split()
        for uid in uids:
            typ, data = imap.uid('FETCH', uid, '(RFC822.SIZE BODY.PEEK[])')
            if typ != 'OK':
                raise RuntimeError('FETCH %s failed: %r' % (uid, data))
            body = size = None
            for item in data:
                if not isinstance(item, tuple):
                    continue
                m = re.search(rb'RFC822\.SIZE (\d+)', item[0])
                if m:
                    size = int(m.group(1))
                if re.search(rb'BODY\[\] \{\d+\}$', item[0]):
                    body = item[1]
            if size is None:       # RFC822.SIZE after the literal
                for item in data:
                    if isinstance(item, bytes):
                        m = re.search(rb'RFC822\.SIZE (\d+)', item)
                        if m:
                            size = int(m.group(1))
            if body is None or size is None:
                raise RuntimeError('unexpected FETCH reply %r' % data)
            stem = os.path.join(outdir, safe, uid.decode())
            with open(stem + '.eml', 'wb') as f:
                f.write(body)
            with open(stem + '.size', 'w') as f:
                f.write('%d\n' % size)
        print(name, len(uids))
        imap.close()
    imap.logout()


if __name__ == '__main__':
    try:
        main()
    except Exception as e:          # report, for the test's diag
        print('imap_dump: %s' % e, file=sys.stderr)
        sys.exit(1)
