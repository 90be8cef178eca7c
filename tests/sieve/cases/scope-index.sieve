# msg: folded.eml
require ["index", "date", "fileinto"];
if header :index 1 :contains "x-tag" "first" { fileinto "first"; }
