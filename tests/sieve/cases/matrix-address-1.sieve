# msg: plain.eml encoded.eml folded.eml multipart.eml nobody.eml mbox.eml oddaddr.eml list.eml spam.eml ham.eml dated.eml nested.eml olddate.eml crlf.eml
# generated: address tests, parts and match types, on every message
require ["fileinto", "subaddress"];
if address :all :matches "to" "*.*" { fileinto "t01"; }
if address :detail :is "sender" "tag" { fileinto "t02"; }
if address :domain :contains "cc" "*example*" { fileinto "t03"; }
if address :localpart :is "bcc" "*example*" { fileinto "t04"; }
if address :localpart :matches "cc" "example.com" { fileinto "t05"; }
if address :domain :matches "from" "example.com" { fileinto "t06"; }
if address :detail :matches "from" "*+*" { fileinto "t07"; }
if address :all :contains "sender" "EXAMPLE.ORG" { fileinto "t08"; }
if address :all :is "resent-from" "john.doe" { fileinto "t09"; }
if address :domain :matches "to" "" { fileinto "t10"; }
if address :detail :is "cc" "ben" { fileinto "t11"; }
if address :detail :is "to" "*+*" { fileinto "t12"; }
if address :detail :contains "sender" "*example*" { fileinto "t13"; }
if address :user :matches "from" "" { fileinto "t14"; }
if address :user :is "reply-to" "john.doe" { fileinto "t15"; }
if address :user :contains "resent-from" "example.com" { fileinto "t16"; }
if address :localpart :contains "reply-to" "ben" { fileinto "t17"; }
if address :localpart :contains "from" "?*" { fileinto "t18"; }
if address :all :contains "reply-to" "EXAMPLE.ORG" { fileinto "t19"; }
if address :user :is "to" "ben" { fileinto "t20"; }
if address :localpart :contains "reply-to" "" { fileinto "t21"; }
if address :all :matches "bcc" "bob" { fileinto "t22"; }
if address :detail :contains "bcc" "" { fileinto "t23"; }
if address :user :matches "reply-to" "john.doe" { fileinto "t24"; }
if address :localpart :is "bcc" "john.doe" { fileinto "t25"; }
if address :all :matches "to" "*+*" { fileinto "t26"; }
if address :localpart :is "cc" "" { fileinto "t27"; }
if address :localpart :is "resent-from" "*+*" { fileinto "t28"; }
if address :localpart :is "sender" "john.doe" { fileinto "t29"; }
if address :all :contains "cc" "EXAMPLE.ORG" { fileinto "t30"; }
