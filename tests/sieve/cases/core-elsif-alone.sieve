# msg: plain.eml
elsif true { discard; }
