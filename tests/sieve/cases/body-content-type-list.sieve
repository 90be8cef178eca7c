# msg: multipart.eml spam.eml
require ["body", "fileinto"];
if body :content ["text/html", "application"] :contains ["PRIZE", "SecretWord"] { fileinto "hit"; }
