# msg: plain.eml encoded.eml folded.eml multipart.eml nobody.eml mbox.eml oddaddr.eml list.eml spam.eml ham.eml dated.eml nested.eml olddate.eml crlf.eml
# generated: address tests, parts and match types, on every message
require ["fileinto", "subaddress"];
if address :all :contains "resent-from" "*.*" { fileinto "t01"; }
if address :all :matches "resent-from" "" { fileinto "t02"; }
if address :user :is "cc" "tag" { fileinto "t03"; }
if address :user :matches "bcc" "example.com" { fileinto "t04"; }
if address :domain :matches "reply-to" "example.com" { fileinto "t05"; }
if address :localpart :matches "sender" "?*" { fileinto "t06"; }
if address :detail :matches "cc" "ben" { fileinto "t07"; }
if address :detail :matches "resent-from" "" { fileinto "t08"; }
if address :localpart :matches "reply-to" "example.com" { fileinto "t09"; }
if address :domain :matches "from" "ben" { fileinto "t10"; }
if address :user :contains "to" "tag" { fileinto "t11"; }
if address :user :is "resent-from" "*example*" { fileinto "t12"; }
if address :all :matches "to" "" { fileinto "t13"; }
if address :detail :matches "reply-to" "?*" { fileinto "t14"; }
if address :domain :is "bcc" "" { fileinto "t15"; }
if address :user :contains "bcc" "*.*" { fileinto "t16"; }
if address :user :is "reply-to" "example.com" { fileinto "t17"; }
if address :user :is "to" "EXAMPLE.ORG" { fileinto "t18"; }
if address :user :is "to" "*example*" { fileinto "t19"; }
if address :localpart :is "reply-to" "*example*" { fileinto "t20"; }
if address :user :matches "cc" "example.com" { fileinto "t21"; }
if address :user :matches "bcc" "ben" { fileinto "t22"; }
if address :domain :matches "sender" "*+*" { fileinto "t23"; }
if address :detail :matches "sender" "" { fileinto "t24"; }
if address :localpart :matches "from" "*+*" { fileinto "t25"; }
if address :detail :matches "bcc" "ben" { fileinto "t26"; }
if address :all :contains "sender" "tag" { fileinto "t27"; }
if address :user :matches "resent-from" "*+*" { fileinto "t28"; }
if address :user :contains "from" "ben" { fileinto "t29"; }
if address :all :is "from" "*.*" { fileinto "t30"; }
