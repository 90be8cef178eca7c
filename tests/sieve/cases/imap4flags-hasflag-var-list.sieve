# msg: plain.eml
require ["imap4flags", "variables", "fileinto"];
set "a" "\\Seen";
set "b" "$X";
if hasflag ["a", "b"] "$x" { fileinto "found"; }
if hasflag ["a"] ["\\Flagged", "\\seen"] { fileinto "seen"; }
