# msg: plain.eml
keep; /* never closed
