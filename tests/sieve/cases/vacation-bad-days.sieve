# msg: plain.eml
require "vacation";
vacation :days "x" "away";
