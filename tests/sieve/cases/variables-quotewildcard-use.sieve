# msg: plain.eml
require ["variables", "fileinto"];
set :quotewildcard "p" "Meeting*";
if header :matches "subject" "${p}" { fileinto "literal"; }
set "q" "Meeting*";
if header :matches "subject" "${q}" { fileinto "wild"; }
