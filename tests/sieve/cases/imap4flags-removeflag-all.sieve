# msg: plain.eml
require ["imap4flags"];
setflag "\\Seen \\Flagged";
removeflag ["\\Seen", "\\Flagged"];
