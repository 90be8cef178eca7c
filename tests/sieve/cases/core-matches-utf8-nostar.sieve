# msg: encoded.eml
# "?" matches one character (RFC 5228 2.7.1), here a two-byte one
require "fileinto";
if header :matches "x-mixed" "plain ??? text" { fileinto "chars"; }
if header :matches "x-mixed" "plain ?????? text" { fileinto "bytes"; }
if header :matches "subject" "Gr??e aus M?nchen and caf? news" { fileinto "subject"; }
