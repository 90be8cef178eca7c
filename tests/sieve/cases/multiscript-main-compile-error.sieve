# msg: plain.eml
# args: -s copy-archive.sieve
if header { keep; }
