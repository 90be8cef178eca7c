# msg: plain.eml
# args: -s copy-archive.sieve
require "reject";
reject "go away";
