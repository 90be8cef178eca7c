# msg: plain.eml folded.eml
require ["relational", "comparator-i;ascii-numeric", "fileinto"];
if header :count "ge" :comparator "i;ascii-numeric" "x-tag" "3" { fileinto "three-tags"; }
if address :count "eq" :comparator "i;ascii-numeric" "to" "3" { fileinto "three-to"; }
if header :count "lt" :comparator "i;ascii-numeric" "received" "2" { fileinto "few-received"; }
