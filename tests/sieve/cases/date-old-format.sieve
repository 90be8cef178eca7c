# msg: olddate.eml
require ["date", "fileinto", "variables"];
if date :originalzone :matches "date" "date" "*" { fileinto "d-${1}"; }
if date :originalzone :matches "date" "time" "*" { fileinto "t-${1}"; }
if date :originalzone :matches "date" "zone" "*" { fileinto "z-${1}"; }
if date :zone "+0000" :matches "date" "iso8601" "*" { fileinto "iso-${1}"; }
