# msg: plain.eml
require ["imap4flags"];
addflag "\\Bogus";
