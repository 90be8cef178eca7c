# msg: plain.eml list.eml nobody.eml
if exists ["list-id", "precedence"] { discard; }
if exists "date" { redirect "dated@example.net"; }
if not exists "message-id" { redirect "noid@example.net"; }
