# msg: oddaddr.eml
if address :is :domain "reply-to" "EXAMPLE.COM" { redirect "rt@example.net"; }
if address :is "resent-from" "relay@example.net" { redirect "resent@example.net"; }
if address :comparator "i;octet" :is :domain "from" "example.com" { redirect "octet@example.net"; }
