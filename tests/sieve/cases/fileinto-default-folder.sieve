# msg: plain.eml
# args: -m Work
# args: -m Work/Sub
require "fileinto";
if header :contains "subject" "nothing" { fileinto "x"; }
