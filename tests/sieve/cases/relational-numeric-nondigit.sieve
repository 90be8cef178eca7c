# msg: plain.eml dated.eml
require ["relational", "comparator-i;ascii-numeric", "fileinto"];
if header :value "gt" :comparator "i;ascii-numeric" "subject" "5" { fileinto "subj-gt"; }
if header :value "eq" :comparator "i;ascii-numeric" "x-date" "0" { fileinto "x-date-eq"; }
if header :is :comparator "i;ascii-numeric" "x-missing" "" { fileinto "missing"; }
