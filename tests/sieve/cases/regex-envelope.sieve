# msg: plain.eml
# args: -f alice@example.org -r bob+x@example.com
require ["regex", "envelope", "fileinto"];
if envelope :regex "to" "^bob\\+[a-z]@" { fileinto "re-env"; }
