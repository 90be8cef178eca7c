# msg: plain.eml
if foo "x" { discard; }
