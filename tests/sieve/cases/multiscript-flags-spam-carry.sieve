# msg: spam.eml
# args: -s flag-seen.sieve -s spam-flag.sieve
keep;
