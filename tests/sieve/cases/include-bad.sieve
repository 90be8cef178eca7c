# msg: plain.eml
require "include";
include :personal "bad";
