# msg: plain.eml encoded.eml folded.eml multipart.eml nobody.eml mbox.eml oddaddr.eml list.eml spam.eml ham.eml dated.eml nested.eml olddate.eml crlf.eml
# generated: header tests, match types and comparators, on every message
require ["fileinto"];
if header :is :comparator "i;octet" "received" "*e*" { fileinto "t01"; }
if header :matches :comparator "i;octet" "x-tag" "multipart/*" { fileinto "t02"; }
if header :is "list-id" "" { fileinto "t03"; }
if header :contains "to" "*[*" { fileinto "t04"; }
if header :contains "list-id" "*[*" { fileinto "t05"; }
if header :contains :comparator "i;octet" "content-type" "1" { fileinto "t06"; }
if header :is "from" "*[*" { fileinto "t07"; }
if header :contains "x-tag" "EXAMPLE.COM" { fileinto "t08"; }
if header :contains :comparator "i;octet" "from" "tuesday" { fileinto "t09"; }
if header :matches :comparator "i;octet" "x-spam-score" "Re:*" { fileinto "t10"; }
if header :is "date" "*e*" { fileinto "t11"; }
if header :contains "x-spam-score" "1" { fileinto "t12"; }
if header :is :comparator "i;octet" "x-spam-score" "\\*" { fileinto "t13"; }
if header :is "date" "*[*" { fileinto "t14"; }
if header :is "x-tag" "multipart/*" { fileinto "t15"; }
if header :is :comparator "i;octet" "received" "1" { fileinto "t16"; }
if header :matches :comparator "i;octet" "date" "Re:*" { fileinto "t17"; }
if header :is :comparator "i;octet" "to" "ü" { fileinto "t18"; }
if header :matches "x-spam-score" "*[*" { fileinto "t19"; }
if header :is "content-type" "multipart/*" { fileinto "t20"; }
if header :is "to" "*@*" { fileinto "t21"; }
if header :contains "received" "example" { fileinto "t22"; }
if header :contains :comparator "i;octet" "cc" "*[*" { fileinto "t23"; }
if header :contains :comparator "i;octet" "x-spam-score" "1" { fileinto "t24"; }
if header :matches :comparator "i;octet" "x-tag" "a" { fileinto "t25"; }
if header :matches :comparator "i;octet" "date" "a" { fileinto "t26"; }
if header :matches "subject" "*[*" { fileinto "t27"; }
if header :matches "cc" "\\*" { fileinto "t28"; }
if header :matches "date" "*" { fileinto "t29"; }
if header :is "from" "1" { fileinto "t30"; }
