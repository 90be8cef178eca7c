# msg: plain.eml
if header :bogus "subject" "x" { discard; }
