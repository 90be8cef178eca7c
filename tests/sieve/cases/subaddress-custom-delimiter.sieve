# msg: plain.eml
# args: -r bob-lists@example.com
# conf: recipient_delimiter=-
require ["envelope", "subaddress", "fileinto"];
if envelope :detail "to" "lists" { fileinto "dash"; }
