# msg: plain.eml spam.eml
require "fileinto";
if header :contains "subject" "won" { fileinto "Junk"; stop; }
fileinto "Other";
