# msg: plain.eml
require ["imap4flags"];
setflag "\\Seen";
