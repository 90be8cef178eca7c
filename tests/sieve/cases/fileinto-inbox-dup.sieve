# msg: plain.eml
# fileinto "INBOX" and keep are one store
require "fileinto";
fileinto "INBOX";
keep;
