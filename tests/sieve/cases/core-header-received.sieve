# msg: plain.eml folded.eml
require "fileinto";
if header :contains "received" "by mail.example.com with ESMTP" { fileinto "unfolded"; }
if header :contains "received" "c.example.net" { fileinto "second-received"; }
if header :matches "received" "from mx.example.org (*) by *" { fileinto "match"; }
