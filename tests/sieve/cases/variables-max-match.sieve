# msg: plain.eml
require ["variables", "fileinto"];
if header :matches "subject" "*e*e*" { fileinto "${1}|${2}|${3}"; }
