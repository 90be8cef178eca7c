# msg: plain.eml
require ["ereject", "fileinto"];
fileinto "X";
ereject "no";
