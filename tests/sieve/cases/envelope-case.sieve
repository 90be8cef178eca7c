# msg: plain.eml
# args: -f Alice@Example.ORG
require ["envelope", "fileinto"];
if envelope :is "from" "alice@example.org" { fileinto "ci"; }
if envelope :comparator "i;octet" :is "from" "alice@example.org" { fileinto "octet"; }
if envelope :comparator "i;octet" :is :domain "from" "Example.ORG" { fileinto "dom"; }
