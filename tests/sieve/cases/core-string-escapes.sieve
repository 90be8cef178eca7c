# msg: plain.eml
if header :is "subject" "Meeting on \T\u\e\sday" { redirect "esc@example.net"; }
if header :is "subject" "Meeting on \"Tuesday\"" { discard; }
