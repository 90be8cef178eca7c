# msg: plain.eml
require "reject";
reject text:
Sorry, I do not accept mail.
..dot-stuffed line
.
;
