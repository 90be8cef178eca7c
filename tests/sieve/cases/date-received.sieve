# msg: dated.eml
require ["date", "fileinto", "variables"];
if date :originalzone :matches "received" "date" "*" { fileinto "rcv-${1}"; }
