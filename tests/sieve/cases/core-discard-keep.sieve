# msg: plain.eml
discard;
keep;
