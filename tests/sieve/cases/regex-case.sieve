# msg: plain.eml
require ["regex", "fileinto"];
if header :regex "subject" "TUESDAY" { fileinto "ci"; }
if header :regex "x-count" "^[0-9]+$" { fileinto "digits"; }
