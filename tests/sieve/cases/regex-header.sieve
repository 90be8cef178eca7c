# msg: plain.eml spam.eml
require ["regex", "fileinto", "variables"];
if header :regex "subject" "^Meeting on (Mon|Tues)day$" { fileinto "re-${1}"; }
if header :regex "subject" "[*]{3}SPAM[*]{3}" { fileinto "re-spam"; }
if header :regex :comparator "i;octet" "subject" "meeting" { fileinto "re-octet"; }
