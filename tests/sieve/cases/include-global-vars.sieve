# msg: plain.eml
require ["include", "variables", "fileinto"];
global "folder";
include :personal "vars";
fileinto "${folder}";
