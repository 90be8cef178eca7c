# msg: plain.eml
require "vacation";
vacation "away";
discard;
