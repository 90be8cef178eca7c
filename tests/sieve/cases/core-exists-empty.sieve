# msg: folded.eml plain.eml
require "fileinto";
if exists "x-empty" { fileinto "exists-empty"; }
if header :is "x-empty" "" { fileinto "is-empty"; }
if header :matches "x-empty" "?*" { fileinto "nonempty"; }
