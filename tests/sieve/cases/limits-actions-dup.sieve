# msg: plain.eml
# 40 stores into one folder are one action
require "fileinto";
fileinto "A"; fileinto "A"; fileinto "A"; fileinto "A"; fileinto "A";
fileinto "A"; fileinto "A"; fileinto "A"; fileinto "A"; fileinto "A";
fileinto "A"; fileinto "A"; fileinto "A"; fileinto "A"; fileinto "A";
fileinto "A"; fileinto "A"; fileinto "A"; fileinto "A"; fileinto "A";
fileinto "A"; fileinto "A"; fileinto "A"; fileinto "A"; fileinto "A";
fileinto "A"; fileinto "A"; fileinto "A"; fileinto "A"; fileinto "A";
fileinto "A"; fileinto "A"; fileinto "A"; fileinto "A"; fileinto "A";
fileinto "A"; fileinto "A"; fileinto "A"; fileinto "A"; fileinto "A";
