# msg: plain.eml
if header :contains "x-nonexistent" "" { discard; }
if not header :matches "x-nonexistent" "*" { redirect "none@example.net"; }
