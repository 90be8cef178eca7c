# msg: crlf.eml
require ["body", "fileinto"];
if body :text :contains "Windows style" { fileinto "body"; }
if size :under 114 { fileinto "size"; }
