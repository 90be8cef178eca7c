# msg: spam.eml ham.eml plain.eml
require ["spamtest", "relational", "comparator-i;ascii-numeric", "fileinto"];
if spamtest :value "ge" :comparator "i;ascii-numeric" "5" { fileinto "Junk"; }
elsif spamtest :value "eq" :comparator "i;ascii-numeric" "0" { fileinto "Untested"; }
