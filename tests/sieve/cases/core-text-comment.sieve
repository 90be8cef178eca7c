# msg: plain.eml
require "reject";
reject text: # a comment after text:
first
..second
.
;
