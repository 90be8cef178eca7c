# msg: plain.eml
if true discard;
