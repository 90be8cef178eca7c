# msg: plain.eml
require ["include", "variables", "fileinto"];
global "x";
set "x" "1";
fileinto "g-${global.x}";
