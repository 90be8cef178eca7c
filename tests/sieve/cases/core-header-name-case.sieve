# msg: plain.eml folded.eml
require "fileinto";
if header :is "X-TAG" "first" { fileinto "upper-name"; }
if header :is "x-priority" "3" { fileinto "prio"; }
if header :is "x-tag" "third with spaces" { fileinto "trimmed"; }
