# msg: plain.eml
# args: -D Archive
# args: -D Other
require ["mailbox", "fileinto"];
if mailboxexists "Archive" { fileinto "Archive"; }
if mailboxexists "INBOX" { fileinto "InboxThere"; }
if mailboxexists ["Nope", "Archive"] { fileinto "Either"; }
if mailboxexists ["Archive", "Other"] { fileinto "Both"; }
