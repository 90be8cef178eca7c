# msg: plain.eml
fileinto "Junk";
