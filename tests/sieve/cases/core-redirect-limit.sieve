# msg: plain.eml
# a fifth redirect exceeds sieve_max_redirects = 4
redirect "a@example.net";
redirect "b@example.net";
redirect "c@example.net";
redirect "d@example.net";
redirect "e@example.net";
