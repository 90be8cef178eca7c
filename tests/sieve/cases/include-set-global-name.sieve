# msg: plain.eml
require ["include", "variables", "fileinto"];
set "global.y" "2";
fileinto "y-${global.y}";
