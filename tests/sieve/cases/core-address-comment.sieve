# msg: olddate.eml oddaddr.eml
require ["fileinto", "variables"];
if address :is :all "from" "jane@example.com" { fileinto "jane"; }
if address :localpart :is "from" "john.doe" { fileinto "john"; }
if header :contains "from" "Smith, Jane" { fileinto "display"; }
if address :is "to" "hans@example.de" { fileinto "hans"; }
if header :contains "to" "Müller, Hans" { fileinto "mueller"; }
