# msg: plain.eml
redirect "Carol <carol@example.net>";
