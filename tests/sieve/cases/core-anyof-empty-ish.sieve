# msg: plain.eml
require "fileinto";
if anyof (not true, not exists "from") { fileinto "no"; } else { fileinto "yes"; }
if allof (exists "from", exists ["to", "cc", "x-none"]) { fileinto "allto"; }
if exists ["to", "cc"] { fileinto "tocc"; }
