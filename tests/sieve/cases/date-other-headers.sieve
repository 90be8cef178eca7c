# msg: dated.eml
require ["date", "fileinto"];
if date :originalzone :is "resent-date" "day" "02" { fileinto "resent"; }
if date :is "x-date" "year" "2022" { fileinto "bad-date"; }
if date :is "x-missing" "year" "2022" { fileinto "missing"; }
if not date :is "x-date" "year" "2022" { fileinto "not-bad"; }
