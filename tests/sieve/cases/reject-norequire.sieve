# msg: plain.eml
reject "x";
