# msg: plain.eml
# args: -m Work
require "fileinto";
fileinto "INBOX";
