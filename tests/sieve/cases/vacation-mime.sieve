# msg: plain.eml
require "vacation";
vacation :mime text:
Content-Type: text/plain; charset=utf-8

Bin im Urlaub.
.
;
