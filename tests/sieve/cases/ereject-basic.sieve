# msg: plain.eml
require "ereject";
ereject "no thanks";
