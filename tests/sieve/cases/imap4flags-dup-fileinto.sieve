# msg: plain.eml
# the later store's flags win
require ["imap4flags", "fileinto"];
fileinto :flags "\\Seen" "Work";
fileinto :flags "\\Flagged" "Work";
