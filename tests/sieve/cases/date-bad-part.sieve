# msg: plain.eml
require "date";
if date :is "date" "fortnight" "1" { discard; }
