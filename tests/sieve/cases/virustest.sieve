# msg: spam.eml ham.eml plain.eml
require ["virustest", "relational", "comparator-i;ascii-numeric", "fileinto"];
if virustest :value "eq" :comparator "i;ascii-numeric" "5" { fileinto "Virus"; }
if virustest :value "eq" :comparator "i;ascii-numeric" "1" { fileinto "Clean"; }
if virustest :value "eq" :comparator "i;ascii-numeric" "0" { fileinto "NotScanned"; }
