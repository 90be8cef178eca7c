# msg: crlf.eml
if header :is "subject" "crlf lines" { redirect "crlf@example.net"; }
