# msg: plain.eml encoded.eml folded.eml multipart.eml nobody.eml mbox.eml oddaddr.eml list.eml spam.eml ham.eml dated.eml nested.eml olddate.eml crlf.eml
# generated: date parts of each date header in several zones, on every message
require ["fileinto", "date", "variables"];
if date :matches "received" "zone" "*" { fileinto "t01-${1}"; }
if date :zone "+0000" :matches "received" "minute" "*" { fileinto "t02-${1}"; }
if date :matches "received" "second" "*" { fileinto "t03-${1}"; }
if date :matches "date" "day" "*" { fileinto "t04-${1}"; }
if date :zone "+0000" :matches "resent-date" "minute" "*" { fileinto "t05-${1}"; }
if date :originalzone :matches "date" "year" "*" { fileinto "t06-${1}"; }
if date :zone "-0730" :matches "received" "zone" "*" { fileinto "t07-${1}"; }
if date :zone "+0000" :matches "date" "date" "*" { fileinto "t08-${1}"; }
if date :matches "date" "zone" "*" { fileinto "t09-${1}"; }
if date :originalzone :matches "date" "date" "*" { fileinto "t10-${1}"; }
if date :originalzone :matches "date" "weekday" "*" { fileinto "t11-${1}"; }
if date :zone "+0000" :matches "date" "julian" "*" { fileinto "t12-${1}"; }
if date :zone "-0730" :matches "date" "year" "*" { fileinto "t13-${1}"; }
if date :matches "resent-date" "time" "*" { fileinto "t14-${1}"; }
if date :zone "-0730" :matches "resent-date" "month" "*" { fileinto "t15-${1}"; }
if date :matches "received" "minute" "*" { fileinto "t16-${1}"; }
if date :zone "+0000" :matches "date" "hour" "*" { fileinto "t17-${1}"; }
if date :matches "resent-date" "iso8601" "*" { fileinto "t18-${1}"; }
if date :zone "+0000" :matches "received" "time" "*" { fileinto "t19-${1}"; }
if date :zone "-0730" :matches "date" "second" "*" { fileinto "t20-${1}"; }
if date :matches "received" "hour" "*" { fileinto "t21-${1}"; }
if date :zone "-0730" :matches "resent-date" "weekday" "*" { fileinto "t22-${1}"; }
if date :originalzone :matches "date" "minute" "*" { fileinto "t23-${1}"; }
if date :matches "date" "iso8601" "*" { fileinto "t24-${1}"; }
if date :zone "+0000" :matches "received" "std11" "*" { fileinto "t25-${1}"; }
if date :matches "received" "day" "*" { fileinto "t26-${1}"; }
if date :zone "-0730" :matches "resent-date" "year" "*" { fileinto "t27-${1}"; }
if date :zone "-0730" :matches "date" "zone" "*" { fileinto "t28-${1}"; }
if date :matches "date" "std11" "*" { fileinto "t29-${1}"; }
if date :originalzone :matches "date" "day" "*" { fileinto "t30-${1}"; }
