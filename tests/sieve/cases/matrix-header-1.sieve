# msg: plain.eml encoded.eml folded.eml multipart.eml nobody.eml mbox.eml oddaddr.eml list.eml spam.eml ham.eml dated.eml nested.eml olddate.eml crlf.eml
# generated: header tests, match types and comparators, on every message
require ["fileinto"];
if header :contains :comparator "i;octet" "date" "*.net>" { fileinto "t01"; }
if header :is "content-type" "Re:*" { fileinto "t02"; }
if header :is "subject" "*[*" { fileinto "t03"; }
if header :is "cc" "*[*" { fileinto "t04"; }
if header :is "subject" "example" { fileinto "t05"; }
if header :contains :comparator "i;octet" "cc" "*e*" { fileinto "t06"; }
if header :matches :comparator "i;octet" "list-id" "\\*" { fileinto "t07"; }
if header :contains "from" "1" { fileinto "t08"; }
if header :is "content-type" "*" { fileinto "t09"; }
if header :is "x-spam-score" "\\*" { fileinto "t10"; }
if header :contains "cc" "multipart/*" { fileinto "t11"; }
if header :is :comparator "i;octet" "subject" "" { fileinto "t12"; }
if header :matches "content-type" "" { fileinto "t13"; }
if header :matches :comparator "i;octet" "subject" "" { fileinto "t14"; }
if header :contains "received" "?*" { fileinto "t15"; }
if header :is "x-tag" "?*" { fileinto "t16"; }
if header :contains :comparator "i;octet" "x-spam-score" "example" { fileinto "t17"; }
if header :matches "content-type" "1" { fileinto "t18"; }
if header :contains :comparator "i;octet" "to" "EXAMPLE.COM" { fileinto "t19"; }
if header :is :comparator "i;octet" "to" "a" { fileinto "t20"; }
if header :matches "x-tag" "*[*" { fileinto "t21"; }
if header :contains "subject" "*@*" { fileinto "t22"; }
if header :contains "x-tag" "*e*" { fileinto "t23"; }
if header :contains :comparator "i;octet" "x-tag" "EXAMPLE.COM" { fileinto "t24"; }
if header :contains :comparator "i;octet" "x-tag" "ü" { fileinto "t25"; }
if header :contains "date" "*.net>" { fileinto "t26"; }
if header :contains :comparator "i;octet" "to" "\\*" { fileinto "t27"; }
if header :contains :comparator "i;octet" "received" "?*" { fileinto "t28"; }
if header :matches "list-id" "example" { fileinto "t29"; }
if header :contains "x-spam-score" "EXAMPLE.COM" { fileinto "t30"; }
