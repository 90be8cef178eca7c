# msg: spam.eml ham.eml
# conf: sieve_spamtest_status_type=strlen
# conf: sieve_spamtest_status_header=X-Spam-Level
# conf: sieve_spamtest_max_value=5
require ["spamtest", "relational", "comparator-i;ascii-numeric", "fileinto"];
if spamtest :value "ge" :comparator "i;ascii-numeric" "3" { fileinto "starry"; }
if spamtest :value "eq" :comparator "i;ascii-numeric" "0" { fileinto "none"; }
