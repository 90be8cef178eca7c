# msg: plain.eml
require ["body", "regex", "variables", "fileinto"];
if body :text :regex "at ([0-9]+):([0-9]+)" { fileinto "t-${1}-${2}"; }
