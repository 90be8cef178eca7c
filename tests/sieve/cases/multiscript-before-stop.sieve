# msg: plain.eml
# args: -s stop.sieve
# stop ends one script of the sequence, not the sequence
require "fileinto";
fileinto "Main";
