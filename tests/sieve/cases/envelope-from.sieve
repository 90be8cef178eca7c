# msg: plain.eml
# args: -f alice@example.org -r bob@example.com
# args: -f someone@other.example -r bob@example.com
require ["envelope", "fileinto"];
if envelope :is "from" "alice@example.org" { fileinto "Alice"; }
if envelope :domain :is "from" "other.example" { fileinto "Other"; }
