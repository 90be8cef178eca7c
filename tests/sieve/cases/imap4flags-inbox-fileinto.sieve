# msg: plain.eml
require ["imap4flags", "fileinto"];
addflag "\\Seen";
fileinto "INBOX";
