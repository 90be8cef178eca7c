# msg: spam.eml ham.eml
# conf: sieve_spamtest_status_header=X-Spam-Status: [A-Za-z]+, score=([0-9.]+)
require ["spamtest", "relational", "comparator-i;ascii-numeric", "fileinto"];
if spamtest :value "ge" :comparator "i;ascii-numeric" "5" { fileinto "high"; }
if spamtest :value "eq" :comparator "i;ascii-numeric" "0" { fileinto "zero"; }
