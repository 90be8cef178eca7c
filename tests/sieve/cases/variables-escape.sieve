# msg: plain.eml
require ["variables", "fileinto"];
set "a" "A";
fileinto "$${a}-\${a}-${a}-${ a}";
