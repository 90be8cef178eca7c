# msg: plain.eml
require ["regex", "fileinto", "comparator-i;octet"];
if header :regex :comparator "i;octet" "subject" "^Meeting" { fileinto "octet"; }
if header :regex :comparator "i;ascii-casemap" "subject" "^MEETING" { fileinto "casemap"; }
