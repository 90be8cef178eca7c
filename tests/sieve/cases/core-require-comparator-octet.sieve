# msg: plain.eml
require ["comparator-i;octet", "comparator-i;ascii-casemap"];
if header :comparator "i;octet" :is "x-count" "42" { discard; }
