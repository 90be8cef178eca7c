# msg: plain.eml
require "fileinto";
fileinto "inbox";
keep;
