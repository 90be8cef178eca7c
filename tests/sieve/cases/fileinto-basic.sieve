# msg: plain.eml
require "fileinto";
fileinto "Work";
