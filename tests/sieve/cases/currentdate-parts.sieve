# msg: plain.eml
require ["date", "relational", "fileinto"];
if currentdate :value "ge" "date" "2020-01-01" { fileinto "after2020"; }
if currentdate :matches "weekday" ["0", "1", "2", "3", "4", "5", "6"] { fileinto "weekday"; }
if currentdate :value "le" "month" "12" { fileinto "month"; }
if currentdate :value "lt" "julian" "10000" { fileinto "julian-small"; }
