# msg: plain.eml
if not not exists "subject" { discard; }
