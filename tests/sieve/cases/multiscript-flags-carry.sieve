# msg: plain.eml
# args: -s flag-seen.sieve
require "fileinto";
fileinto "Main";
