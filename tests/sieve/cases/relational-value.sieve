# msg: plain.eml
require ["relational", "comparator-i;ascii-numeric", "fileinto"];
if header :value "gt" :comparator "i;ascii-numeric" "x-count" "41" { fileinto "gt41"; }
if header :value "lt" :comparator "i;ascii-numeric" "x-count" "42" { fileinto "lt42"; }
if header :value "eq" :comparator "i;ascii-numeric" "x-count" "042" { fileinto "eq042"; }
if header :value "ne" :comparator "i;ascii-numeric" "x-priority" "3" { fileinto "ne3"; }
if header :value "le" :comparator "i;ascii-numeric" "x-priority" ["1", "3"] { fileinto "le"; }
