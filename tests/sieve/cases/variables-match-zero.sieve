# msg: plain.eml
require ["variables", "fileinto"];
if header :matches "subject" "Meet*" { fileinto "${0}"; }
if header :matches "subject" "M???ing*" { fileinto "q-${1}${2}${3}-${4}"; }
