# msg: plain.eml
# args: -r bob+lists@example.com
# args: -r bob@example.com
# args: -r bob+@example.com
require ["envelope", "subaddress", "fileinto", "variables"];
if envelope :detail "to" "lists" { fileinto "Lists"; }
if envelope :user "to" "bob" { fileinto "User"; }
if envelope :detail :matches "to" "*" { fileinto "detail-${1}"; }
if envelope :detail "to" "" { fileinto "EmptyDetail"; }
