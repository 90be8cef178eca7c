# msg: plain.eml
require ["body", "fileinto"];
if body :raw :contains "Subject:" { fileinto "has-header"; }
if body :raw :contains "Alice" { fileinto "signature"; }
