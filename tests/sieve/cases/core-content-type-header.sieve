# msg: multipart.eml olddate.eml
require ["fileinto", "variables"];
if header :contains "content-type" "multipart/mixed" { fileinto "mixed"; }
if header :matches "content-type" "*charset=\"*\"*" { fileinto "cs-${2}"; }
