# msg: plain.eml
require ["imap4flags"];
addflag "  \\Seen   $A  ";
addflag "";
