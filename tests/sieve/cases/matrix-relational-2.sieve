# msg: plain.eml encoded.eml folded.eml multipart.eml nobody.eml mbox.eml oddaddr.eml list.eml spam.eml ham.eml dated.eml nested.eml olddate.eml crlf.eml
# generated: relational tests on every message
require ["fileinto", "relational", "comparator-i;ascii-numeric"];
if header :count "gt" :comparator "i;ascii-numeric" "x-tag" "1" { fileinto "t01"; }
if header :value "ge" :comparator "i;ascii-casemap" "received" "1" { fileinto "t02"; }
if header :value "eq" :comparator "i;ascii-casemap" "to" "2" { fileinto "t03"; }
if header :count "ge" :comparator "i;ascii-numeric" "x-count" "a" { fileinto "t04"; }
if header :value "ne" :comparator "i;ascii-casemap" "to" "a" { fileinto "t05"; }
if header :value "eq" :comparator "i;ascii-casemap" "subject" "10" { fileinto "t06"; }
if header :value "le" :comparator "i;ascii-casemap" "to" "x" { fileinto "t07"; }
if header :count "le" :comparator "i;ascii-casemap" "x-spam-score" "3" { fileinto "t08"; }
if header :value "ne" :comparator "i;ascii-casemap" "subject" "1" { fileinto "t09"; }
if header :value "ne" :comparator "i;ascii-casemap" "x-count" "2" { fileinto "t10"; }
if header :count "ne" :comparator "i;ascii-casemap" "x-spam-score" "Meeting" { fileinto "t11"; }
if header :count "gt" :comparator "i;ascii-casemap" "x-count" "1" { fileinto "t12"; }
if header :value "le" :comparator "i;ascii-casemap" "to" "10" { fileinto "t13"; }
if header :count "lt" :comparator "i;ascii-numeric" "x-count" "Meeting" { fileinto "t14"; }
if header :value "eq" :comparator "i;ascii-casemap" "x-spam-score" "a" { fileinto "t15"; }
if header :value "ne" :comparator "i;ascii-casemap" "x-tag" "0" { fileinto "t16"; }
if header :count "gt" :comparator "i;ascii-numeric" "subject" "x" { fileinto "t17"; }
if header :value "ne" :comparator "i;ascii-numeric" "to" "10" { fileinto "t18"; }
if header :value "eq" :comparator "i;ascii-casemap" "received" "10" { fileinto "t19"; }
if header :count "lt" :comparator "i;ascii-numeric" "received" "42" { fileinto "t20"; }
if header :count "eq" :comparator "i;ascii-numeric" "x-tag" "42" { fileinto "t21"; }
if header :count "ne" :comparator "i;ascii-numeric" "x-count" "Meeting" { fileinto "t22"; }
if header :value "ne" :comparator "i;ascii-casemap" "received" "a" { fileinto "t23"; }
if header :count "gt" :comparator "i;ascii-numeric" "x-spam-score" "a" { fileinto "t24"; }
if header :value "gt" :comparator "i;ascii-numeric" "x-spam-score" "42" { fileinto "t25"; }
if header :count "gt" :comparator "i;ascii-numeric" "to" "42" { fileinto "t26"; }
if header :count "lt" :comparator "i;ascii-numeric" "x-priority" "a" { fileinto "t27"; }
if header :value "ge" :comparator "i;ascii-numeric" "x-count" "42" { fileinto "t28"; }
if header :value "ge" :comparator "i;ascii-casemap" "x-priority" "Meeting" { fileinto "t29"; }
if header :value "eq" :comparator "i;ascii-numeric" "to" "42" { fileinto "t30"; }
