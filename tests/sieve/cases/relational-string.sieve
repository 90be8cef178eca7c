# msg: plain.eml
require ["relational", "fileinto"];
if header :value "gt" "subject" "Meeting" { fileinto "gt"; }
if header :value "lt" "subject" "n" { fileinto "lt-ci"; }
if header :value "lt" :comparator "i;octet" "subject" "a" { fileinto "lt-octet"; }
if address :value "ge" :domain "from" "example.org" { fileinto "ge-dom"; }
