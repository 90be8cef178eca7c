# msg: plain.eml
keep;
discard;
