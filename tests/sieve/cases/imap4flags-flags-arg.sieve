# msg: plain.eml
require ["imap4flags", "fileinto"];
addflag "\\Seen";
fileinto :flags "\\Flagged $Important" "Work";
keep;
