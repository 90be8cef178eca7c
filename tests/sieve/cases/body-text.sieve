# msg: plain.eml multipart.eml nobody.eml
require ["body", "fileinto"];
if body :text :contains "budget" { fileinto "budget"; }
if body :contains "quarterly report" { fileinto "report"; }
if body :text :contains "Café meeting" { fileinto "cafe"; }
