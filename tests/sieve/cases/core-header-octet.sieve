# msg: plain.eml
if header :comparator "i;octet" :is "subject" "meeting on tuesday" { discard; }
if header :comparator "i;octet" :contains "subject" "Tuesday" { redirect "x@example.net"; }
