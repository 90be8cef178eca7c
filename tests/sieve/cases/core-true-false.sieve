# msg: plain.eml
if false { discard; } else { redirect "t@example.net"; }
if true { keep; }
