# msg: multipart.eml
require ["body", "fileinto"];
if body :content "multipart" :contains "This is a multi-part message" { fileinto "prologue"; }
if body :content "" :contains "attached" { fileinto "all"; }
