# msg: plain.eml oddaddr.eml
if address :is :localpart "from" "alice" { redirect "local@example.net"; }
if address :is :domain "from" "example.com" { redirect "domain@example.net"; }
if address :is :all "from" "john.doe@example.com" { redirect "all@example.net"; }
if address :contains "cc" "sub.example" { redirect "cc@example.net"; }
