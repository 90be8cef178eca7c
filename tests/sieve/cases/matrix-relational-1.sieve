# msg: plain.eml encoded.eml folded.eml multipart.eml nobody.eml mbox.eml oddaddr.eml list.eml spam.eml ham.eml dated.eml nested.eml olddate.eml crlf.eml
# generated: relational tests on every message
require ["fileinto", "relational", "comparator-i;ascii-numeric"];
if header :count "ne" :comparator "i;ascii-numeric" "x-tag" "a" { fileinto "t01"; }
if header :value "lt" :comparator "i;ascii-numeric" "received" "10" { fileinto "t02"; }
if header :count "ge" :comparator "i;ascii-numeric" "x-tag" "Meeting" { fileinto "t03"; }
if header :count "ge" :comparator "i;ascii-casemap" "x-priority" "2" { fileinto "t04"; }
if header :value "gt" :comparator "i;ascii-casemap" "x-tag" "a" { fileinto "t05"; }
if header :count "eq" :comparator "i;ascii-casemap" "received" "Meeting" { fileinto "t06"; }
if header :value "ne" :comparator "i;ascii-casemap" "subject" "a" { fileinto "t07"; }
if header :count "eq" :comparator "i;ascii-casemap" "x-tag" "1" { fileinto "t08"; }
if header :count "eq" :comparator "i;ascii-numeric" "x-priority" "2" { fileinto "t09"; }
if header :value "ge" :comparator "i;ascii-casemap" "x-count" "a" { fileinto "t10"; }
if header :count "ne" :comparator "i;ascii-casemap" "x-priority" "x" { fileinto "t11"; }
if header :count "gt" :comparator "i;ascii-numeric" "x-spam-score" "0" { fileinto "t12"; }
if header :value "lt" :comparator "i;ascii-numeric" "x-priority" "3" { fileinto "t13"; }
if header :count "ge" :comparator "i;ascii-numeric" "x-spam-score" "1" { fileinto "t14"; }
if header :count "gt" :comparator "i;ascii-numeric" "x-spam-score" "2" { fileinto "t15"; }
if header :value "ge" :comparator "i;ascii-numeric" "x-spam-score" "2" { fileinto "t16"; }
if header :value "ne" :comparator "i;ascii-casemap" "x-count" "10" { fileinto "t17"; }
if header :value "lt" :comparator "i;ascii-casemap" "x-tag" "1" { fileinto "t18"; }
if header :count "ne" :comparator "i;ascii-numeric" "received" "a" { fileinto "t19"; }
if header :value "eq" :comparator "i;ascii-casemap" "x-tag" "10" { fileinto "t20"; }
if header :count "ge" :comparator "i;ascii-numeric" "to" "x" { fileinto "t21"; }
if header :value "ge" :comparator "i;ascii-casemap" "x-priority" "42" { fileinto "t22"; }
if header :value "ge" :comparator "i;ascii-casemap" "x-count" "x" { fileinto "t23"; }
if header :count "lt" :comparator "i;ascii-numeric" "x-priority" "42" { fileinto "t24"; }
if header :value "ge" :comparator "i;ascii-casemap" "x-count" "42" { fileinto "t25"; }
if header :count "ge" :comparator "i;ascii-numeric" "x-spam-score" "0" { fileinto "t26"; }
if header :value "gt" :comparator "i;ascii-numeric" "x-spam-score" "10" { fileinto "t27"; }
if header :value "eq" :comparator "i;ascii-casemap" "subject" "x" { fileinto "t28"; }
if header :value "gt" :comparator "i;ascii-numeric" "x-count" "2" { fileinto "t29"; }
if header :value "ge" :comparator "i;ascii-casemap" "received" "Meeting" { fileinto "t30"; }
