# msg: plain.eml
# the same address twice is one redirect
redirect "carol@example.net";
redirect "carol@example.net";
