# msg: plain.eml
require "imap4flags";
keep :flags "\\Seen";
keep :flags "\\Flagged";
