# msg: plain.eml
# args: -s redirect-copy.sieve
discard;
