# msg: plain.eml spam.eml
# args: -s copy-archive.sieve -s spam-flag.sieve
# args: -s redirect-copy.sieve -s copy-archive.sieve
keep;
