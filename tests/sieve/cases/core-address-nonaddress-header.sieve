# msg: plain.eml
if address :contains "subject" "Tuesday" { discard; }
