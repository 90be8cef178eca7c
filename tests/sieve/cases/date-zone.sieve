# msg: dated.eml
require ["date", "fileinto", "variables"];
if date :zone "+0000" "date" "date" "2022-01-01" { fileinto "utc-2022"; }
if date :zone "-0800" "date" "date" "2021-12-31" { fileinto "pst-2021"; }
if date :originalzone "date" "zone" "+0530" { fileinto "orig-zone"; }
if date :zone "+0100" "date" "time" "03:29:30" { fileinto "cet-time"; }
if date :originalzone :matches "date" "iso8601" "*" { fileinto "iso-${1}"; }
