# msg: plain.eml
require ["encoded-character", "fileinto"];
fileinto "Caf${unicode:E9}/${hex:41 42 43}";
