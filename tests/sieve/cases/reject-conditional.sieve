# msg: spam.eml ham.eml
require "reject";
if header :contains "subject" "won" { reject "Spam is not welcome here."; }
