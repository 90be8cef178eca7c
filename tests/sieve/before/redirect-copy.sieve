require "copy";
redirect :copy "audit@example.net";
