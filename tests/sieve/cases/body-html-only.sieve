# msg: spam.eml
require ["body", "fileinto"];
if body :text :contains "CLICK HERE" { fileinto "click"; }
if body :content "text/html" :contains "PRIZE" { fileinto "prize"; }
