# msg: folded.eml
require ["regex", "fileinto"];
if header :regex "x-tag" ["^sec", "^zzz"] { fileinto "second"; }
if address :regex :all "to" "^subscriber-(one|two)@" { fileinto "sub"; }
