# msg: plain.eml
require ["variables", "fileinto"];
if header :matches "subject" "*Tuesday" { }
if header :matches "subject" "nomatch*" { }
fileinto "after-${1}";
