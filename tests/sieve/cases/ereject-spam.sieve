# msg: spam.eml ham.eml
require "ereject";
if header :contains "subject" "SPAM" { ereject "Rejected as spam.\nGo away."; }
