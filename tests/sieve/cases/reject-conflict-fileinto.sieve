# msg: plain.eml
require ["reject", "fileinto"];
fileinto "X";
reject "no";
