# msg: plain.eml
redirect "not an address";
