# msg: plain.eml
require ["variables", "fileinto"];
fileinto "x${undefined}y${1}z";
