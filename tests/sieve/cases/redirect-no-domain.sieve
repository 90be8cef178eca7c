# msg: plain.eml
redirect "carol";
