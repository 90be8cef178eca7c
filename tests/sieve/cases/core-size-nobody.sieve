# msg: nobody.eml
require "fileinto";
if size :over 100 { fileinto "over100"; }
if size :under 106 { fileinto "under106"; }
if size :over 105 { fileinto "over105"; }
