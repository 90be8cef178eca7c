# msg: plain.eml
require ["ihave"];
if ihave "fileinto" { keep; }
