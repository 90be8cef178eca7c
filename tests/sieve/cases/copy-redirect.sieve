# msg: plain.eml
require "copy";
redirect :copy "archive@example.net";
