# msg: plain.eml
require ["fileinto", "copy"];
fileinto :copy "A";
redirect :copy "b@example.net";
fileinto "C";
