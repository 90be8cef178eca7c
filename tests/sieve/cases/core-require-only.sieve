# msg: plain.eml
require ["fileinto", "fileinto", "envelope"];
