# msg: plain.eml
discard;
stop;
keep;
