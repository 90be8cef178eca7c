# msg: plain.eml
require "copy";
redirect :copy "a@example.net";
redirect :copy "b@example.net";
redirect :copy "c@example.net";
redirect :copy "d@example.net";
redirect :copy "e@example.net";
