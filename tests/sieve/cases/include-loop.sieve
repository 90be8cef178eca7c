# msg: plain.eml
require "include";
include :personal "loop-a";
