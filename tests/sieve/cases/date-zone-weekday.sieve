# msg: plain.eml dated.eml
require ["date", "fileinto", "variables"];
if date :zone "-1200" :matches "date" "weekday" "*" { fileinto "wd-${1}"; }
if date :zone "+1400" :matches "date" "date" "*" { fileinto "d-${1}"; }
if date :matches "date" "zone" "*" { fileinto "z"; }
