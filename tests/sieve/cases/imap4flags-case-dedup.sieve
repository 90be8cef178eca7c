# msg: plain.eml
require ["imap4flags"];
addflag "\\SEEN";
addflag "\\seen";
addflag "$X $x";
