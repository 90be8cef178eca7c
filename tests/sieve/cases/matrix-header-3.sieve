# msg: plain.eml encoded.eml folded.eml multipart.eml nobody.eml mbox.eml oddaddr.eml list.eml spam.eml ham.eml dated.eml nested.eml olddate.eml crlf.eml
# generated: header tests, match types and comparators, on every message
require ["fileinto"];
if header :matches :comparator "i;octet" "received" "ü" { fileinto "t01"; }
if header :contains "from" "ü" { fileinto "t02"; }
if header :matches :comparator "i;octet" "list-id" "tuesday" { fileinto "t03"; }
if header :is "cc" "" { fileinto "t04"; }
if header :is :comparator "i;octet" "cc" "1" { fileinto "t05"; }
if header :contains "to" "Re:*" { fileinto "t06"; }
if header :matches :comparator "i;octet" "received" "?*" { fileinto "t07"; }
if header :is :comparator "i;octet" "list-id" "?*" { fileinto "t08"; }
if header :is :comparator "i;octet" "subject" "*@*" { fileinto "t09"; }
if header :is "date" "example" { fileinto "t10"; }
if header :is :comparator "i;octet" "from" "?*" { fileinto "t11"; }
if header :is :comparator "i;octet" "x-tag" "*" { fileinto "t12"; }
if header :is :comparator "i;octet" "from" "*e*" { fileinto "t13"; }
if header :contains "date" "example" { fileinto "t14"; }
if header :matches "x-tag" "*.net>" { fileinto "t15"; }
if header :is :comparator "i;octet" "x-spam-score" "Re:*" { fileinto "t16"; }
if header :matches "to" "*@*" { fileinto "t17"; }
if header :matches :comparator "i;octet" "to" "a" { fileinto "t18"; }
if header :contains :comparator "i;octet" "from" "EXAMPLE.COM" { fileinto "t19"; }
if header :is :comparator "i;octet" "from" "example" { fileinto "t20"; }
if header :matches "x-spam-score" "?*" { fileinto "t21"; }
if header :is :comparator "i;octet" "to" "*e*" { fileinto "t22"; }
if header :matches :comparator "i;octet" "from" "tuesday" { fileinto "t23"; }
if header :contains "to" "*" { fileinto "t24"; }
if header :is :comparator "i;octet" "date" "ü" { fileinto "t25"; }
if header :contains "to" "tuesday" { fileinto "t26"; }
if header :matches :comparator "i;octet" "date" "*.net>" { fileinto "t27"; }
if header :contains "list-id" "*" { fileinto "t28"; }
if header :is "cc" "tuesday" { fileinto "t29"; }
if header :contains :comparator "i;octet" "x-tag" "1" { fileinto "t30"; }
