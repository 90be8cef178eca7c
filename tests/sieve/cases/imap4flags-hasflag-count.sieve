# msg: plain.eml
require ["imap4flags", "relational", "comparator-i;ascii-numeric", "fileinto"];
addflag ["\\Seen", "\\Flagged", "$A"];
if hasflag :count "ge" :comparator "i;ascii-numeric" "3" { fileinto "three"; }
removeflag "\\Flagged";
if hasflag :count "eq" :comparator "i;ascii-numeric" "2" { fileinto "two"; }
