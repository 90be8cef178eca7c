# msg: plain.eml spam.eml
require ["date", "relational", "fileinto"];
if date :value "ge" :originalzone "date" "hour" "09" { fileinto "late"; }
if date :value "lt" :originalzone "date" "hour" "09" { fileinto "early"; }
if date :count "eq" :comparator "i;ascii-numeric" "date" "year" "1" { fileinto "one-date"; }
