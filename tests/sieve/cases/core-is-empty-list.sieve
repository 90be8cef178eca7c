# msg: plain.eml
if header :is ["subject", "to"] ["Meeting on Tuesday", "x"] { discard; }
