# msg: plain.eml
# args: -m Archive -D Archive
require ["mailbox", "fileinto"];
if mailboxexists "Archive" { keep; }
