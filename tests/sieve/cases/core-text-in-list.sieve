# msg: plain.eml
if header :contains "subject" [text:
Tuesday
.
, "x"] { discard; }
