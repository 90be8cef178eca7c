# msg: plain.eml
if header :comparator "i;ascii-numeric" :is "x-count" "42" { discard; }
