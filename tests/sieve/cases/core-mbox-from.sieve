# msg: mbox.eml
if header :is "from" "Eve <eve@example.org>" { redirect "eve@example.net"; }
if header :contains "subject" "mbox" { discard; }
