# msg: plain.eml
if header :comparator "i;unknown" :is "subject" "x" { discard; }
