# msg: plain.eml
redirect " carol@example.net ";
