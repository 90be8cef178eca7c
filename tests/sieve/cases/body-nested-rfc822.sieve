# msg: nested.eml
require ["body", "fileinto"];
if body :text :contains "hidden treasure" { fileinto "treasure"; }
if body :content "message/rfc822" :contains "Kim" { fileinto "kim"; }
if body :raw :contains "forwarded part" { fileinto "raw"; }
