# msg: plain.eml
if currentdate :value "ge" "year" "2020" { discard; }
