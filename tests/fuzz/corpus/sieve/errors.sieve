require "fileinto";
if header :is :contains "a" "b" { fileinto ["a", "b"]; }
elsif { }
text: x
