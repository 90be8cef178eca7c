# msg: plain.eml dated.eml
require ["date", "relational", "fileinto"];
if date :is "date" "year" "2023" { fileinto "y2023"; }
if date :is "date" "month" "03" { fileinto "march"; }
if date :value "ge" "date" "date" "2022-01-01" { fileinto "after2022"; }
if date :is "date" "weekday" "2" { fileinto "tuesday"; }
