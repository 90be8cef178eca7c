# msg: plain.eml
require ["variables"];
set "user" "carol";
set "dom" "example.net";
redirect "${user}@${dom}";
