# msg: plain.eml
require ["variables", "fileinto"];
set "a" "x
y";
if string :matches "${a}" "x?y" { fileinto "one-char"; }
if string :matches "${a}" "x??y" { fileinto "two-chars"; }
