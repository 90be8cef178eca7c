# msg: plain.eml
if header :is "subject" "x" { discard;
