# msg: plain.eml
# keywords are a set without case: Y and "y" are one
require "imap4flags";
keep :flags ["Y", "Z y"];
