# msg: plain.eml
require "vacation";
redirect "carol@example.net";
vacation "away";
