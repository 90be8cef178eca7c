# msg: plain.eml
require ["variables", "imap4flags", "fileinto"];
if header :matches "x-priority" "*" { set "f" "$Prio${1}"; }
fileinto :flags ["${f}", "\\Seen"] "Prio";
