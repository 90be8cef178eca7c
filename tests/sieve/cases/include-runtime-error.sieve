# msg: plain.eml
require ["include", "fileinto", "copy"];
fileinto :copy "Before";
include :personal "runtime-err";
