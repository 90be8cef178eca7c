# msg: plain.eml spam.eml list.eml
if allof (header :contains "from" "alice", header :contains "subject" "meeting") { redirect "all@example.net"; }
if anyof (false, exists "list-id", header :is "x-spam-flag" "YES") { redirect "any@example.net"; }
if allof (true, not false, anyof (true)) { redirect "nest@example.net"; }
