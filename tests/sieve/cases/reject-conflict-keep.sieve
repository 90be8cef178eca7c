# msg: plain.eml
require "reject";
reject "no";
keep;
