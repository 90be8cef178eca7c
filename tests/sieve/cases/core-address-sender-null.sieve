# msg: oddaddr.eml
if address :matches "sender" "*" { redirect "sender@example.net"; }
if exists "sender" { redirect "exists@example.net"; }
