# msg: plain.eml list.eml
require ["regex", "variables", "fileinto"];
if header :regex "subject" "^\\[([a-z]+)\\] (.*)$" { fileinto "${1}/${2}"; }
elsif header :regex "subject" "(M)(e+)(t)" { fileinto "${0}-${1}-${2}-${3}-${4}"; }
