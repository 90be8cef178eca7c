# msg: plain.eml
# args: -s copy-archive.sieve -s runtime-error.sieve
require "fileinto";
fileinto "Main";
