# msg: plain.eml
require ["imap4flags", "fileinto"];
addflag ["\\Flagged", "$Work"];
addflag "\\Seen \\Answered";
removeflag "\\Answered";
fileinto "Work";
removeflag "$Work";
