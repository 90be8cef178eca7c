# msg: encoded.eml
require "fileinto";
if address :is "from" "juergen@example.de" { fileinto "addr"; }
if header :contains "from" "Jürgen" { fileinto "display"; }
if address :is "to" "francois@example.fr" { fileinto "first-to"; }
if header :contains "to" "François" { fileinto "francois"; }
