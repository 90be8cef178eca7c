# msg: multipart.eml
require ["regex", "body", "fileinto"];
if body :text :regex "quarterly +report" { fileinto "re-body"; }
