# msg: plain.eml
require ["imap4flags", "fileinto"];
addflag "\\Seen";
fileinto "A";
removeflag "\\Seen";
keep;
