# msg: folded.eml oddaddr.eml plain.eml
if address :is "to" "bob@example.com" { redirect "tobob@example.net"; }
if address :matches "to" "subscriber-*@example.com" { redirect "sub@example.net"; }
if address :is :domain ["to", "cc"] "example.com" { redirect "dom@example.net"; }
