# msg: plain.eml encoded.eml folded.eml multipart.eml nobody.eml mbox.eml oddaddr.eml list.eml spam.eml ham.eml dated.eml nested.eml olddate.eml crlf.eml
# generated: date parts of each date header in several zones, on every message
require ["fileinto", "date", "variables"];
if date :zone "-0730" :matches "received" "minute" "*" { fileinto "t01-${1}"; }
if date :originalzone :matches "resent-date" "year" "*" { fileinto "t02-${1}"; }
if date :zone "+0000" :matches "date" "month" "*" { fileinto "t03-${1}"; }
if date :originalzone :matches "date" "std11" "*" { fileinto "t04-${1}"; }
if date :matches "received" "weekday" "*" { fileinto "t05-${1}"; }
if date :matches "received" "std11" "*" { fileinto "t06-${1}"; }
if date :zone "+0000" :matches "received" "zone" "*" { fileinto "t07-${1}"; }
if date :zone "+0000" :matches "date" "time" "*" { fileinto "t08-${1}"; }
if date :matches "date" "hour" "*" { fileinto "t09-${1}"; }
if date :zone "-0730" :matches "date" "month" "*" { fileinto "t10-${1}"; }
if date :zone "-0730" :matches "received" "time" "*" { fileinto "t11-${1}"; }
if date :zone "+0000" :matches "received" "year" "*" { fileinto "t12-${1}"; }
if date :zone "-0730" :matches "received" "hour" "*" { fileinto "t13-${1}"; }
if date :matches "received" "month" "*" { fileinto "t14-${1}"; }
if date :matches "date" "date" "*" { fileinto "t15-${1}"; }
if date :zone "-0730" :matches "date" "minute" "*" { fileinto "t16-${1}"; }
if date :zone "+0000" :matches "date" "year" "*" { fileinto "t17-${1}"; }
if date :zone "+0000" :matches "received" "day" "*" { fileinto "t18-${1}"; }
if date :zone "+0000" :matches "received" "hour" "*" { fileinto "t19-${1}"; }
if date :zone "+0000" :matches "resent-date" "year" "*" { fileinto "t20-${1}"; }
if date :zone "+0000" :matches "received" "julian" "*" { fileinto "t21-${1}"; }
if date :zone "-0730" :matches "date" "hour" "*" { fileinto "t22-${1}"; }
if date :zone "+0000" :matches "resent-date" "date" "*" { fileinto "t23-${1}"; }
if date :zone "-0730" :matches "date" "day" "*" { fileinto "t24-${1}"; }
if date :zone "-0730" :matches "date" "iso8601" "*" { fileinto "t25-${1}"; }
if date :matches "date" "julian" "*" { fileinto "t26-${1}"; }
if date :zone "+0000" :matches "resent-date" "hour" "*" { fileinto "t27-${1}"; }
if date :originalzone :matches "date" "iso8601" "*" { fileinto "t28-${1}"; }
if date :matches "date" "time" "*" { fileinto "t29-${1}"; }
if date :zone "+0000" :matches "date" "second" "*" { fileinto "t30-${1}"; }
