# msg: plain.eml
require "include";
include :personal "does-not-exist";
