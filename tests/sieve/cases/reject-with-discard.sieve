# msg: plain.eml
require "reject";
reject "bye";
discard;
