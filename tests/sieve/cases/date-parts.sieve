# msg: plain.eml
require ["date", "fileinto", "variables"];
if date :originalzone :matches "date" "julian" "*" { fileinto "jd-${1}"; }
if date :originalzone :matches "date" "std11" "*" { fileinto "std11-${1}"; }
if date :originalzone :matches "date" "hour" "*" { fileinto "h-${1}"; }
if date :originalzone :matches "date" "minute" "*" { fileinto "m-${1}"; }
if date :originalzone :matches "date" "second" "*" { fileinto "s-${1}"; }
if date :originalzone :matches "date" "day" "*" { fileinto "d-${1}"; }
