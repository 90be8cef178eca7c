# msg: plain.eml
require "reject";
reject "";
