# msg: plain.eml big.eml nobody.eml
if size :over 1K { redirect "big@example.net"; }
if size :under 200 { redirect "small@example.net"; }
if size :over 7000 { discard; }
