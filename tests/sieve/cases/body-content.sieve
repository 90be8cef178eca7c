# msg: multipart.eml nested.eml
require ["body", "fileinto"];
if body :content "text/html" :contains "SecretCode42" { fileinto "html"; }
if body :content "text" :contains "quarterly" { fileinto "text"; }
if body :content "text/plain" :contains "SecretCode42" { fileinto "plain-secret"; }
if body :content "application/pdf" :contains "Secret" { fileinto "pdf"; }
