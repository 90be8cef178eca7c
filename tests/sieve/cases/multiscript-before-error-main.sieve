# msg: plain.eml
# args: -s runtime-error.sieve
keep;
