# msg: plain.eml
# args: -r bob@example.com -a bob.orig@example.com
# args: -r bob@example.com
require ["envelope", "fileinto"];
if envelope :is "to" "bob.orig@example.com" { fileinto "Orig"; }
if envelope :is "to" "bob@example.com" { fileinto "Final"; }
if envelope :localpart :matches "to" "bob*" { fileinto "Local"; }
