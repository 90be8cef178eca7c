# msg: plain.eml
if address :user "from" "alice" { discard; }
