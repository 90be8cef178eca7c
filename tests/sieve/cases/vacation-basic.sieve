# msg: plain.eml
require "vacation";
vacation "I am on vacation.";
