# msg: nobody.eml
require ["relational", "comparator-i;ascii-numeric", "fileinto"];
if header :count "eq" :comparator "i;ascii-numeric" "x-none" "0" { fileinto "zero"; }
if exists "x-none" { fileinto "exists"; }
