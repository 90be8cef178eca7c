# msg: plain.eml
require ["comparator-i;octet", "fileinto"];
if header :comparator "i;ascii-casemap" :is "subject" "MEETING ON TUESDAY" { fileinto "casemap"; }
if header :comparator "i;octet" :matches "subject" "M*" { fileinto "octet"; }
