# msg: plain.eml spam.eml ham.eml dated.eml
require ["fileinto", "variables"];
if header :contains "subject" "zzz" { fileinto "a"; }
elsif header :contains "subject" "lunch" { fileinto "b"; }
elsif header :matches "subject" "*new*" { fileinto "c-${1}"; }
elsif anyof (header :contains "from" "alice", header :contains "from" "winner") { fileinto "d"; }
