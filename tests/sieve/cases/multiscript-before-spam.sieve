# msg: spam.eml ham.eml
# args: -s spam-flag.sieve
require "fileinto";
fileinto "UserFolder";
