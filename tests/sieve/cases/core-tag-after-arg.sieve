# msg: plain.eml
require ["fileinto", "copy"];
fileinto "X" :copy;
