# msg: plain.eml
if size :under 4G { redirect "g@example.net"; }
