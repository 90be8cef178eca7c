# msg: plain.eml
# args: -s copy-archive.sieve
require "fileinto";
fileinto "Main";
