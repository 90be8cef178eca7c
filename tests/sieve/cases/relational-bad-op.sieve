# msg: plain.eml
require "relational";
if header :value "gte" "subject" "x" { discard; }
