# msg: plain.eml
fileinto "Work";
