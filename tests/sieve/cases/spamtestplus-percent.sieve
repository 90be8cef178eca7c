# msg: spam.eml ham.eml crlf.eml
require ["spamtestplus", "relational", "comparator-i;ascii-numeric", "fileinto"];
if spamtest :percent :value "ge" :comparator "i;ascii-numeric" "70" { fileinto "p70"; }
if spamtest :percent :value "lt" :comparator "i;ascii-numeric" "20" { fileinto "p20"; }
if spamtest :percent :value "eq" :comparator "i;ascii-numeric" "40" { fileinto "p40"; }
