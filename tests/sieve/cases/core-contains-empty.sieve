# msg: plain.eml nobody.eml
if header :contains "subject" "" { redirect "empty@example.net"; }
