# msg: plain.eml
# args: -f Alice+News@Example.ORG
require ["envelope", "subaddress", "fileinto", "variables"];
if envelope :detail :matches "from" "*" { fileinto "d-${1}"; }
if envelope :user :matches "from" "*" { fileinto "u-${1}"; }
if envelope :all :matches "from" "*" { fileinto "a-${1}"; }
