# msg: plain.eml
require ["encoded-character", "fileinto"];
if header :contains "subject" "${hex:5x}" { fileinto "bad"; }
if header :contains "subject" "${unicode:D800}" { fileinto "surrogate"; }
