# msg: plain.eml
require ["fileinto", "copy"];
fileinto :copy "Archive";
