# msg: plain.eml
if header :is "subject" [] { discard; }
