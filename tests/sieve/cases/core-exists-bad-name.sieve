# msg: plain.eml
if exists "from:" { discard; }
