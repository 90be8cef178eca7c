# msg: encoded.eml
require "fileinto";
if header :contains "subject" "GRÜSSE" { fileinto "upper-sz"; }
if header :contains "subject" "grüße" { fileinto "lower-a"; }
if header :contains "subject" "GRüßE" { fileinto "ascii-upper"; }
if header :contains "subject" "CAFÉ" { fileinto "cafe-upper"; }
