# msg: plain.eml
require "include";
include :optional :personal "does-not-exist";
redirect "opt@example.net";
