# msg: encoded.eml
require "fileinto";
if header :contains "subject" "Gr\üße" { fileinto "escaped"; }
