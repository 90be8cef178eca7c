# msg: plain.eml
require "include";
include :once :personal "once";
include :once :personal "once";
