# msg: plain.eml
if header :matches "subject" "Meeting on T\\*" { discard; }
if header :matches "x-count" "4?" { redirect "q@example.net"; }
if header :matches "x-count" "\\4\\2" { redirect "e@example.net"; }
