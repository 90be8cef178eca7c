# msg: olddate.eml
require ["spamtestplus", "relational", "comparator-i;ascii-numeric", "fileinto", "variables"];
if spamtest :matches "*" { fileinto "score-${1}"; }
if spamtest :percent :matches "*" { fileinto "pct-${1}"; }
