# msg: plain.eml encoded.eml folded.eml multipart.eml nobody.eml mbox.eml oddaddr.eml list.eml spam.eml ham.eml dated.eml nested.eml olddate.eml crlf.eml
# generated: date parts of each date header in several zones, on every message
require ["fileinto", "date", "variables"];
if date :originalzone :matches "received" "second" "*" { fileinto "t01-${1}"; }
if date :matches "date" "weekday" "*" { fileinto "t02-${1}"; }
if date :matches "resent-date" "second" "*" { fileinto "t03-${1}"; }
if date :zone "+0000" :matches "date" "std11" "*" { fileinto "t04-${1}"; }
if date :matches "resent-date" "year" "*" { fileinto "t05-${1}"; }
if date :originalzone :matches "resent-date" "std11" "*" { fileinto "t06-${1}"; }
if date :zone "+0000" :matches "resent-date" "second" "*" { fileinto "t07-${1}"; }
if date :matches "received" "date" "*" { fileinto "t08-${1}"; }
if date :matches "date" "year" "*" { fileinto "t09-${1}"; }
if date :zone "-0730" :matches "received" "std11" "*" { fileinto "t10-${1}"; }
if date :matches "date" "second" "*" { fileinto "t11-${1}"; }
if date :zone "-0730" :matches "resent-date" "std11" "*" { fileinto "t12-${1}"; }
if date :matches "received" "julian" "*" { fileinto "t13-${1}"; }
if date :zone "-0730" :matches "received" "iso8601" "*" { fileinto "t14-${1}"; }
if date :originalzone :matches "resent-date" "weekday" "*" { fileinto "t15-${1}"; }
if date :matches "resent-date" "date" "*" { fileinto "t16-${1}"; }
if date :zone "+0000" :matches "received" "date" "*" { fileinto "t17-${1}"; }
if date :originalzone :matches "received" "month" "*" { fileinto "t18-${1}"; }
if date :zone "+0000" :matches "resent-date" "julian" "*" { fileinto "t19-${1}"; }
if date :zone "+0000" :matches "received" "second" "*" { fileinto "t20-${1}"; }
if date :zone "-0730" :matches "received" "year" "*" { fileinto "t21-${1}"; }
if date :originalzone :matches "received" "iso8601" "*" { fileinto "t22-${1}"; }
if date :originalzone :matches "date" "zone" "*" { fileinto "t23-${1}"; }
if date :matches "resent-date" "minute" "*" { fileinto "t24-${1}"; }
if date :zone "-0730" :matches "resent-date" "iso8601" "*" { fileinto "t25-${1}"; }
if date :zone "-0730" :matches "resent-date" "zone" "*" { fileinto "t26-${1}"; }
if date :originalzone :matches "received" "julian" "*" { fileinto "t27-${1}"; }
if date :originalzone :matches "resent-date" "month" "*" { fileinto "t28-${1}"; }
if date :zone "+0000" :matches "resent-date" "weekday" "*" { fileinto "t29-${1}"; }
if date :zone "+0000" :matches "date" "day" "*" { fileinto "t30-${1}"; }
