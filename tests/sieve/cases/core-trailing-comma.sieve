# msg: plain.eml
if header :is "subject" ["a",] { discard; }
