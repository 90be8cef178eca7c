# msg: plain.eml
keep;
