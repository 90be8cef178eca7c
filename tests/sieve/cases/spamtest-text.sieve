# msg: spam.eml ham.eml
# conf: sieve_spamtest_status_type=text
# conf: sieve_spamtest_status_header=X-Spam-Flag
# conf: sieve_spamtest_text_value1=NO
# conf: sieve_spamtest_text_value10=YES
require ["spamtest", "relational", "comparator-i;ascii-numeric", "fileinto"];
if spamtest :value "eq" :comparator "i;ascii-numeric" "10" { fileinto "yes"; }
if spamtest :value "eq" :comparator "i;ascii-numeric" "1" { fileinto "no"; }
