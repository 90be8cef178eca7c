# msg: oddaddr.eml
require ["relational", "comparator-i;ascii-numeric", "fileinto"];
if address :count "eq" :comparator "i;ascii-numeric" "cc" "4" { fileinto "cc4"; }
if address :count "eq" :comparator "i;ascii-numeric" "to" "0" { fileinto "to0"; }
if address :count "ge" :comparator "i;ascii-numeric" ["to", "cc", "from"] "5" { fileinto "all5"; }
