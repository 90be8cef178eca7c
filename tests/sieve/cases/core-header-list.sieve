# msg: plain.eml folded.eml
if header :contains ["x-tag", "subject"] ["second", "budget", "folded"] { discard; }
