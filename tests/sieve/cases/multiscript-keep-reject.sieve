# msg: plain.eml
# args: -s copy-archive.sieve
require "reject";
keep;
reject "x";
