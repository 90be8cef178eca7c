# msg: plain.eml
require "fileinto";
fileinto :copy "A";
