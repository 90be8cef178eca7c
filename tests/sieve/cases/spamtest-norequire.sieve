# msg: spam.eml
if spamtest :value "ge" "5" { discard; }
