# msg: twotypes.eml
require ["body", "fileinto"];
if body :content "text/html" :contains "html" { fileinto "html"; }
if body :content "text/plain" :contains "plain" { fileinto "plain"; }
