# msg: plain.eml folded.eml
require ["variables", "fileinto"];
if header :matches "subject" "*on *" { fileinto "m-${1}-${2}"; }
if header :matches "from" "*<*@*>" { fileinto "from-${2}-${3}"; }
if address :matches :domain "to" "*.*" { fileinto "dom-${1}"; }
