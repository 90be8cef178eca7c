# msg: plain.eml
# i;ascii-casemap is the default comparator
if header :is "Subject" "meeting on tuesday" { discard; }
