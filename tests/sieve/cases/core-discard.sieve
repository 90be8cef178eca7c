# msg: plain.eml
discard;
