# msg: encoded.eml
require ["fileinto", "variables"];
if header :matches "subject" "Gr??e*" { fileinto "q2"; }
if header :matches "x-mixed" "plain * text" { fileinto "star-${1}"; }
