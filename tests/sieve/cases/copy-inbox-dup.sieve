# msg: plain.eml
require ["fileinto", "copy", "imap4flags"];
fileinto :copy :flags "\\Seen" "INBOX";
