# msg: plain.eml
require "envelope";
if envelope :is "subject" "x" { discard; }
