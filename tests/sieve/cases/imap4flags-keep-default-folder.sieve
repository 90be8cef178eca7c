# msg: plain.eml
# args: -m Work
require ["imap4flags", "fileinto"];
addflag "\\Flagged";
keep :flags "\\Seen";
