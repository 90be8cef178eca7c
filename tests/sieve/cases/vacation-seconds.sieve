# msg: plain.eml
require "vacation-seconds";
vacation :seconds 3600 "back in an hour";
