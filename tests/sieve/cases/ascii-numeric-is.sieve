# msg: spam.eml ham.eml
require ["comparator-i;ascii-numeric", "fileinto"];
if header :is :comparator "i;ascii-numeric" "x-spam-score" "7" { fileinto "seven"; }
if header :is :comparator "i;ascii-numeric" "x-spam-score" "1" { fileinto "one"; }
