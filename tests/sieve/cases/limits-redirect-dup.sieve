# msg: plain.eml
# the same address five times is one redirect
redirect "a@example.net";
redirect "a@example.net";
redirect "a@example.net";
redirect "a@example.net";
redirect "a@example.net";
