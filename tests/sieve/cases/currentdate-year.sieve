# msg: plain.eml
require ["date", "relational", "fileinto"];
if currentdate :value "ge" "year" "2020" { fileinto "recent"; }
if currentdate :value "lt" "year" "2000" { fileinto "old"; }
if currentdate :matches "iso8601" "????-??-??T*" { fileinto "iso"; }
if currentdate :zone "+0000" :matches "zone" "+0000" { fileinto "zone"; }
