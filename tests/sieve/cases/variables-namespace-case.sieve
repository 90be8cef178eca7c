# msg: plain.eml
require ["variables", "fileinto"];
set "Name" "one";
set "NAME" "two";
fileinto "${name}";
