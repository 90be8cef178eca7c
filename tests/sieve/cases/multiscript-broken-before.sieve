# msg: plain.eml
# args: -s broken.sieve
keep;
