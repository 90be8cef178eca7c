# msg: plain.eml
require "fileinto";
if header :contains "subject" "${hex:54}uesday" { fileinto "literal"; }
