# msg: plain.eml
require "nonexistent-extension";
keep;
