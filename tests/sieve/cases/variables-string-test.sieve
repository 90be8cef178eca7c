# msg: plain.eml
require ["variables", "fileinto"];
set "x" "abc";
if string :is "${x}" "abc" { fileinto "is"; }
if string :matches "${x}" "a*" { fileinto "matches"; }
if string :is "${y}" "" { fileinto "empty"; }
if string :contains ["x", "${x}"] "bc" { fileinto "contains"; }
