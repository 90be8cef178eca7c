# msg: olddate.eml
require "fileinto";
if header :matches "subject" "*\\\\backslash\\\\*" { fileinto "bs"; }
if header :matches "subject" "*\\*stars\\**" { fileinto "stars"; }
if header :contains "subject" "[ticket #123]" { fileinto "ticket"; }
