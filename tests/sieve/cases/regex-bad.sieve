# msg: plain.eml
require "regex";
if header :regex "subject" "([" { discard; }
