# msg: oddaddr.eml
require ["subaddress", "fileinto"];
if address :detail "cc" "tag" { fileinto "tag"; }
if address :user "cc" "ben" { fileinto "ben"; }
if address :detail "reply-to" "replies" { fileinto "replies"; }
if address :user :comparator "i;octet" "reply-to" "john.doe" { fileinto "octet"; }
