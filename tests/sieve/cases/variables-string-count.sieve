# msg: plain.eml
require ["variables", "relational", "comparator-i;ascii-numeric", "fileinto"];
set "a" "x";
set "b" "";
if string :count "eq" :comparator "i;ascii-numeric" ["${a}", "${b}"] "1" { fileinto "count1"; }
if string :value "gt" :comparator "i;ascii-numeric" "10" "9" { fileinto "numeric-gt"; }
if string :value "gt" "10" "9" { fileinto "string-gt"; }
