# msg: plain.eml encoded.eml folded.eml multipart.eml nobody.eml mbox.eml oddaddr.eml list.eml spam.eml ham.eml dated.eml nested.eml olddate.eml crlf.eml
# generated: address tests, parts and match types, on every message
require ["fileinto", "subaddress"];
if address :localpart :is "to" "*example*" { fileinto "t01"; }
if address :all :contains "bcc" "john.doe" { fileinto "t02"; }
if address :all :is "from" "bob" { fileinto "t03"; }
if address :all :matches "resent-from" "*example*" { fileinto "t04"; }
if address :localpart :matches "reply-to" "john.doe" { fileinto "t05"; }
if address :user :is "to" "*+*" { fileinto "t06"; }
if address :all :is "reply-to" "" { fileinto "t07"; }
if address :detail :is "from" "bob" { fileinto "t08"; }
if address :localpart :is "bcc" "bob" { fileinto "t09"; }
if address :user :contains "resent-from" "*.*" { fileinto "t10"; }
if address :detail :matches "from" "john.doe" { fileinto "t11"; }
if address :localpart :contains "cc" "example.com" { fileinto "t12"; }
if address :all :contains "resent-from" "*example*" { fileinto "t13"; }
if address :all :matches "cc" "?*" { fileinto "t14"; }
if address :domain :matches "sender" "" { fileinto "t15"; }
if address :detail :matches "sender" "example.com" { fileinto "t16"; }
if address :user :matches "sender" "bob" { fileinto "t17"; }
if address :all :is "reply-to" "*.*" { fileinto "t18"; }
if address :user :is "from" "tag" { fileinto "t19"; }
if address :all :contains "sender" "*.*" { fileinto "t20"; }
if address :user :is "cc" "bob" { fileinto "t21"; }
if address :all :is "to" "john.doe" { fileinto "t22"; }
if address :all :is "to" "" { fileinto "t23"; }
if address :detail :contains "cc" "example.com" { fileinto "t24"; }
if address :all :is "resent-from" "bob" { fileinto "t25"; }
if address :all :contains "from" "example.com" { fileinto "t26"; }
if address :domain :is "to" "*+*" { fileinto "t27"; }
if address :all :contains "bcc" "*example*" { fileinto "t28"; }
if address :localpart :matches "bcc" "?*" { fileinto "t29"; }
if address :detail :is "from" "tag" { fileinto "t30"; }
