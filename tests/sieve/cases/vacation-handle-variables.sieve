# msg: plain.eml
require ["vacation", "variables"];
set "h" "handle-1";
vacation :handle "${h}" :days 2 "away";
