# msg: nobody.eml plain.eml
require ["body", "fileinto"];
if body :is "" { fileinto "empty"; }
if body :raw :matches "*" { fileinto "any"; }
