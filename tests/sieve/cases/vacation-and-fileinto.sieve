# msg: plain.eml list.eml
require ["vacation", "fileinto"];
if exists "list-id" { fileinto "Lists"; stop; }
vacation :days 1 "away";
fileinto "Seen";
