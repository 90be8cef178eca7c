# msg: plain.eml
require ["reject", "variables"];
if header :matches "subject" "*" { reject "Your message '${1}' was refused."; }
