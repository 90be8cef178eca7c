# msg: big.eml
if size :under 1M { redirect "m@example.net"; }
if size :over 0G { redirect "g@example.net"; }
