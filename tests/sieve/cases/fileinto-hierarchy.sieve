# msg: plain.eml
require "fileinto";
fileinto "Lists/dev";
fileinto "Archive.2023";
