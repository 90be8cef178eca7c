# msg: plain.eml
require ["fileinto", "copy"];
discard;
fileinto :copy "A";
