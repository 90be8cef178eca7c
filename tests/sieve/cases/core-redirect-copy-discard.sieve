# msg: plain.eml
require "copy";
redirect :copy "a@example.net";
discard;
