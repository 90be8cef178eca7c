# msg: encoded.eml
require "fileinto";
if header :contains "subject" "München" { fileinto "Reisen/München"; }
