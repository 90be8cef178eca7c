# msg: plain.eml
if body :contains "x" { discard; }
