# msg: plain.eml
require "fileinto";
fileinto "Work";
fileinto "Work";
fileinto "Other";
