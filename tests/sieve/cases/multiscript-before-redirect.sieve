# msg: plain.eml
# args: -s redirect-all.sieve
# the before script's redirect ends the sequence
redirect "never@example.net";
