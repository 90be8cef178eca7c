# msg: plain.eml oddaddr.eml
require ["regex", "fileinto", "variables"];
if address :regex :localpart "from" "^([a-z]+)\\.?([a-z]*)$" { fileinto "local-${1}-${2}"; }
if address :regex :domain "from" "example\\.(org|com)" { fileinto "dom-${1}"; }
