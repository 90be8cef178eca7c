# msg: plain.eml
require ["imap4flags"];
keep :flags "\\Answered";
