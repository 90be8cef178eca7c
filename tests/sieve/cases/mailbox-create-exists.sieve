# msg: plain.eml
# args: -D Archive
require ["mailbox", "fileinto"];
if not mailboxexists "Later" { fileinto :create "Later"; }
if mailboxexists "Archive" { fileinto :create "Archive"; }
