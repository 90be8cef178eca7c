# msg: spam.eml ham.eml
require ["spamtest", "fileinto", "relational", "comparator-i;ascii-numeric"];
if spamtest :is "8" { fileinto "eight"; }
if spamtest :value "eq" :comparator "i;ascii-numeric" "2" { fileinto "two"; }
