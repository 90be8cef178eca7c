# msg: plain.eml
keep;
require "fileinto";
